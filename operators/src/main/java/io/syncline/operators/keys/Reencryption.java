package io.syncline.operators.keys;

import io.syncline.operators.protect.DataKey;
import io.syncline.operators.protect.DataKeys;
import io.syncline.operators.protect.FieldCipher;
import io.syncline.operators.protect.FieldContext;
import io.syncline.operators.protect.FieldDecryptionException;
import io.syncline.operators.sink.SqlIdentifiers;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.stream.Collectors;

/**
 * Rewrites the encrypted values of a target table that were written under older versions of a
 * tenant's data key to its current version, while the sync job keeps writing: rows are read in key
 * order in batches, each value decrypted and encrypted again, and written back by compare-and-set
 * ({@code UPDATE ... WHERE <key> = ? AND <field> = <old value>}), so a value the job wrote in
 * between wins. Values under subject keys are left alone: subject keys are never rotated.
 */
public final class Reencryption {

    /** Rows read per query. */
    public static final int DEFAULT_BATCH_SIZE = 500;

    private static final String PRIMARY_KEY =
            "SELECT a.attname FROM pg_index i JOIN pg_attribute a ON a.attrelid = i.indrelid"
                    + " AND a.attnum = ANY(i.indkey) WHERE i.indrelid = to_regclass(?) AND"
                    + " i.indisprimary ORDER BY array_position(i.indkey::int2[], a.attnum)";

    /**
     * A target table with encrypted fields.
     *
     * @param qualifiedName its schema-qualified, quoted name
     * @param entityType the entity type its rows are (part of each value's associated data)
     * @param keyColumns its primary key
     * @param tenantColumn the column holding the tenant; {@code null} if the table has one tenant
     * @param fields the encrypted fields
     */
    public record EncryptedTable(
            String qualifiedName,
            String entityType,
            List<String> keyColumns,
            String tenantColumn,
            List<String> fields) {

        public EncryptedTable {
            Objects.requireNonNull(qualifiedName, "qualifiedName");
            Objects.requireNonNull(entityType, "entityType");
            keyColumns = List.copyOf(keyColumns);
            fields = List.copyOf(fields);
            if (keyColumns.isEmpty()) {
                throw new IllegalArgumentException(qualifiedName + " has no key columns");
            }
        }
    }

    /**
     * What a pass over one field did.
     *
     * @param older values found under an older version of the tenant's key
     * @param rewritten values rewritten under the current version
     * @param changedMeanwhile values the job changed between read and write (the job's value kept)
     * @param failed values that did not decrypt (left as they are)
     * @param firstFailure why the first of them did not; {@code null} if none failed
     */
    public record FieldResult(
            String table,
            String entityType,
            String field,
            long older,
            long rewritten,
            long changedMeanwhile,
            long failed,
            String firstFailure) {}

    private final DataKeys keys;
    private final FieldCipher cipher;
    private final int batchSize;
    private final Runnable beforeWrite;

    public Reencryption(DataKeys keys, int batchSize) {
        this(keys, batchSize, () -> {});
    }

    /**
     * As the public constructor, running {@code beforeWrite} between reading and writing a batch.
     */
    Reencryption(DataKeys keys, int batchSize, Runnable beforeWrite) {
        this.keys = Objects.requireNonNull(keys, "keys");
        if (batchSize < 1) {
            throw new IllegalArgumentException("batchSize must be at least 1: " + batchSize);
        }
        this.cipher = new FieldCipher();
        this.batchSize = batchSize;
        this.beforeWrite = Objects.requireNonNull(beforeWrite, "beforeWrite");
    }

    /** Re-encrypts {@code tenant}'s values of every encrypted field of {@code table}. */
    public List<FieldResult> run(Connection connection, EncryptedTable table, String tenant)
            throws SQLException {
        DataKey current = keys.current(tenant);
        List<FieldResult> results = new ArrayList<>();
        for (String field : table.fields()) {
            results.add(field(connection, table, tenant, field, current));
        }
        return results;
    }

