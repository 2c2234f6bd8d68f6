package io.syncline.operators.keys;

import io.syncline.operators.sink.SqlIdentifiers;
import java.io.Serializable;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;

/**
 * The key table in the target database: every version of every tenant's data key and every
 * subject's key, wrapped, with its state and dates. A destroyed key keeps its row without its
 * bytes, so it is never made again. Rows are only inserted if absent ({@code ON CONFLICT DO
 * NOTHING}), so subtasks creating the same key at once all end with the one that was inserted
 * first.
 *
 * @param schema the table's schema
 * @param table the table's name
 */
public record KeyTable(String schema, String table) implements Serializable {

    /** The table's name unless the configuration says otherwise. */
    public static final String DEFAULT_NAME = "syncline_keys";

    private static final String COLUMNS =
            "key_id, version, tenant, kind, state, wrapped_key, wrapped_by, wrapped_by_version,"
                    + " created_at, retired_at, destroyed_at";

    public KeyTable {
        Objects.requireNonNull(schema, "schema");
        Objects.requireNonNull(table, "table");
    }

    /** The schema-qualified, quoted name. */
    public String qualifiedName() {
        return SqlIdentifiers.qualified(schema, table);
    }

    /** The statements that create the table and its index when missing. */
    public List<String> createSql() {
        return List.of(
                "CREATE TABLE IF NOT EXISTS "
                        + qualifiedName()
                        + " (key_id TEXT NOT NULL, version INTEGER NOT NULL, tenant TEXT NOT NULL,"
                        + " kind TEXT NOT NULL CHECK (kind IN ('tenant', 'subject')),"
                        + " state TEXT NOT NULL CHECK (state IN ('active', 'retired',"
                        + " 'destroyed')), wrapped_key BYTEA, wrapped_by TEXT,"
                        + " wrapped_by_version TEXT, created_at TIMESTAMPTZ NOT NULL,"
                        + " retired_at TIMESTAMPTZ, destroyed_at TIMESTAMPTZ,"
                        + " PRIMARY KEY (key_id, version),"
                        + " CHECK ((state = 'destroyed') = (wrapped_key IS NULL)))",
                "CREATE INDEX IF NOT EXISTS "
                        + SqlIdentifiers.quote(table + "_tenant")
                        + " ON "
                        + qualifiedName()
                        + " (tenant, kind)");
    }

    /** Creates the table when missing. */
    public void create(Connection connection) throws SQLException {
        try (var statement = connection.createStatement()) {
            for (String sql : createSql()) {
                statement.execute(sql);
            }
        }
    }

    /** Whether the table exists. */
    public boolean exists(Connection connection) throws SQLException {
        try (PreparedStatement query =
                connection.prepareStatement("SELECT to_regclass(?) IS NOT NULL")) {
            query.setString(1, qualifiedName());
            try (ResultSet result = query.executeQuery()) {
                result.next();
                return result.getBoolean(1);
            }
        }
    }

    /** Version {@code version} of key {@code keyId}. */
    public Optional<KeyRow> read(Connection connection, String keyId, int version)
            throws SQLException {
        return one(
                connection,
                "SELECT "
                        + COLUMNS
                        + " FROM "
                        + qualifiedName()
                        + " WHERE key_id = ? AND version = ?",
                keyId,
                version);
    }

    /** The highest version of key {@code keyId}, whatever its state. */
    public Optional<KeyRow> latest(Connection connection, String keyId) throws SQLException {
        return one(
                connection,
                "SELECT "
                        + COLUMNS
                        + " FROM "
                        + qualifiedName()
                        + " WHERE key_id = ? ORDER BY version DESC LIMIT 1",
                keyId,
                null);
    }

    /**
     * Inserts {@code row} unless its key id and version are taken.
     *
     * @return whether it was inserted
     */
    public boolean insertIfAbsent(Connection connection, KeyRow row) throws SQLException {
        try (PreparedStatement insert =
                connection.prepareStatement(
                        "INSERT INTO "
                                + qualifiedName()
                                + " ("
                                + COLUMNS
                                + ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
                                + " ON CONFLICT (key_id, version) DO NOTHING")) {
            insert.setString(1, row.keyId());
            insert.setInt(2, row.version());
            insert.setString(3, row.tenant());
            insert.setString(4, row.subject() ? "subject" : "tenant");
            insert.setString(5, row.state().tableName());
            insert.setBytes(6, row.wrapped());
            insert.setString(7, row.wrappedBy());
            insert.setString(8, row.wrappedByVersion());
            insert.setObject(9, timestamp(row.createdAt()));
            insert.setObject(10, timestamp(row.retiredAt()));
            insert.setObject(11, timestamp(row.destroyedAt()));
            return insert.executeUpdate() == 1;
        }
    }

