package io.syncline.jobs.savepoint;

import io.syncline.operators.key.EntityKeys;
import io.syncline.schema.Operation;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.StringJoiner;

/**
 * Writes rows of the savepoint fixture's source tables. Every row has a {@code seq} column that is
 * 1 when the row is inserted and rises by one with each update, so a reader of the change topic can
 * tell per entity what was lost, duplicated or reordered; the writer remembers per entity the
 * operations and seqs it wrote, in order.
 */
final class SourceWriter {

    /** One write of an entity: its operation and the row's seq afterwards (before, for deletes). */
    record Written(Operation op, int seq) {}

    private final Connection connection;
    private final Map<String, List<Written>> written = new LinkedHashMap<>();

    SourceWriter(Connection connection) {
        this.connection = connection;
    }

    /** The entity type a fixture table holds: its name without the plural s. */
    static String entityTypeOf(String table) {
        return table.substring(0, table.length() - 1);
    }

    /** Inserts a row with seq 1; {@code columns} are the others but id and tenant, in order. */
    void insert(String table, long id, String tenant, Map<String, Object> columns)
            throws SQLException {
        StringJoiner names = new StringJoiner(", ", "(", ", seq)");
        StringJoiner marks = new StringJoiner(", ", "(", ", 1)");
        names.add("id").add("tenant_id");
        marks.add("?").add("?");
        columns.keySet().forEach(name -> names.add(name));
        columns.keySet().forEach(name -> marks.add("?"));
        try (PreparedStatement insert =
                connection.prepareStatement(
                        "INSERT INTO " + table + " " + names + " VALUES " + marks)) {
            insert.setLong(1, id);
            insert.setString(2, tenant);
            int index = 3;
            for (Object value : columns.values()) {
                insert.setObject(index++, value);
            }
            insert.executeUpdate();
        }
        record(tenant, table, id, Operation.CREATE, 1);
    }

    /** Sets {@code columns} of the row and raises its seq by one; returns the new seq. */
    int update(String table, long id, Map<String, Object> columns) throws SQLException {
        StringJoiner assignments = new StringJoiner(", ", "", ", seq = seq + 1");
        columns.keySet().forEach(name -> assignments.add(name + " = ?"));
        try (PreparedStatement update =
                connection.prepareStatement(
                        "UPDATE "
                                + table
                                + " SET "
                                + assignments
                                + " WHERE id = ? RETURNING tenant_id, seq")) {
            int index = 1;
            for (Object value : columns.values()) {
                update.setObject(index++, value);
            }
            update.setLong(index, id);
            return recordReturned(update, table, id, Operation.UPDATE);
        }
    }

    /** Deletes the row; returns the seq it had. */
    int delete(String table, long id) throws SQLException {
        try (PreparedStatement delete =
                connection.prepareStatement(
                        "DELETE FROM " + table + " WHERE id = ? RETURNING tenant_id, seq")) {
            delete.setLong(1, id);
            return recordReturned(delete, table, id, Operation.DELETE);
        }
    }

    private int recordReturned(PreparedStatement statement, String table, long id, Operation op)
            throws SQLException {
        try (ResultSet row = statement.executeQuery()) {
            if (!row.next()) {
                throw new IllegalStateException(table + " has no row " + id);
            }
            int seq = row.getInt(2);
            record(row.getString(1), table, id, op, seq);
            return seq;
        }
    }

    private void record(String tenant, String table, long id, Operation op, int seq) {
        written.computeIfAbsent(
                        EntityKeys.of(tenant, entityTypeOf(table), Long.toString(id)),
                        key -> new ArrayList<>())
                .add(new Written(op, seq));
    }

    /** Per entity key, what was written to it, in order. */
    Map<String, List<Written>> written() {
        return written;
    }
}
