package io.syncline.jobs.wiring;

import io.syncline.jobs.config.SourceConfig;
import io.syncline.jobs.config.TableMapping;
import io.syncline.operators.decode.OriginColumns;
import io.syncline.operators.jdbc.PostgresConnections;
import io.syncline.operators.sink.PeerTable;
import io.syncline.operators.sink.SqlIdentifiers;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Prepares the tables of a bidirectional (write-back) source so that Syncline can write into them
 * and recognize its own writes when they come back through the source's change stream.
 *
 * <p>Each table gets the bookkeeping columns {@value OriginColumns#ORIGIN} and {@value
 * OriginColumns#CLOCK}, {@code REPLICA IDENTITY FULL} (a delete must carry the tenant and clock of
 * the deleted row) and the trigger {@value #TRIGGER}, which clears the origin of every write made
 * without the session setting {@value #WRITER_SETTING}{@code =on}: an application's write is then
 * never taken for Syncline's, even when it leaves the origin column untouched. Syncline's own
 * write-back connections set it with {@link #WRITER_OPTIONS}.
 */
public final class WriteBackPeers {

    /** Name of the origin trigger and of its function, created in each peer table's schema. */
    public static final String TRIGGER = "syncline_mark_origin";

    /** The session setting that marks Syncline's write-back connections. */
    public static final String WRITER_SETTING = "syncline.writer";

    /** The value of the JDBC connection property {@code options} of write-back connections. */
    public static final String WRITER_OPTIONS = "-c " + WRITER_SETTING + "=on";

    private static final String PRIVILEGES =
            "SELECT has_table_privilege(c.oid, 'INSERT'), has_table_privilege(c.oid, 'UPDATE'),"
                    + " has_table_privilege(c.oid, 'DELETE') FROM pg_class c"
                    + " WHERE c.oid = to_regclass(?)";

    private static final String REPLICA_IDENTITY =
            "SELECT relreplident FROM pg_class WHERE oid = to_regclass(?)";

    private static final String HAS_COLUMN =
            "SELECT EXISTS (SELECT 1 FROM pg_attribute WHERE attrelid = to_regclass(?)"
                    + " AND attname = ? AND attnum > 0 AND NOT attisdropped)";

    // Column sets of the table's unique, non-partial, column-only indexes: the conflict targets
    // an upsert can name.
    private static final String UNIQUE_KEYS =
            "SELECT array_agg(a.attname::text) FROM pg_index i JOIN pg_attribute a"
                    + " ON a.attrelid = i.indrelid AND a.attnum = ANY(i.indkey)"
                    + " WHERE i.indrelid = to_regclass(?) AND i.indisunique AND i.indisvalid"
                    + " AND i.indpred IS NULL AND i.indexprs IS NULL GROUP BY i.indexrelid";

    private WriteBackPeers() {}

    /**
     * Adds the bookkeeping columns, replica identity and origin trigger to every table of {@code
     * source}; running it again changes nothing.
     *
     * @throws IllegalArgumentException if {@code source} is not configured with {@code writeBack:
     *     true}
     * @throws IllegalStateException naming the table and what the source user lacks when a table
     *     cannot be prepared
     */
    public static void prepare(SourceConfig source, List<DiscoveredTable> tables) {
        if (!source.writeBack()) {
            throw new IllegalArgumentException(
                    "source '" + source.id() + "' is not configured with writeBack: true");
        }
        try (Connection connection =
                PostgresConnections.open(source.jdbcUrl(), source.username(), source.password())) {
            try (Statement statement = connection.createStatement()) {
                // Fail rather than queue behind a long transaction on a busy table.
                statement.execute("SET lock_timeout = '10s'");
            }
            Set<String> schemasWithFunction = new HashSet<>();
            for (DiscoveredTable table : tables) {
                String schema = table.mapping().schemaName();
                Peer peer =
                        new Peer(
                                source,
                                SqlIdentifiers.qualified(schema, table.mapping().tableName()));
                checkPrivileges(connection, peer);
                checkConflictTarget(connection, peer, table.primaryKey());
                addColumnsAndReplicaIdentity(connection, peer);
                if (schemasWithFunction.add(schema)) {
                    peer.execute(
                            connection,
                            functionSql(schema),
                            "CREATE on schema "
                                    + SqlIdentifiers.quote(schema)
                                    + " (or to own the function "
                                    + function(schema)
                                    + " if it exists)");
                }
                peer.execute(
                        connection,
                        "CREATE OR REPLACE TRIGGER "
                                + SqlIdentifiers.quote(TRIGGER)
                                + " BEFORE INSERT OR UPDATE ON "
                                + peer.table()
                                + " FOR EACH ROW EXECUTE FUNCTION "
                                + function(schema)
                                + "()",
                        "to own the table (and PostgreSQL 14 or later)");
            }
        } catch (SQLException e) {
            throw new IllegalStateException(
                    "cannot prepare the write-back tables of source '"
                            + source.id()
                            + "' at "
                            + source.jdbcUrl()
                            + ": "
                            + e.getMessage(),
                    e);
        }
    }

    /** The peer table Syncline writes the entity type of {@code table} back into. */
    public static PeerTable peerTableOf(DiscoveredTable table) {
        TableMapping mapping = table.mapping();
        return new PeerTable(
                mapping.schemaName(), mapping.tableName(), table.columns(), table.primaryKey());
    }

    private static void checkPrivileges(Connection connection, Peer peer) throws SQLException {
        List<String> missing = new ArrayList<>();
        try (PreparedStatement query = connection.prepareStatement(PRIVILEGES)) {
            query.setString(1, peer.table());
            try (ResultSet row = query.executeQuery()) {
                if (!row.next()) {
                    throw peer.failure("it does not exist; create it or fix the table name");
                }
                String[] privileges = {"INSERT", "UPDATE", "DELETE"};
                for (int i = 0; i < privileges.length; i++) {
                    if (!row.getBoolean(i + 1)) {
                        missing.add(privileges[i]);
                    }
                }
            }
        }
        if (!missing.isEmpty()) {
            throw peer.failure(
                    "the source user '"
                            + peer.source().username()
                            + "' lacks "
                            + String.join(", ", missing)
                            + " on it; grant it with: GRANT INSERT, UPDATE, DELETE ON "
                            + peer.table()
                            + " TO "
                            + SqlIdentifiers.quote(peer.source().username()));
        }
    }

    /** The upsert's ON CONFLICT needs a unique index on exactly the key columns. */
    private static void checkConflictTarget(Connection connection, Peer peer, List<String> key)
            throws SQLException {
        try (PreparedStatement query = connection.prepareStatement(UNIQUE_KEYS)) {
            query.setString(1, peer.table());
            try (ResultSet rows = query.executeQuery()) {
                while (rows.next()) {
                    Set<String> columns = Set.of((String[]) rows.getArray(1).getArray());
                    if (columns.equals(Set.copyOf(key))) {
                        return;
                    }
                }
            }
        }
        String columns = String.join(", ", key.stream().map(SqlIdentifiers::quote).toList());
        throw peer.failure(
                "no primary key or unique index covers exactly its key ("
                        + columns
                        + "), which Syncline upserts by; add one, e.g. ALTER TABLE "
                        + peer.table()
                        + " ADD PRIMARY KEY ("
                        + columns
                        + ")");
    }

    /**
     * Adds what the table lacks of the bookkeeping columns and replica identity; nothing when it
     * has them, since ALTER TABLE locks the table even when it changes nothing.
     */
    private static void addColumnsAndReplicaIdentity(Connection connection, Peer peer)
            throws SQLException {
        List<String> changes = new ArrayList<>();
        for (String column : List.of(OriginColumns.ORIGIN, OriginColumns.CLOCK)) {
            if (!hasColumn(connection, peer, column)) {
                changes.add("ADD COLUMN IF NOT EXISTS " + SqlIdentifiers.quote(column) + " text");
            }
        }
        try (PreparedStatement query = connection.prepareStatement(REPLICA_IDENTITY)) {
            query.setString(1, peer.table());
            try (ResultSet row = query.executeQuery()) {
                row.next();
                if (!"f".equals(row.getString(1))) {
                    changes.add("REPLICA IDENTITY FULL");
                }
            }
        }
        if (!changes.isEmpty()) {
            peer.execute(
                    connection,
                    "ALTER TABLE " + peer.table() + " " + String.join(", ", changes),
                    "to own the table");
        }
    }

    private static boolean hasColumn(Connection connection, Peer peer, String column)
            throws SQLException {
        try (PreparedStatement query = connection.prepareStatement(HAS_COLUMN)) {
            query.setString(1, peer.table());
            query.setString(2, column);
            try (ResultSet row = query.executeQuery()) {
                row.next();
                return row.getBoolean(1);
            }
        }
    }

    private static String function(String schema) {
        return SqlIdentifiers.quote(schema) + "." + SqlIdentifiers.quote(TRIGGER);
    }

    private static String functionSql(String schema) {
        return "CREATE OR REPLACE FUNCTION "
                + function(schema)
                + "() RETURNS trigger LANGUAGE plpgsql AS $syncline$ BEGIN IF"
                + " current_setting('"
                + WRITER_SETTING
                + "', true) IS DISTINCT FROM 'on' THEN NEW."
                + SqlIdentifiers.quote(OriginColumns.ORIGIN)
                + " := NULL; END IF; RETURN NEW; END $syncline$";
    }

    /** One table being prepared; its failures name the table and the source. */
    private record Peer(SourceConfig source, String table) {

        /** Runs {@code sql}; on failure says what the source user {@code needs}. */
        void execute(Connection connection, String sql, String needs) {
            try (Statement statement = connection.createStatement()) {
                statement.execute(sql);
            } catch (SQLException e) {
                throw failure(
                        e.getMessage()
                                + "; the source user '"
                                + source.username()
                                + "' needs "
                                + needs,
                        e);
            }
        }

        IllegalStateException failure(String reason) {
            return failure(reason, null);
        }

        IllegalStateException failure(String reason, SQLException cause) {
            return new IllegalStateException(
                    "cannot prepare table "
                            + table
                            + " of source '"
                            + source.id()
                            + "' for write-back: "
                            + reason,
                    cause);
        }
    }
}