    /**
     * How many of {@code tenant}'s values in {@code table} are under a version of its key other
     * than {@code key}'s: what a pass left (values that failed, or the job wrote meanwhile with the
     * old version before it switched).
     */
    public long remaining(Connection connection, EncryptedTable table, String tenant, DataKey key)
            throws SQLException {
        long remaining = 0;
        for (String field : table.fields()) {
            String column = SqlIdentifiers.quote(field) + "::text";
            StringBuilder sql =
                    new StringBuilder("SELECT count(*) FROM ")
                            .append(table.qualifiedName())
                            .append(" WHERE starts_with(")
                            .append(column)
                            .append(", ?) AND split_part(")
                            .append(column)
                            .append(", ':', 4) <> ?");
            if (table.tenantColumn() != null) {
                sql.append(" AND ").append(SqlIdentifiers.quote(table.tenantColumn()));
                sql.append("::text = ?");
            }
            try (PreparedStatement query = connection.prepareStatement(sql.toString())) {
                query.setString(1, prefix(key));
                query.setString(2, Integer.toString(key.version()));
                if (table.tenantColumn() != null) {
                    query.setString(3, tenant);
                }
                try (ResultSet result = query.executeQuery()) {
                    result.next();
                    remaining += result.getLong(1);
                }
            }
        }
        return remaining;
    }

    /** Whether the table {@code qualifiedName} exists. */
    public static boolean exists(Connection connection, String qualifiedName) throws SQLException {
        try (PreparedStatement query =
                connection.prepareStatement("SELECT to_regclass(?) IS NOT NULL")) {
            query.setString(1, qualifiedName);
            try (ResultSet result = query.executeQuery()) {
                result.next();
                return result.getBoolean(1);
            }
        }
    }

    /** The primary key columns of the table {@code qualifiedName}, in order; empty if none. */
    public static List<String> primaryKeyOf(Connection connection, String qualifiedName)
            throws SQLException {
        List<String> key = new ArrayList<>();
        try (PreparedStatement query = connection.prepareStatement(PRIMARY_KEY)) {
            query.setString(1, qualifiedName);
            try (ResultSet rows = query.executeQuery()) {
                while (rows.next()) {
                    key.add(rows.getString(1));
                }
            }
        }
        return key;
    }

    private FieldResult field(
            Connection connection,
            EncryptedTable table,
            String tenant,
            String field,
            DataKey current)
            throws SQLException {
        FieldContext context = new FieldContext(tenant, table.entityType(), field);
        String update = updateSql(table, field);
        int keys = table.keyColumns().size();
        Object[] after = null;
        long older = 0;
        long rewritten = 0;
        long changedMeanwhile = 0;
        long failed = 0;
        String firstFailure = null;
        while (true) {
            List<Object[]> keysOfBatch = new ArrayList<>();
            List<String[]> rewrites = new ArrayList<>();
            List<Object[]> rewriteKeys = new ArrayList<>();
            try (PreparedStatement query =
                    connection.prepareStatement(selectSql(table, field, after != null))) {
                int p = 1;
                query.setString(p++, prefix(current));
                query.setString(p++, Integer.toString(current.version()));
                if (table.tenantColumn() != null) {
                    query.setString(p++, tenant);
                }
                if (after != null) {
                    for (Object value : after) {
                        query.setObject(p++, value);
                    }
                }
                query.setInt(p, batchSize);
                try (ResultSet rows = query.executeQuery()) {
                    while (rows.next()) {
                        Object[] key = new Object[keys];
                        for (int i = 0; i < keys; i++) {
                            key[i] = rows.getObject(i + 1);
                        }
                        keysOfBatch.add(key);
                        String value = rows.getString(keys + 1);
                        if (versionOf(value) >= current.version()) {
                            // Written by the job under a version newer than this pass's.
                            continue;
                        }
                        older++;
                        try {
                            String plaintext = cipher.decrypt(value, context, this.keys);
                            rewrites.add(
                                    new String[] {
                                        cipher.encrypt(plaintext, context, current), value
                                    });
                            rewriteKeys.add(key);
                        } catch (FieldDecryptionException e) {
                            failed++;
                            if (firstFailure == null) {
                                firstFailure = e.getMessage();
                            }
                        }
                    }
                }
            }
            if (keysOfBatch.isEmpty()) {
                break;
            }
            after = keysOfBatch.get(keysOfBatch.size() - 1);
            if (!rewrites.isEmpty()) {
                beforeWrite.run();
                int[] counts = write(connection, update, rewrites, rewriteKeys);
                for (int count : counts) {
                    if (count == 1) {
                        rewritten++;
                    } else {
                        changedMeanwhile++;
                    }
                }
            }
            if (keysOfBatch.size() < batchSize) {
                break;
            }
        }
        return new FieldResult(
                table.qualifiedName(),
                table.entityType(),
                field,
                older,
                rewritten,
                changedMeanwhile,
                failed,
                firstFailure);
    }

