package io.syncline.embedded;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.postgresql.PGConnection;
import org.postgresql.PGProperty;
import org.postgresql.replication.LogSequenceNumber;
import org.postgresql.replication.PGReplicationStream;

class EmbeddedPostgresServerTest {

    @RegisterExtension static final PostgresExtension POSTGRES = new PostgresExtension();

    @Test
    void serverIsConfiguredForLogicalReplication() throws SQLException {
        try (Connection c = POSTGRES.connect("postgres")) {
            assertThat(setting(c, "wal_level")).isEqualTo("logical");
            assertThat(setting(c, "max_replication_slots")).isEqualTo("40");
            assertThat(setting(c, "max_wal_senders")).isEqualTo("40");
            assertThat(setting(c, "max_connections")).isEqualTo("200");
            assertThat(setting(c, "fsync")).isEqualTo("off");
            assertThat(setting(c, "synchronous_commit")).isEqualTo("on");
            assertThat(setting(c, "track_commit_timestamp")).isEqualTo("on");
            assertThat(setting(c, "server_version_num")).startsWith("15");
        }
        assertThat(POSTGRES.jdbcUrl("db"))
                .isEqualTo("jdbc:postgresql://localhost:" + POSTGRES.port() + "/db");
        assertThat(POSTGRES.username()).isEqualTo("postgres");
        assertThat(POSTGRES.password()).isEqualTo("postgres");
    }

    @Test
    void createDatabaseIsIdempotent() throws SQLException {
        POSTGRES.createDatabase("idempotent_db");
        POSTGRES.createDatabase("idempotent_db");
        POSTGRES.execute("idempotent_db", "CREATE TABLE t (id int)", "INSERT INTO t VALUES (1)");

        try (Connection c = POSTGRES.connect("idempotent_db");
                Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SELECT current_database(), count(*) FROM t")) {
            assertThat(rs.next()).isTrue();
            assertThat(rs.getString(1)).isEqualTo("idempotent_db");
            assertThat(rs.getLong(2)).isEqualTo(1);
        }
    }

    @Test
    void pgoutputSlotDecodesInserts() throws SQLException {
        POSTGRES.createDatabase("peek_db");
        POSTGRES.execute(
                "peek_db",
                "CREATE TABLE items (id int PRIMARY KEY, name text)",
                "CREATE PUBLICATION pub FOR TABLE items",
                "SELECT pg_create_logical_replication_slot('peek_slot', 'pgoutput')",
                "INSERT INTO items VALUES (1, 'a'), (2, 'b')",
                "INSERT INTO items VALUES (3, 'c')");

        List<Character> messageTypes = new ArrayList<>();
        try (Connection c = POSTGRES.connect("peek_db");
                Statement s = c.createStatement();
                ResultSet rs =
                        s.executeQuery(
                                "SELECT data FROM pg_logical_slot_peek_binary_changes("
                                        + "'peek_slot', NULL, NULL, 'proto_version', '1',"
                                        + " 'publication_names', 'pub')")) {
            while (rs.next()) {
                messageTypes.add((char) rs.getBytes(1)[0]);
            }
        } finally {
            POSTGRES.execute("peek_db", "SELECT pg_drop_replication_slot('peek_slot')");
        }

        // Two transactions: Begin, Relation (first time only), Inserts, Commit.
        assertThat(messageTypes).filteredOn(t -> t == 'I').hasSize(3);
        assertThat(messageTypes).filteredOn(t -> t == 'B').hasSize(2);
        assertThat(messageTypes).filteredOn(t -> t == 'C').hasSize(2);
        assertThat(messageTypes).contains('R');
    }

    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void replicationConnectionStreamsChanges() throws Exception {
        POSTGRES.createDatabase("stream_db");
        POSTGRES.execute(
                "stream_db",
                "CREATE TABLE events (id int PRIMARY KEY, payload text)",
                "CREATE PUBLICATION stream_pub FOR TABLE events");

        // The connection settings Debezium uses for its replication connection.
        Properties props = new Properties();
        PGProperty.USER.set(props, POSTGRES.username());
        PGProperty.PASSWORD.set(props, POSTGRES.password());
        PGProperty.REPLICATION.set(props, "database");
        PGProperty.ASSUME_MIN_SERVER_VERSION.set(props, "9.4");
        PGProperty.PREFER_QUERY_MODE.set(props, "simple");

        try (Connection replication =
                new org.postgresql.Driver().connect(POSTGRES.jdbcUrl("stream_db"), props)) {
            PGConnection pg = replication.unwrap(PGConnection.class);
            pg.getReplicationAPI()
                    .createReplicationSlot()
                    .logical()
                    .withSlotName("stream_slot")
                    .withOutputPlugin("pgoutput")
                    .make();
            try {
                POSTGRES.execute("stream_db", "INSERT INTO events VALUES (1, 'hello')");

                try (PGReplicationStream stream =
                        pg.getReplicationAPI()
                                .replicationStream()
                                .logical()
                                .withSlotName("stream_slot")
                                .withSlotOption("proto_version", "1")
                                .withSlotOption("publication_names", "stream_pub")
                                .withStatusInterval(1, TimeUnit.SECONDS)
                                .start()) {
                    // read() blocks until a message arrives; @Timeout bounds the wait.
                    List<Character> types = new ArrayList<>();
                    while (!types.contains('C')) {
                        ByteBuffer message = stream.read();
                        types.add((char) message.get(message.position()));
                        LogSequenceNumber lsn = stream.getLastReceiveLSN();
                        stream.setAppliedLSN(lsn);
                        stream.setFlushedLSN(lsn);
                    }
                    assertThat(types).containsSubsequence('B', 'R', 'I', 'C');
                }
            } finally {
                pg.getReplicationAPI().dropReplicationSlot("stream_slot");
            }
        }
    }

    private static String setting(Connection c, String name) throws SQLException {
        try (Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SHOW " + name)) {
            assertThat(rs.next()).isTrue();
            return rs.getString(1);
        }
    }
}
