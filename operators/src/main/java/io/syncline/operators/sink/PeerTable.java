package io.syncline.operators.sink;

import io.syncline.operators.decode.OriginColumns;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.stream.Collectors;

/**
 * A table of a bidirectional (write-back) source that Syncline writes the resolved state of one
 * entity type back into, with the bookkeeping columns {@value OriginColumns#ORIGIN} and {@value
 * OriginColumns#CLOCK}, by which Syncline recognizes its own writes when they come back as changes.
 *
 * @param schema the table's schema
 * @param table the table name
 * @param columns its data columns (never the bookkeeping columns)
 * @param primaryKey key columns; a primary key or unique index on them is the upsert's conflict
 *     target
 */
public record PeerTable(
        String schema, String table, List<TargetColumn> columns, List<String> primaryKey)
        implements Serializable {

    // The change as one row of the statement's first CTE; data columns never start with the
    // bookkeeping prefix, so these names cannot clash with theirs.
    private static final String CHANGE = OriginColumns.PREFIX + "change";
    private static final String GONE = OriginColumns.PREFIX + "gone";
    private static final String DELETED = OriginColumns.PREFIX + "deleted";

    public PeerTable {
        Objects.requireNonNull(schema, "schema");
        Objects.requireNonNull(table, "table");
        columns = List.copyOf(columns);
        primaryKey = List.copyOf(primaryKey);
        if (primaryKey.isEmpty()) {
            throw new IllegalArgumentException(
                    "primary key of " + schema + "." + table + " is empty");
        }
        for (TargetColumn column : columns) {
            if (OriginColumns.isBookkeeping(column.name())) {
                throw new IllegalArgumentException(
                        "column "
                                + column.name()
                                + " of "
                                + schema
                                + "."
                                + table
                                + " is a bookkeeping column, not a data column");
            }
        }
        for (String key : primaryKey) {
            if (columns.stream().noneMatch(c -> c.name().equals(key))) {
                throw new IllegalArgumentException(
                        "key column " + key + " is not a column of " + schema + "." + table);
            }
        }
    }

    /** The schema-qualified, quoted table name. */
    public String qualifiedName() {
        return SqlIdentifiers.qualified(schema, table);
    }

    /**
     * The one statement every change is written with. Its parameters are: whether the change is a
     * delete, one value per column (in {@link #columns()} order), the origin and the clock. A
     * delete removes the row by its key (a missing row is no error); any other change upserts the
     * data and bookkeeping columns. There is no version guard: the resolve stage decides what a
     * peer holds and repairs one that diverged.
     */
    public String writeSql() {
        List<String> keys = primaryKey.stream().map(SqlIdentifiers::quote).toList();
        List<String> written = new ArrayList<>();
        List<String> parameters = new ArrayList<>(List.of("CAST(? AS boolean)"));
        for (TargetColumn column : columns) {
            written.add(SqlIdentifiers.quote(column.name()));
            parameters.add("CAST(? AS " + column.sqlType() + ")");
        }
        for (String bookkeeping : List.of(OriginColumns.ORIGIN, OriginColumns.CLOCK)) {
            written.add(SqlIdentifiers.quote(bookkeeping));
            parameters.add("CAST(? AS text)");
        }
        String writtenList = String.join(", ", written);
        String keyMatch =
                keys.stream().map(k -> "t." + k + " = c." + k).collect(Collectors.joining(" AND "));
        String updates =
                written.stream()
                        .filter(c -> !keys.contains(c))
                        .map(c -> c + " = EXCLUDED." + c)
                        .collect(Collectors.joining(", "));
        String change = SqlIdentifiers.quote(CHANGE);
        String deleted = SqlIdentifiers.quote(DELETED);
        return "WITH "
                + change
                + " ("
                + deleted
                + ", "
                + writtenList
                + ") AS (VALUES ("
                + String.join(", ", parameters)
                + ")), "
                + SqlIdentifiers.quote(GONE)
                + " AS (DELETE FROM "
                + qualifiedName()
                + " AS t USING "
                + change
                + " AS c WHERE c."
                + deleted
                + " AND "
                + keyMatch
                + ") INSERT INTO "
                + qualifiedName()
                + " AS t ("
                + writtenList
                + ") SELECT "
                + writtenList
                + " FROM "
                + change
                + " WHERE NOT "
                + deleted
                + " ON CONFLICT ("
                + String.join(", ", keys)
                + ") DO UPDATE SET "
                + updates;
    }
}
