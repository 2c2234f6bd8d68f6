package io.syncline.jobs.wiring;

import io.syncline.jobs.config.SourceConfig;
import io.syncline.jobs.config.TableMapping;
import io.syncline.operators.decode.OriginColumns;
import io.syncline.operators.jdbc.PostgresConnections;
import io.syncline.operators.sink.SqlIdentifiers;
import io.syncline.operators.sink.TargetColumn;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads the columns and keys of a source's configured tables from the PostgreSQL catalog;
 * Syncline's bookkeeping columns ({@link OriginColumns#PREFIX}) are left out.
 */
public final class TableDiscovery {

    private static final String COLUMNS =
            "SELECT a.attname, format_type(a.atttypid, a.atttypmod) FROM pg_attribute a"
                    + " WHERE a.attrelid = to_regclass(?) AND a.attnum > 0 AND NOT"
                    + " a.attisdropped ORDER BY a.attnum";
    private static final String PRIMARY_KEY =
            "SELECT a.attname FROM pg_index i JOIN pg_attribute a ON a.attrelid = i.indrelid"
                    + " AND a.attnum = ANY(i.indkey) WHERE i.indrelid = to_regclass(?) AND"
                    + " i.indisprimary ORDER BY array_position(i.indkey::int2[], a.attnum)";

    private TableDiscovery() {}

    /** Discovers every table of {@code source}. */
    public static List<DiscoveredTable> discover(SourceConfig source) {
        try (Connection connection =
                PostgresConnections.open(source.jdbcUrl(), source.username(), source.password())) {
            List<DiscoveredTable> tables = new ArrayList<>();
            for (TableMapping mapping : source.tables()) {
                tables.add(discover(connection, source, mapping));
            }
            return tables;
        } catch (SQLException e) {
            throw failure("the tables", source, e);
        }
    }

    /**
     * The source's current WAL position and the database's clock, read in one query so the time
     * belongs to the position.
     */
    public static WalPosition currentWalPosition(SourceConfig source) {
        try (Connection connection =
                        PostgresConnections.open(
                                source.jdbcUrl(), source.username(), source.password());
                PreparedStatement query =
                        connection.prepareStatement(
                                "SELECT pg_current_wal_lsn() - '0/0'::pg_lsn, clock_timestamp()");
                ResultSet row = query.executeQuery()) {
            row.next();
            return new WalPosition(
                    row.getBigDecimal(1).longValueExact(),
                    row.getObject(2, OffsetDateTime.class).toInstant());
        } catch (SQLException e) {
            throw failure("the WAL position", source, e);
        }
    }

    private static DiscoveredTable discover(
            Connection connection, SourceConfig source, TableMapping mapping) throws SQLException {
        DiscoveredTable table =
                read(connection, mapping.schemaName(), mapping.tableName(), mapping);
        if (table == null) {
            throw new IllegalStateException(
                    "table "
                            + mapping.table()
                            + " of source '"
                            + source.id()
                            + "' does not exist; create it or fix the table name");
        }
        return table;
    }

    /**
     * The table {@code schema.table} as {@code mapping}'s table: its columns (without Syncline's
     * bookkeeping ones) and the configured key, else its primary key; {@code null} if it does not
     * exist.
     */
    static DiscoveredTable read(
            Connection connection, String schema, String table, TableMapping mapping)
            throws SQLException {
        String regclass = SqlIdentifiers.qualified(schema, table);
        List<TargetColumn> columns = new ArrayList<>();
        boolean exists = false;
        try (PreparedStatement query = connection.prepareStatement(COLUMNS)) {
            query.setString(1, regclass);
            try (ResultSet rows = query.executeQuery()) {
                while (rows.next()) {
                    exists = true;
                    // Syncline's own columns (in write-back peers and targets) are no entity data.
                    if (!OriginColumns.isBookkeeping(rows.getString(1))) {
                        columns.add(new TargetColumn(rows.getString(1), rows.getString(2)));
                    }
                }
            }
        }
        if (!exists) {
            return null;
        }
        List<String> key = mapping.primaryKey();
        if (key.isEmpty()) {
            key = new ArrayList<>();
            try (PreparedStatement query = connection.prepareStatement(PRIMARY_KEY)) {
                query.setString(1, regclass);
                try (ResultSet rows = query.executeQuery()) {
                    while (rows.next()) {
                        key.add(rows.getString(1));
                    }
                }
            }
        }
        if (key.isEmpty()) {
            throw new IllegalStateException(
                    "table "
                            + regclass
                            + " has no primary key; add one or set primaryKey for "
                            + mapping.table()
                            + " in the configuration");
        }
        return new DiscoveredTable(mapping, columns, key);
    }

    private static IllegalStateException failure(String what, SourceConfig source, SQLException e) {
        return new IllegalStateException(
                "cannot read "
                        + what
                        + " of source '"
                        + source.id()
                        + "' at "
                        + source.jdbcUrl()
                        + ": "
                        + e.getMessage(),
                e);
    }
}
