package io.syncline.operators.decode;

import java.io.Serializable;
import java.util.List;
import java.util.Objects;

/**
 * How the rows of one source table become entities: which entity type they are, which columns form
 * the entity id and where the tenant comes from.
 *
 * @param schema the table's schema, e.g. {@code public}
 * @param table the table name
 * @param entityType entity type of its rows
 * @param primaryKey key columns in key order, never empty
 * @param tenantColumn column holding the tenant, or null when {@code constantTenant} is set
 * @param constantTenant tenant of every row, or null when {@code tenantColumn} is set
 */
public record TableBinding(
        String schema,
        String table,
        String entityType,
        List<String> primaryKey,
        String tenantColumn,
        String constantTenant)
        implements Serializable {

    public TableBinding {
        Objects.requireNonNull(schema, "schema");
        Objects.requireNonNull(table, "table");
        Objects.requireNonNull(entityType, "entityType");
        primaryKey = List.copyOf(primaryKey);
        if (primaryKey.isEmpty()) {
            throw new IllegalArgumentException("primary key of " + qualifiedName() + " is empty");
        }
        if ((tenantColumn == null) == (constantTenant == null)) {
            throw new IllegalArgumentException(
                    "exactly one of tenantColumn and constantTenant must be set for "
                            + qualifiedName());
        }
    }

    /** {@code schema.table}, as Debezium names the table in its source block. */
    public String qualifiedName() {
        return schema + "." + table;
    }
}
