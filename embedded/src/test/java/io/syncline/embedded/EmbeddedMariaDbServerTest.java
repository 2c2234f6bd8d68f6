package io.syncline.embedded;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class EmbeddedMariaDbServerTest {

    @RegisterExtension static final MariaDbExtension MARIADB = new MariaDbExtension();

    @Test
    void binaryLogIsOnInTheFormCdcNeeds() throws SQLException {
        try (Connection c = MARIADB.connect("")) {
            assertThat(variable(c, "log_bin")).isEqualTo("1");
            assertThat(variable(c, "binlog_format")).isEqualTo("ROW");
            assertThat(variable(c, "binlog_row_image")).isEqualTo("FULL");
            assertThat(variable(c, "server_id")).isEqualTo("1");
            assertThat(variable(c, "binlog_legacy_event_pos")).isEqualTo("1");
            assertThat(variable(c, "time_zone")).isEqualTo("+00:00");
            assertThat(variable(c, "version")).startsWith("11.4");
        }
        assertThat(MARIADB.server().jdbcUrl("db"))
                .isEqualTo("jdbc:mysql://127.0.0.1:" + MARIADB.port() + "/db");
    }

    @Test
    void aCommittedRowAdvancesTheBinaryLogAndTheReplicationUserMayReadIt() throws SQLException {
        MARIADB.createDatabase("embedded_binlog");
        MARIADB.execute(
                "embedded_binlog",
                "CREATE TABLE IF NOT EXISTS t (id INT PRIMARY KEY, name VARCHAR(20))");
        long before = binlogPosition();
        MARIADB.execute("embedded_binlog", "INSERT INTO t VALUES (1, 'one')");
        assertThat(binlogPosition()).isGreaterThan(before);

        try (Connection c =
                        DriverManager.getConnection(
                                MARIADB.server().jdbcUrl("embedded_binlog"),
                                MARIADB.replicationUsername(),
                                MARIADB.replicationPassword());
                Statement s = c.createStatement()) {
            assertThat(grants(s))
                    .containsExactly(
                            "GRANT SELECT, RELOAD, SHOW DATABASES, REPLICATION SLAVE, BINLOG MONITOR"
                                    + " ON *.* TO `syncline_cdc`@`%` IDENTIFIED BY PASSWORD");
            try (ResultSet rs = s.executeQuery("SELECT name FROM t WHERE id = 1")) {
                assertThat(rs.next()).isTrue();
                assertThat(rs.getString(1)).isEqualTo("one");
            }
        }
    }

    private static long binlogPosition() throws SQLException {
        try (Connection c = MARIADB.connect("");
                Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SHOW MASTER STATUS")) {
            assertThat(rs.next()).isTrue();
            return rs.getLong("Position");
        }
    }

    private static List<String> grants(Statement s) throws SQLException {
        List<String> grants = new ArrayList<>();
        try (ResultSet rs = s.executeQuery("SHOW GRANTS")) {
            while (rs.next()) {
                // Without the password hash, which differs per run.
                grants.add(rs.getString(1).replaceAll(" '\\*[0-9A-F]+'$", ""));
            }
        }
        return grants;
    }

    private static String variable(Connection c, String name) throws SQLException {
        try (Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SELECT @@global." + name)) {
            rs.next();
            return rs.getString(1);
        }
    }
}
