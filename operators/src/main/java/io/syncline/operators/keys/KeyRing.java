package io.syncline.operators.keys;

import io.syncline.operators.protect.DataKey;
import io.syncline.operators.protect.DataKeys;
import io.syncline.operators.protect.KeyWrapCipher;
import io.syncline.operators.protect.SubjectErasedException;
import io.syncline.operators.protect.SubjectHashes;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * The data keys of every tenant, kept wrapped in the {@link KeyTable} and unwrapped by a {@link
 * KeyManagementService} (envelope encryption: KEK → tenant data key → subject key). Unwrapped keys
 * are cached: a key version never changes, so versions stay cached; which version is current is
 * read again after {@code refreshInterval}, or at once after {@link #refresh()}, so a rotation made
 * elsewhere reaches every subtask without a restart. Subject keys are cached as long, so an erased
 * subject's key stops working within the interval even where nobody said so.
 *
 * <p>Used by one thread, like every {@link DataKeys}.
 */
public final class KeyRing implements DataKeys {

    /** Subject keys held unwrapped at most; the least recently used are forgotten first. */
    static final int MAX_CACHED_SUBJECT_KEYS = 10_000;

    private final KeyTable table;
    private final ConnectionSource connections;
    private final String database;
    private final KeyManagementService service;
    private final Duration refreshInterval;
    private final Clock clock;
    private final SecureRandom random = new SecureRandom();
    private final Map<String, Cached> currentByTenant = new HashMap<>();
    private final Map<String, DataKey> versions = new HashMap<>();
    private final Map<String, Cached> subjects = lru(MAX_CACHED_SUBJECT_KEYS);
    private final Map<String, SubjectHashes> hashes = new HashMap<>();
    private Connection connection;

    /** Opens connections to the database of the key table. */
    @FunctionalInterface
    public interface ConnectionSource {
        Connection open() throws SQLException;
    }

    /**
     * @param database the key table's database as messages name it (no credentials)
     * @param refreshInterval how long a tenant's current version and a subject key are used before
     *     the key table is asked again
     * @param clock tells when that is
     */
    public KeyRing(
            KeyTable table,
            ConnectionSource connections,
            String database,
            KeyManagementService service,
            Duration refreshInterval,
            Clock clock) {
        this.table = Objects.requireNonNull(table, "table");
        this.connections = Objects.requireNonNull(connections, "connections");
        this.database = Objects.requireNonNull(database, "database");
        this.service = Objects.requireNonNull(service, "service");
        this.refreshInterval = Objects.requireNonNull(refreshInterval, "refreshInterval");
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    @Override
    public DataKey current(String tenant) {
        Instant now = clock.instant();
        Cached cached = currentByTenant.get(tenant);
        if (cached != null && cached.isFresh(now, refreshInterval)) {
            return cached.key();
        }
        String keyId = KeyIds.tenantKeyId(tenant);
        KeyRow latest =
                sql("read the current key of tenant " + tenant, c -> table.latest(c, keyId))
                        .orElse(null);
        DataKey key;
        if (latest == null) {
            key = createFirstVersion(tenant, keyId, now);
        } else if (latest.state() != KeyState.ACTIVE) {
            throw new KeyTableException(
                    "tenant "
                            + tenant
                            + " has no active data key in "
                            + where()
                            + ": its newest version "
                            + latest.version()
                            + " is "
                            + latest.state().tableName()
                            + "; run syncline keys rotate --tenant "
                            + tenant
                            + " to make a new one");
        } else {
            key = tenantKey(latest);
        }
        currentByTenant.put(tenant, new Cached(key, now));
        return key;
    }

    @Override
    public Optional<DataKey> find(String keyId, int version) {
        if (KeyIds.isSubjectKeyId(keyId)) {
            return version == 1 ? existingSubjectKey(keyId) : Optional.empty();
        }
        DataKey cached = versions.get(versionKey(keyId, version));
        if (cached != null) {
            return Optional.of(cached);
        }
        return sql("read key " + keyId + " version " + version, c -> table.read(c, keyId, version))
                .filter(row -> !row.subject() && row.state() != KeyState.DESTROYED)
                .map(this::tenantKey);
    }

    @Override
    public DataKey subjectKey(String tenant, String subjectHash) {
        if (!SubjectHashes.isHash(subjectHash)) {
            throw new IllegalArgumentException(
                    "a subject hash is 64 lower-case hex digits (see subjectHash), not '"
                            + subjectHash
                            + "'");
        }
        String keyId = KeyIds.subjectKeyId(tenant, subjectHash);
        Instant now = clock.instant();
        Cached cached = subjects.get(keyId);
        if (cached != null && cached.isFresh(now, refreshInterval)) {
            return cached.key();
        }
        subjects.remove(keyId);
        Optional<KeyRow> row = sql("read subject key " + keyId, c -> table.read(c, keyId, 1));
        DataKey key;
        if (row.isPresent()) {
            key = subjectKey(row.get(), tenant, subjectHash);
        } else {
            key = createSubjectKey(tenant, subjectHash, keyId, now);
        }
        subjects.put(keyId, new Cached(key, now));
        return key;
    }

    @Override
    public String subjectHash(String tenant, String subjectId) {
        SubjectHashes tenantHashes = hashes.get(tenant);
        if (tenantHashes == null) {
            String keyId = KeyIds.tenantKeyId(tenant);
            Optional<DataKey> first = find(keyId, 1);
            if (first.isEmpty()) {
                current(tenant);
                first = find(keyId, 1);
            }
            tenantHashes =
                    SubjectHashes.of(
                            first.orElseThrow(
                                    () ->
                                            new KeyTableException(
                                                    "version 1 of tenant "
                                                            + tenant
                                                            + "'s data key is missing or destroyed"
                                                            + " in "
                                                            + where()
                                                            + ", and subject hashes derive from it;"
                                                            + " restore the key table from a"
                                                            + " backup")));
            hashes.put(tenant, tenantHashes);
        }
        return tenantHashes.hash(subjectId);
    }

    /**
     * Forgets which version is current and every cached subject key, so the next use reads the key
     * table again: a new version from a rotation, a destroyed subject key.
     */
    @Override
    public void refresh() {
        currentByTenant.clear();
        subjects.clear();
    }

    /**
     * Makes a new version of {@code tenant}'s data key (version 1 if it has none) and retires the
     * older ones, which stay readable; this ring uses the new one at once, others after their
     * refresh.
     *
     * @throws KeyTableException if another rotation made the same version meanwhile
     */
    public DataKey rotate(String tenant) {
        String keyId = KeyIds.tenantKeyId(tenant);
        Instant now = clock.instant();
        int next =
                sql("read the current key of tenant " + tenant, c -> table.latest(c, keyId))
                        .map(row -> row.version() + 1)
                        .orElse(1);
        byte[] bytes = newKeyBytes();
        WrappedKey wrapped = service.wrap(bytes);
        KeyRow row =
                KeyRow.active(
                        keyId,
                        next,
                        tenant,
                        false,
                        wrapped.bytes(),
                        wrapped.kekId(),
                        wrapped.kekVersion(),
                        now);
        if (!sql("rotate the key of tenant " + tenant, c -> table.rotate(c, row))) {
            throw new KeyTableException(
                    "another rotation made version "
                            + next
                            + " of tenant "
                            + tenant
                            + "'s data key at the same time; see syncline keys list --tenant "
                            + tenant);
        }
        DataKey key = new DataKey(keyId, next, bytes);
        versions.put(versionKey(keyId, next), key);
        currentByTenant.put(tenant, new Cached(key, now));
        return key;
    }

    /**
     * Destroys the key of the subject named by {@code subjectHash} for good (crypto-shredding):
     * values encrypted under it can never be read again, and {@link #subjectKey} throws {@link
     * SubjectErasedException} for the subject from now on.
     *
     * @return whether the subject had a key that was destroyed now
     */
    public boolean destroySubjectKey(String tenant, String subjectHash) {
        String keyId = KeyIds.subjectKeyId(tenant, subjectHash);
        subjects.remove(keyId);
        Instant now = clock.instant();
        return sql(
                "destroy subject key " + keyId, c -> table.destroy(c, keyId, 1, tenant, true, now));
    }

    /** The key table. */
    public KeyTable table() {
        return table;
    }

    @Override
    public void close() {
        try {
            closeConnection();
        } finally {
            service.close();
        }
    }

    private DataKey createFirstVersion(String tenant, String keyId, Instant now) {
        byte[] bytes = newKeyBytes();
        WrappedKey wrapped = service.wrap(bytes);
        KeyRow row =
                KeyRow.active(
                        keyId,
                        1,
                        tenant,
                        false,
                        wrapped.bytes(),
                        wrapped.kekId(),
                        wrapped.kekVersion(),
                        now);
        if (sql("create the key of tenant " + tenant, c -> table.insertIfAbsent(c, row))) {
            DataKey key = new DataKey(keyId, 1, bytes);
            versions.put(versionKey(keyId, 1), key);
            return key;
        }
        // Another subtask (or process) made it first: everyone uses that one.
        KeyRow winner =
                sql("read the key of tenant " + tenant, c -> table.latest(c, keyId))
                        .orElseThrow(
                                () ->
                                        new KeyTableException(
                                                "the key of tenant "
                                                        + tenant
                                                        + " vanished from "
                                                        + where()
                                                        + " as it was made"));
        return tenantKey(winner);
    }

    private DataKey createSubjectKey(String tenant, String subjectHash, String keyId, Instant now) {
        DataKey tenantKey = current(tenant);
        byte[] bytes = newKeyBytes();
        byte[] wrapped = KeyWrapCipher.wrap(tenantKey, bytes, subjectAssociatedData(keyId), random);
        KeyRow row =
                KeyRow.active(
                        keyId,
                        1,
                        tenant,
                        true,
                        wrapped,
                        tenantKey.keyId(),
                        Integer.toString(tenantKey.version()),
                        now);
        if (sql("create subject key " + keyId, c -> table.insertIfAbsent(c, row))) {
            return new DataKey(keyId, 1, bytes);
        }
        KeyRow winner =
                sql("read subject key " + keyId, c -> table.read(c, keyId, 1)).orElseThrow();
        return subjectKey(winner, tenant, subjectHash);
    }

    /** The key of a subject's row; throws if the subject was erased. */
    private DataKey subjectKey(KeyRow row, String tenant, String subjectHash) {
        if (row.state() == KeyState.DESTROYED) {
            throw new SubjectErasedException(
                    "subject "
                            + subjectHash
                            + " of tenant "
                            + tenant
                            + " was erased: its key was destroyed "
                            + row.destroyedAt());
        }
        return unwrapSubjectKey(row);
    }

    private Optional<DataKey> existingSubjectKey(String keyId) {
        Instant now = clock.instant();
        Cached cached = subjects.get(keyId);
        if (cached != null && cached.isFresh(now, refreshInterval)) {
            return Optional.of(cached.key());
        }
        subjects.remove(keyId);
        Optional<DataKey> key =
                sql("read subject key " + keyId, c -> table.read(c, keyId, 1))
                        .filter(row -> row.subject() && row.state() != KeyState.DESTROYED)
                        .map(this::unwrapSubjectKey);
        key.ifPresent(k -> subjects.put(keyId, new Cached(k, now)));
        return key;
    }

    private DataKey unwrapSubjectKey(KeyRow row) {
        int wrappingVersion;
        try {
            wrappingVersion = Integer.parseInt(row.wrappedByVersion());
        } catch (NumberFormatException e) {
            throw damaged(row, e);
        }
        DataKey tenantKey =
                find(row.wrappedBy(), wrappingVersion)
                        .orElseThrow(
                                () ->
                                        new KeyTableException(
                                                "subject key "
                                                        + row.keyId()
                                                        + " is wrapped by key "
                                                        + row.wrappedByText()
                                                        + ", which "
                                                        + where()
                                                        + " does not hold; restore the key table"
                                                        + " from a backup"));
        try {
            return new DataKey(
                    row.keyId(),
                    row.version(),
                    KeyWrapCipher.unwrap(
                            tenantKey, row.wrapped(), subjectAssociatedData(row.keyId())));
        } catch (IllegalArgumentException e) {
            throw damaged(row, e);
        }
    }

    /** A tenant key version, unwrapped by the key service once and then cached. */
    private DataKey tenantKey(KeyRow row) {
        String versionKey = versionKey(row.keyId(), row.version());
        DataKey cached = versions.get(versionKey);
        if (cached != null) {
            return cached;
        }
        byte[] bytes =
                service.unwrap(
                        new WrappedKey(row.wrappedBy(), row.wrappedByVersion(), row.wrapped()));
        DataKey key;
        try {
            key = new DataKey(row.keyId(), row.version(), bytes);
        } catch (IllegalArgumentException e) {
            throw damaged(row, e);
        }
        versions.put(versionKey, key);
        return key;
    }

    private KeyTableException damaged(KeyRow row, Exception cause) {
        return new KeyTableException(
                "key "
                        + row.keyId()
                        + " version "
                        + row.version()
                        + " in "
                        + where()
                        + " does not unwrap: its row was changed; restore the key table from a"
                        + " backup",
                cause);
    }

    private byte[] newKeyBytes() {
        byte[] bytes = new byte[DataKey.KEY_BYTES];
        random.nextBytes(bytes);
        return bytes;
    }

    private static byte[] subjectAssociatedData(String keyId) {
        return ("syncline-subject-key-v1\u0000" + keyId + "\u00001")
                .getBytes(StandardCharsets.UTF_8);
    }

    private static String versionKey(String keyId, int version) {
        return keyId + ":" + version;
    }

    private String where() {
        return "the key table " + table.qualifiedName() + " of " + database;
    }

    @FunctionalInterface
    private interface SqlWork<T> {
        T run(Connection connection) throws SQLException;
    }

    /**
     * Runs {@code work} on the ring's connection, opening it first if needed. A connection that
     * broke (the database restarted) is replaced and the work tried once more: every statement here
     * can be repeated.
     */
    private <T> T sql(String what, SqlWork<T> work) {
        SQLException failure = null;
        for (int attempt = 1; attempt <= 2; attempt++) {
            try {
                if (connection == null || connection.isClosed()) {
                    connection = connections.open();
                }
                return work.run(connection);
            } catch (SQLException e) {
                failure = e;
                boolean broken = isBroken(e);
                closeConnection();
                if (!broken) {
                    break;
                }
            }
        }
        String state = failure.getSQLState();
        if ("42P01".equals(state)) {
            throw new KeyTableException(
                    "cannot "
                            + what
                            + ": "
                            + where()
                            + " does not exist; run syncline keys init -c <your configuration>",
                    failure);
        }
        throw new KeyTableException(
                "cannot "
                        + what
                        + " in "
                        + where()
                        + ": "
                        + failure.getMessage()
                        + "; is the database reachable, and may its user read and write the"
                        + " table?",
                failure);
    }

    private boolean isBroken(SQLException e) {
        String state = e.getSQLState();
        return state != null && state.startsWith("08");
    }

    private void closeConnection() {
        if (connection != null) {
            try {
                connection.close();
            } catch (SQLException e) {
                // Broken already; nothing to release.
            }
            connection = null;
        }
    }

    private static <V> Map<String, V> lru(int capacity) {
        return new LinkedHashMap<>(16, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<String, V> eldest) {
                return size() > capacity;
            }
        };
    }

    /** A key and when the key table was read for it. */
    private record Cached(DataKey key, Instant readAt) {

        boolean isFresh(Instant now, Duration refreshInterval) {
            return now.isBefore(readAt.plus(refreshInterval));
        }
    }
}