    /**
     * Inserts {@code next}, a tenant key's new version, and retires the key's older active
     * versions, in one transaction.
     *
     * @return whether it was inserted; false if another rotation took the version
     */
    public boolean rotate(Connection connection, KeyRow next) throws SQLException {
        boolean autoCommit = connection.getAutoCommit();
        connection.setAutoCommit(false);
        try {
            if (!insertIfAbsent(connection, next)) {
                connection.rollback();
                return false;
            }
            try (PreparedStatement retire =
                    connection.prepareStatement(
                            "UPDATE "
                                    + qualifiedName()
                                    + " SET state = 'retired', retired_at = ? WHERE key_id = ? AND"
                                    + " version < ? AND state = 'active'")) {
                retire.setObject(1, timestamp(next.createdAt()));
                retire.setString(2, next.keyId());
                retire.setInt(3, next.version());
                retire.executeUpdate();
            }
            connection.commit();
            return true;
        } catch (SQLException | RuntimeException e) {
            connection.rollback();
            throw e;
        } finally {
            connection.setAutoCommit(autoCommit);
        }
    }

    /**
     * Destroys version {@code version} of key {@code keyId}: deletes its bytes and keeps the row as
     * {@code destroyed}; inserts a destroyed row if there was none, so the key is never made.
     *
     * @return whether a key with bytes was destroyed now (false: destroyed already, or never made)
     */
    public boolean destroy(
            Connection connection,
            String keyId,
            int version,
            String tenant,
            boolean subject,
            Instant at)
            throws SQLException {
        try (PreparedStatement destroy =
                connection.prepareStatement(
                        "UPDATE "
                                + qualifiedName()
                                + " SET state = 'destroyed', wrapped_key = NULL, destroyed_at = ?"
                                + " WHERE key_id = ? AND version = ? AND state <> 'destroyed'")) {
            destroy.setObject(1, timestamp(at));
            destroy.setString(2, keyId);
            destroy.setInt(3, version);
            if (destroy.executeUpdate() == 1) {
                return true;
            }
        }
        insertIfAbsent(
                connection,
                new KeyRow(
                        keyId,
                        version,
                        tenant,
                        subject,
                        KeyState.DESTROYED,
                        null,
                        null,
                        null,
                        at,
                        null,
                        at));
        return false;
    }

    /** Every version of every tenant's data key, or of {@code tenant}'s if not null, in order. */
    public List<KeyRow> tenantKeys(Connection connection, String tenant) throws SQLException {
        List<KeyRow> rows = new ArrayList<>();
        try (PreparedStatement query =
                connection.prepareStatement(
                        "SELECT "
                                + COLUMNS
                                + " FROM "
                                + qualifiedName()
                                + " WHERE kind = 'tenant' AND (CAST(? AS TEXT) IS NULL OR tenant ="
                                + " ?) ORDER BY tenant, version")) {
            query.setString(1, tenant);
            query.setString(2, tenant);
            try (ResultSet result = query.executeQuery()) {
                while (result.next()) {
                    rows.add(row(result));
                }
            }
        }
        return rows;
    }

    /**
     * How many subject keys each tenant has in each state (or {@code tenant} alone if not null):
     * tenant, then state, then count.
     */
    public Map<String, Map<KeyState, Long>> subjectKeyCounts(Connection connection, String tenant)
            throws SQLException {
        Map<String, Map<KeyState, Long>> counts = new TreeMap<>();
        try (PreparedStatement query =
                connection.prepareStatement(
                        "SELECT tenant, state, count(*) FROM "
                                + qualifiedName()
                                + " WHERE kind = 'subject' AND (CAST(? AS TEXT) IS NULL OR tenant ="
                                + " ?) GROUP BY tenant, state")) {
            query.setString(1, tenant);
            query.setString(2, tenant);
            try (ResultSet result = query.executeQuery()) {
                while (result.next()) {
                    counts.computeIfAbsent(result.getString(1), t -> new TreeMap<>())
                            .put(KeyState.ofTableName(result.getString(2)), result.getLong(3));
                }
            }
        }
        return counts;
    }

    private Optional<KeyRow> one(Connection connection, String sql, String keyId, Integer version)
            throws SQLException {
        try (PreparedStatement query = connection.prepareStatement(sql)) {
            query.setString(1, keyId);
            if (version != null) {
                query.setInt(2, version);
            }
            try (ResultSet result = query.executeQuery()) {
                return result.next() ? Optional.of(row(result)) : Optional.empty();
            }
        }
    }

    private static KeyRow row(ResultSet result) throws SQLException {
        return new KeyRow(
                result.getString("key_id"),
                result.getInt("version"),
                result.getString("tenant"),
                "subject".equals(result.getString("kind")),
                KeyState.ofTableName(result.getString("state")),
                result.getBytes("wrapped_key"),
                result.getString("wrapped_by"),
                result.getString("wrapped_by_version"),
                instant(result, "created_at"),
                instant(result, "retired_at"),
                instant(result, "destroyed_at"));
    }

    private static Instant instant(ResultSet result, String column) throws SQLException {
        OffsetDateTime time = result.getObject(column, OffsetDateTime.class);
        return time == null ? null : time.toInstant();
    }

    private static OffsetDateTime timestamp(Instant instant) {
        return instant == null ? null : instant.atOffset(ZoneOffset.UTC);
    }
}
