package io.syncline.jobs.config;

import java.util.List;

/**
 * Maps one source table to an entity type.
 *
 * @param table qualified table name, {@code schema.table} ({@code public} when unqualified)
 * @param entityType the entity type its rows are, e.g. {@code customer}
 * @param primaryKey key columns; empty means the table's primary key constraint is used
 * @param tenantColumn column holding the tenant; exactly one of this and {@code tenant} is set
 * @param tenant constant tenant of every row of the table
 * @param targetTable table written in the target database (default: the same name)
 */
public record TableMapping(
        String table,
        String entityType,
        List<String> primaryKey,
        String tenantColumn,
        String tenant,
        String targetTable) {

    public TableMapping {
        primaryKey = List.copyOf(primaryKey);
    }

    /** Schema part of {@link #table()}. */
    public String schemaName() {
        int dot = table.indexOf('.');
        return dot < 0 ? "public" : table.substring(0, dot);
    }

    /** Table part of {@link #table()}. */
    public String tableName() {
        int dot = table.indexOf('.');
        return dot < 0 ? table : table.substring(dot + 1);
    }
}
