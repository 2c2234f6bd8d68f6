package io.syncline.operators.sink;

import java.io.Serializable;
import java.util.List;
import java.util.stream.Collectors;

/**
 * A table in the target database that mirrors one entity type, plus two bookkeeping columns:
 * {@value #VERSION_COLUMN} (the version of the change the row reflects) and {@value
 * #DELETED_COLUMN} (a tombstone, so a replayed older insert cannot bring a deleted row back).
 */
public record TargetTable(
        String schema, String table, List<TargetColumn> columns, List<String> primaryKey)
        implements Serializable {

    /** Version of the change the row reflects. */
    public static final String VERSION_COLUMN = "_syncline_version";

    /** True when the entity was deleted at the source. */
    public static final String DELETED_COLUMN = "_syncline_deleted";

    public TargetTable {
        columns = List.copyOf(columns);
        primaryKey = List.copyOf(primaryKey);
    }

    /** The schema-qualified, quoted table name. */
    public String qualifiedName() {
        return SqlIdentifiers.qualified(schema, table);
    }

    /**
     * The upsert every change is written with: it inserts the row, or updates it only when the
     * stored version is older, so a replayed or late change never overwrites a newer one.
     */
    public String upsertSql() {
        String names =
                columns.stream()
                        .map(c -> SqlIdentifiers.quote(c.name()))
                        .collect(Collectors.joining(", "));
        String values =
                columns.stream()
                        .map(c -> "CAST(? AS " + c.sqlType() + ")")
                        .collect(Collectors.joining(", "));
        String updates =
                columns.stream()
                        .filter(c -> !primaryKey.contains(c.name()))
                        .map(
                                c ->
                                        SqlIdentifiers.quote(c.name())
                                                + " = EXCLUDED."
                                                + SqlIdentifiers.quote(c.name()))
                        .collect(Collectors.joining(", "));
        String conflictKey =
                primaryKey.stream().map(SqlIdentifiers::quote).collect(Collectors.joining(", "));
        return "INSERT INTO "
                + qualifiedName()
                + " AS t ("
                + names
                + ", "
                + SqlIdentifiers.quote(VERSION_COLUMN)
                + ", "
                + SqlIdentifiers.quote(DELETED_COLUMN)
                + ") VALUES ("
                + values
                + ", ?, ?) ON CONFLICT ("
                + conflictKey
                + ") DO UPDATE SET "
                + (updates.isEmpty() ? "" : updates + ", ")
                + SqlIdentifiers.quote(VERSION_COLUMN)
                + " = EXCLUDED."
                + SqlIdentifiers.quote(VERSION_COLUMN)
                + ", "
                + SqlIdentifiers.quote(DELETED_COLUMN)
                + " = EXCLUDED."
                + SqlIdentifiers.quote(DELETED_COLUMN)
                + " WHERE t."
                + SqlIdentifiers.quote(VERSION_COLUMN)
                + " < EXCLUDED."
                + SqlIdentifiers.quote(VERSION_COLUMN);
    }

    /** DDL that creates the table when it is missing. */
    public String createSql() {
        String columnDefs =
                columns.stream()
                        .map(c -> SqlIdentifiers.quote(c.name()) + " " + c.sqlType())
                        .collect(Collectors.joining(", "));
        String key =
                primaryKey.stream().map(SqlIdentifiers::quote).collect(Collectors.joining(", "));
        return "CREATE TABLE IF NOT EXISTS "
                + qualifiedName()
                + " ("
                + columnDefs
                + ", "
                + SqlIdentifiers.quote(VERSION_COLUMN)
                + " BIGINT NOT NULL, "
                + SqlIdentifiers.quote(DELETED_COLUMN)
                + " BOOLEAN NOT NULL DEFAULT FALSE, PRIMARY KEY ("
                + key
                + "))";
    }
}
