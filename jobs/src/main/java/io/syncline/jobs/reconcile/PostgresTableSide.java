package io.syncline.jobs.reconcile;

import io.syncline.operators.sink.SqlIdentifiers;
import io.syncline.operators.sink.TargetColumn;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.stream.Collectors;

/**
 * A {@link TableSide} in PostgreSQL: the rows of one table that match a filter (a tenant, and in
 * the target only live rows). Rows are hashed by the database ({@code hashtextextended} over the
 * row's text), so a range's checksum moves three numbers, not its rows.
 */
public final class PostgresTableSide implements TableSide {

    private final WorkerConnections connections;
    private final String table;
    private final List<TargetColumn> keyColumns;
    private final List<String> columns;
    private final String filter;
    private final List<String> filterValues;
    private final String keyTuple;
    private final String rowText;

    /**
     * @param table the quoted, qualified table name
     * @param keyColumns the key columns with their types, in key order
     * @param columns the compared columns, in the order both sides hash them
     * @param filter a condition on the table's columns with {@code ?} for {@code filterValues},
     *     e.g. {@code "tenant_id"::text = ?}; {@code TRUE} for none
     */
    public PostgresTableSide(
            WorkerConnections connections,
            String table,
            List<TargetColumn> keyColumns,
            List<String> columns,
            String filter,
            List<String> filterValues) {
        this.connections = Objects.requireNonNull(connections, "connections");
        this.table = Objects.requireNonNull(table, "table");
        this.keyColumns = List.copyOf(keyColumns);
        this.columns = List.copyOf(columns);
        this.filter = Objects.requireNonNull(filter, "filter");
        this.filterValues = List.copyOf(filterValues);
        this.keyTuple =
                "("
                        + keyColumns.stream()
                                .map(c -> SqlIdentifiers.quote(c.name()))
                                .collect(Collectors.joining(", "))
                        + ")";
        this.rowText =
                "ROW("
                        + columns.stream()
                                .map(SqlIdentifiers::quote)
                                .collect(Collectors.joining(", "))
                        + ")::text";
    }

    @Override
    public long count() {
        String sql = "SELECT count(*) FROM " + table + " WHERE " + filter;
        return query(
                sql,
                KeyRange.ALL,
                List.of(),
                rows -> {
                    rows.next();
                    return rows.getLong(1);
                });
    }

    @Override
    public RangeChecksum checksum(KeyRange range) {
        // OFFSET 0 keeps the subquery, so each row's text is built once for both hashes.
        String sql =
                "SELECT count(*), coalesce(sum(hashtextextended(r, 0)), 0),"
                        + " coalesce(sum(hashtextextended(r, 1)), 0) FROM (SELECT "
                        + rowText
                        + " AS r FROM "
                        + table
                        + " WHERE "
                        + where(range)
                        + " OFFSET 0) s";
        return query(
                sql,
                range,
                List.of(),
                rows -> {
                    rows.next();
                    return new RangeChecksum(
                            rows.getLong(1),
                            rows.getBigDecimal(2).toBigIntegerExact(),
                            rows.getBigDecimal(3).toBigIntegerExact());
                });
    }

    @Override
    public List<List<String>> boundaries(KeyRange range, long rows, int parts) {
        long step = Math.max(1, (rows + parts - 1) / parts);
        String sql =
                "SELECT "
                        + keyTexts("")
                        + " FROM (SELECT "
                        + keyNames()
                        + ", row_number() OVER (ORDER BY "
                        + keyNames()
                        + ") AS rn FROM "
                        + table
                        + " WHERE "
                        + where(range)
                        + ") s WHERE rn > 1 AND (rn - 1) % ? = 0 ORDER BY rn";
        return query(
                sql,
                range,
                List.of(step),
                result -> {
                    List<List<String>> keys = new ArrayList<>();
                    while (result.next()) {
                        keys.add(key(result));
                    }
                    return keys;
                });
    }