    /** Writes a batch's new values by compare-and-set, in one transaction. */
    private static int[] write(
            Connection connection, String update, List<String[]> rewrites, List<Object[]> keys)
            throws SQLException {
        boolean autoCommit = connection.getAutoCommit();
        connection.setAutoCommit(false);
        try (PreparedStatement statement = connection.prepareStatement(update)) {
            for (int i = 0; i < rewrites.size(); i++) {
                int p = 1;
                statement.setString(p++, rewrites.get(i)[0]);
                for (Object value : keys.get(i)) {
                    statement.setObject(p++, value);
                }
                statement.setString(p, rewrites.get(i)[1]);
                statement.addBatch();
            }
            int[] counts = statement.executeBatch();
            connection.commit();
            return counts;
        } catch (SQLException | RuntimeException e) {
            connection.rollback();
            throw e;
        } finally {
            connection.setAutoCommit(autoCommit);
        }
    }

    /** The next batch of rows holding the key's values, after a key if {@code afterKey}. */
    private static String selectSql(EncryptedTable table, String field, boolean afterKey) {
        String column = SqlIdentifiers.quote(field) + "::text";
        String keyList = quotedList(table.keyColumns());
        StringBuilder sql =
                new StringBuilder("SELECT ")
                        .append(keyList)
                        .append(", ")
                        .append(column)
                        .append(" FROM ")
                        .append(table.qualifiedName())
                        .append(" WHERE starts_with(")
                        .append(column)
                        .append(", ?) AND split_part(")
                        .append(column)
                        .append(", ':', 4) <> ?");
        if (table.tenantColumn() != null) {
            sql.append(" AND ").append(SqlIdentifiers.quote(table.tenantColumn()));
            sql.append("::text = ?");
        }
        if (afterKey) {
            sql.append(" AND (").append(keyList).append(") > (");
            sql.append(table.keyColumns().stream().map(c -> "?").collect(Collectors.joining(", ")));
            sql.append(")");
        }
        return sql.append(" ORDER BY ").append(keyList).append(" LIMIT ?").toString();
    }

    private static String updateSql(EncryptedTable table, String field) {
        String keyMatch =
                table.keyColumns().stream()
                        .map(c -> SqlIdentifiers.quote(c) + " = ?")
                        .collect(Collectors.joining(" AND "));
        return "UPDATE "
                + table.qualifiedName()
                + " SET "
                + SqlIdentifiers.quote(field)
                + " = ? WHERE "
                + keyMatch
                + " AND "
                + SqlIdentifiers.quote(field)
                + "::text = ?";
    }

    private static String quotedList(List<String> columns) {
        return columns.stream().map(SqlIdentifiers::quote).collect(Collectors.joining(", "));
    }

    /** {@code syncline:v1:<key id>:}: every value under the key's id, whatever its version. */
    private static String prefix(DataKey key) {
        return FieldCipher.PREFIX + key.keyId() + ":";
    }

    /** The key version in an encrypted value; 0 if it has none. */
    private static int versionOf(String value) {
        String[] parts = value.split(":", 5);
        try {
            return parts.length < 5 ? 0 : Integer.parseInt(parts[3]);
        } catch (NumberFormatException e) {
            return 0;
        }
    }
}
