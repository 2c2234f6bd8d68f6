package io.syncline.jobs.wiring.sources;

import io.syncline.jobs.config.MySqlSourceConfig;
import io.syncline.jobs.config.TableMapping;
import io.syncline.jobs.wiring.DiscoveredTable;
import io.syncline.operators.decode.OriginColumns;
import io.syncline.operators.decode.debezium.SourcePosition;
import io.syncline.operators.sink.TargetColumn;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads what the job needs from a MySQL or MariaDB source before it starts: each table's columns
 * (as target column types, see {@link MySqlTypes}) and primary key from {@code information_schema},
 * and where the binlog stands.
 */
final class MySqlTableDiscovery {

    private static final String COLUMNS =
            "SELECT COLUMN_NAME, DATA_TYPE, COLUMN_TYPE, NUMERIC_PRECISION, NUMERIC_SCALE,"
                    + " DATETIME_PRECISION FROM information_schema.COLUMNS"
                    + " WHERE TABLE_SCHEMA = ? AND TABLE_NAME = ? ORDER BY ORDINAL_POSITION";

    private static final String PRIMARY_KEY =
            "SELECT COLUMN_NAME FROM information_schema.KEY_COLUMN_USAGE"
                    + " WHERE TABLE_SCHEMA = ? AND TABLE_NAME = ? AND CONSTRAINT_NAME = 'PRIMARY'"
                    + " ORDER BY ORDINAL_POSITION";

    /**
     * Where the binlog stood and the server's clock then: version and commit time of snapshot
     * reads.
     */
    record BinlogStart(SourcePosition position, Instant serverTime) {}

    private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(10);

    private MySqlTableDiscovery() {}

    static Connection connect(MySqlSourceConfig source) throws SQLException {
        return source.connect(CONNECT_TIMEOUT, null);
    }

    /** Every table of {@code source}, with its columns and key. */
    static List<DiscoveredTable> tables(MySqlSourceConfig source) {
        try (Connection connection = connect(source)) {
            List<DiscoveredTable> tables = new ArrayList<>();
            for (TableMapping mapping : source.tables()) {
                tables.add(table(connection, source, mapping));
            }
            return tables;
        } catch (SQLException e) {
            throw new IllegalStateException(unreachable(source, e), e);
        }
    }

    /**
     * The binlog's current position; {@code SHOW MASTER STATUS} needs the REPLICATION CLIENT grant,
     * which the connector needs anyway.
     */
    static BinlogStart binlogStart(MySqlSourceConfig source) {
        try (Connection connection = connect(source);
                Statement statement = connection.createStatement()) {
            SourcePosition position;
            try (ResultSet status = statement.executeQuery("SHOW MASTER STATUS")) {
                if (!status.next()) {
                    throw new IllegalStateException(
                            "source '"
                                    + source.id()
                                    + "': the server at "
                                    + source.hostname()
                                    + ":"
                                    + source.port()
                                    + " has no binary log; start it with log-bin,"
                                    + " binlog_format=ROW and binlog_row_image=FULL");
                }
                position = SourcePosition.binlog(status.getString(1), status.getLong(2));
            }
            requireEventPositions(source, statement);
            // Whole seconds: binlog events carry their time in seconds, and a change streamed in
            // the second the snapshot started must not look older than the snapshot's reads.
            try (ResultSet now = statement.executeQuery("SELECT UNIX_TIMESTAMP()")) {
                now.next();
                return new BinlogStart(position, Instant.ofEpochSecond(now.getLong(1)));
            }
        } catch (SQLException e) {
            throw new IllegalStateException(unreachable(source, e), e);
        }
    }

    /**
     * MariaDB 11.4 and later leave the end position out of events inside transactions unless {@code
     * binlog_legacy_event_pos} is on, so the changes would carry no binlog position.
     */
    private static void requireEventPositions(MySqlSourceConfig source, Statement statement)
            throws SQLException {
        try (ResultSet setting =
                statement.executeQuery("SHOW GLOBAL VARIABLES LIKE 'binlog_legacy_event_pos'")) {
            if (setting.next() && !"ON".equalsIgnoreCase(setting.getString(2))) {
                throw new IllegalStateException(
                        "source '"
                                + source.id()
                                + "': the server at "
                                + source.hostname()
                                + ":"
                                + source.port()
                                + " has binlog_legacy_event_pos="
                                + setting.getString(2)
                                + ", so its binlog events inside transactions carry no position"
                                + " to order changes by; set binlog_legacy_event_pos=ON (SET"
                                + " GLOBAL and in the server's configuration file)");
            }
        }
    }

    private static DiscoveredTable table(
            Connection connection, MySqlSourceConfig source, TableMapping mapping)
            throws SQLException {
        List<TargetColumn> columns = new ArrayList<>();
        try (PreparedStatement query = connection.prepareStatement(COLUMNS)) {
            query.setString(1, mapping.schemaName());
            query.setString(2, mapping.tableName());
            try (ResultSet rows = query.executeQuery()) {
                while (rows.next()) {
                    String name = rows.getString(1);
                    if (OriginColumns.isBookkeeping(name)) {
                        continue;
                    }
                    String type =
                            MySqlTypes.postgresType(
                                    rows.getString(2),
                                    rows.getString(3),
                                    (Long) rows.getObject(4, Long.class),
                                    (Long) rows.getObject(5, Long.class),
                                    (Long) rows.getObject(6, Long.class));
                    if (type == null) {
                        throw new IllegalStateException(
                                "column "
                                        + name
                                        + " of "
                                        + mapping.table()
                                        + " (source '"
                                        + source.id()
                                        + "') has type "
                                        + rows.getString(3)
                                        + ", which Syncline cannot replicate; change its type"
                                        + " (see docs/sources/mysql.md) or leave the table out");
                    }
                    columns.add(new TargetColumn(name, type));
                }
            }
        }
        if (columns.isEmpty()) {
            throw new IllegalStateException(
                    "table "
                            + mapping.table()
                            + " of source '"
                            + source.id()
                            + "' does not exist or "
                            + source.username()
                            + " may not read it; create it, fix the name, or GRANT SELECT on it");
        }
        List<String> key =
                mapping.primaryKey().isEmpty()
                        ? primaryKey(connection, mapping)
                        : mapping.primaryKey();
        if (key.isEmpty()) {
            throw new IllegalStateException(
                    "table "
                            + mapping.table()
                            + " of source '"
                            + source.id()
                            + "' has no primary key, which the incremental snapshot splits the"
                            + " table by; add one");
        }
        return new DiscoveredTable(mapping, columns, key);
    }

    private static List<String> primaryKey(Connection connection, TableMapping mapping)
            throws SQLException {
        List<String> key = new ArrayList<>();
        try (PreparedStatement query = connection.prepareStatement(PRIMARY_KEY)) {
            query.setString(1, mapping.schemaName());
            query.setString(2, mapping.tableName());
            try (ResultSet rows = query.executeQuery()) {
                while (rows.next()) {
                    key.add(rows.getString(1));
                }
            }
        }
        return key;
    }

    private static String unreachable(MySqlSourceConfig source, SQLException e) {
        return "source '"
                + source.id()
                + "': cannot read "
                + source.database()
                + " at "
                + source.hostname()
                + ":"
                + source.port()
                + " as "
                + source.username()
                + ": "
                + e.getMessage();
    }
}
