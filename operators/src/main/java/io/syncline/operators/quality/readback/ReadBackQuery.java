package io.syncline.operators.quality.readback;

import io.syncline.operators.sink.SqlIdentifiers;
import io.syncline.operators.sink.TargetColumn;
import io.syncline.operators.sink.TargetTable;
import io.syncline.operators.sink.VersionGuardedUpsert;
import io.syncline.schema.ChangeEvent;
import io.syncline.schema.FieldValue;
import io.syncline.schema.Operation;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The read-back query of one target table: it selects a row by primary key and compares each of its
 * other columns in SQL with the value of a change, cast as the upsert casts it, so a value compares
 * equal exactly when it was stored as written.
 */
final class ReadBackQuery {

    /**
     * Types without an equality operator (json, xml, geometric types) or whose {@code =} compares
     * areas (box, circle); their values are compared by their text, which the same input gives
     * identically.
     */
    private static final Set<String> COMPARED_AS_TEXT =
            Set.of("json", "xml", "point", "line", "lseg", "box", "path", "polygon", "circle");

    private final TargetTable table;
    private final List<TargetColumn> keyColumns;
    private final List<TargetColumn> comparedColumns;
    private final String sql;

    ReadBackQuery(TargetTable table) {
        this.table = table;
        this.keyColumns = new ArrayList<>();
        for (String name : table.primaryKey()) {
            keyColumns.add(
                    table.columns().stream()
                            .filter(column -> column.name().equals(name))
                            .findFirst()
                            .orElseThrow(
                                    () ->
                                            new IllegalArgumentException(
                                                    "primary key column "
                                                            + name
                                                            + " is not a column of "
                                                            + table.qualifiedName())));
        }
        this.comparedColumns =
                table.columns().stream()
                        .filter(column -> !table.primaryKey().contains(column.name()))
                        .toList();
        this.sql = buildSql();
    }

    String sql() {
        return sql;
    }

    private String buildSql() {
        StringBuilder select =
                new StringBuilder("SELECT ")
                        .append(SqlIdentifiers.quote(TargetTable.VERSION_COLUMN))
                        .append(", ")
                        .append(SqlIdentifiers.quote(TargetTable.DELETED_COLUMN));
        for (TargetColumn column : comparedColumns) {
            select.append(", ").append(comparison(column));
        }
        String where =
                keyColumns.stream()
                        .map(
                                column ->
                                        SqlIdentifiers.quote(column.name())
                                                + " = CAST(? AS "
                                                + column.sqlType()
                                                + ")")
                        .collect(Collectors.joining(" AND "));
        return select.append(" FROM ")
                .append(table.qualifiedName())
                .append(" WHERE ")
                .append(where)
                .toString();
    }

    private static String comparison(TargetColumn column) {
        String name = SqlIdentifiers.quote(column.name());
        String value = "CAST(? AS " + column.sqlType() + ")";
        if (COMPARED_AS_TEXT.contains(baseType(column.sqlType()))) {
            return "(" + name + "::text IS NOT DISTINCT FROM CAST(" + value + " AS text))";
        }
        return "(" + name + " IS NOT DISTINCT FROM " + value + ")";
    }

    /** {@code json} of {@code json[]}, {@code numeric} of {@code numeric(12,2)}. */
    private static String baseType(String sqlType) {
        String type = sqlType.toLowerCase(Locale.ROOT).trim();
        int end = type.length();
        for (char stop : new char[] {'(', '['}) {
            int at = type.indexOf(stop);
            if (at >= 0) {
                end = Math.min(end, at);
            }
        }
        return type.substring(0, end).trim();
    }

    /**
     * Binds the values {@code sample} wrote, then its key. A column missing from the after image
     * was written as NULL, so it is compared with NULL; a delete's columns are not compared.
     */
    void bind(PreparedStatement statement, ChangeEvent sample) throws SQLException {
        boolean deleted = sample.getOp() == Operation.DELETE;
        Map<String, FieldValue> image = deleted ? sample.getBefore() : sample.getAfter();
        int index = 1;
        for (TargetColumn column : comparedColumns) {
            VersionGuardedUpsert.bind(
                    statement, index++, deleted ? null : image.get(column.name()));
        }
        for (TargetColumn column : keyColumns) {
            VersionGuardedUpsert.bind(statement, index++, image.get(column.name()));
        }
    }

    /** The verdict on {@code sample} from the query's result, positioned before its first row. */
    Verdict verdict(ChangeEvent sample, ResultSet result) throws SQLException {
        if (!result.next()) {
            return diverged(sample, "the target has no row for it");
        }
        long stored = result.getLong(1);
        boolean storedDeleted = result.getBoolean(2);
        long version = sample.getVersion();
        if (stored > version) {
            return new Verdict(
                    sample, Verdict.Outcome.SUPERSEDED, "the target holds newer version " + stored);
        }
        if (stored < version) {
            return diverged(sample, "the target holds older version " + stored);
        }
        boolean deleted = sample.getOp() == Operation.DELETE;
        if (storedDeleted != deleted) {
            return diverged(
                    sample,
                    storedDeleted ? "the target row is deleted" : "the target row is not deleted");
        }
        if (!deleted) {
            List<String> differing = new ArrayList<>();
            for (int i = 0; i < comparedColumns.size(); i++) {
                if (!result.getBoolean(3 + i)) {
                    differing.add(comparedColumns.get(i).name());
                }
            }
            if (!differing.isEmpty()) {
                return diverged(
                        sample,
                        differing.size() == 1
                                ? "column " + differing.get(0) + " differs from the written value"
                                : "columns "
                                        + String.join(", ", differing)
                                        + " differ from the written values");
            }
        }
        return new Verdict(
                sample,
                Verdict.Outcome.AGREED,
                "the target holds version " + stored + " as written");
    }

    private static Verdict diverged(ChangeEvent sample, String reason) {
        return new Verdict(sample, Verdict.Outcome.DIVERGED, reason);
    }
}