    @Override
    public List<RowDigest> digests(KeyRange range) {
        String sql =
                "SELECT "
                        + keyTexts("")
                        + ", hashtextextended("
                        + rowText
                        + ", 0) FROM "
                        + table
                        + " WHERE "
                        + where(range);
        return query(
                sql,
                range,
                List.of(),
                result -> {
                    List<RowDigest> digests = new ArrayList<>();
                    while (result.next()) {
                        digests.add(
                                new RowDigest(key(result), result.getLong(keyColumns.size() + 1)));
                    }
                    return digests;
                });
    }

    @Override
    public Map<List<String>, Map<String, String>> rows(List<List<String>> keys) {
        Map<List<String>, Map<String, String>> rows = new HashMap<>();
        if (keys.isEmpty()) {
            return rows;
        }
        String sql =
                "SELECT "
                        + keyTexts("")
                        + ", "
                        + columnTexts()
                        + " FROM "
                        + table
                        + " WHERE "
                        + filter
                        + " AND "
                        + keyTuple
                        + " IN ("
                        + String.join(", ", Collections.nCopies(keys.size(), castTuple()))
                        + ")";
        List<String> values = new ArrayList<>();
        keys.forEach(values::addAll);
        return query(
                sql,
                KeyRange.ALL,
                values,
                result -> {
                    while (result.next()) {
                        Map<String, String> row = new LinkedHashMap<>();
                        for (int i = 0; i < columns.size(); i++) {
                            row.put(columns.get(i), result.getString(keyColumns.size() + i + 1));
                        }
                        rows.put(key(result), row);
                    }
                    return rows;
                });
    }

    private String columnTexts() {
        return columns.stream()
                .map(c -> SqlIdentifiers.quote(c) + "::text")
                .collect(Collectors.joining(", "));
    }

    private String where(KeyRange range) {
        StringBuilder where = new StringBuilder(filter);
        if (range.from() != null) {
            where.append(" AND ").append(keyTuple).append(" >= ").append(castTuple());
        }
        if (range.to() != null) {
            where.append(" AND ").append(keyTuple).append(" < ").append(castTuple());
        }
        return where.toString();
    }

    private String castTuple() {
        return "("
                + keyColumns.stream()
                        .map(c -> "CAST(? AS " + c.sqlType() + ")")
                        .collect(Collectors.joining(", "))
                + ")";
    }

    private String keyNames() {
        return keyColumns.stream()
                .map(c -> SqlIdentifiers.quote(c.name()))
                .collect(Collectors.joining(", "));
    }

    private String keyTexts(String prefix) {
        return keyColumns.stream()
                .map(c -> prefix + SqlIdentifiers.quote(c.name()) + "::text")
                .collect(Collectors.joining(", "));
    }

    private List<String> key(ResultSet result) throws SQLException {
        List<String> key = new ArrayList<>(keyColumns.size());
        for (int i = 1; i <= keyColumns.size(); i++) {
            key.add(result.getString(i));
        }
        return key;
    }

    /**
     * Runs {@code sql} with the filter's values, then {@code range}'s bounds, then {@code extra}
     * bound in that order, on the calling thread's connection.
     */
    private <T> T query(String sql, KeyRange range, List<?> extra, ResultReader<T> reader) {
        try {
            Connection connection = connections.get();
            try (PreparedStatement statement = connection.prepareStatement(sql)) {
                int index = 1;
                for (String value : filterValues) {
                    statement.setString(index++, value);
                }
                if (range.from() != null) {
                    for (String value : range.from()) {
                        statement.setString(index++, value);
                    }
                }
                if (range.to() != null) {
                    for (String value : range.to()) {
                        statement.setString(index++, value);
                    }
                }
                for (Object value : extra) {
                    statement.setObject(index++, value);
                }
                try (ResultSet result = statement.executeQuery()) {
                    return reader.read(result);
                }
            }
        } catch (SQLException e) {
            throw new ReconcileException(
                    "reading "
                            + table
                            + " at "
                            + connections.url()
                            + " failed: "
                            + e.getMessage()
                            + "; check that the database is up and the table readable, then run"
                            + " the reconciliation again",
                    e);
        }
    }

    @FunctionalInterface
    private interface ResultReader<T> {
        T read(ResultSet result) throws SQLException;
    }
}
