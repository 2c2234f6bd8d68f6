package io.syncline.operators.read;

import io.syncline.operators.decode.TableBinding;
import io.syncline.operators.sink.SqlIdentifiers;
import io.syncline.operators.sink.TargetColumn;
import java.io.Serializable;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * A source table as backfills and re-syncs read it: how its rows become entities, and its columns
 * with their SQL types (Syncline's bookkeeping columns left out).
 *
 * @param sourceId the configured id of the source, the {@code sourceId} of every row read
 * @param binding entity type, key and tenant of the rows
 * @param columns the columns read, in table order
 */
public record SourceTable(String sourceId, TableBinding binding, List<TargetColumn> columns)
        implements Serializable {

    public SourceTable {
        Objects.requireNonNull(sourceId, "sourceId");
        Objects.requireNonNull(binding, "binding");
        columns = List.copyOf(columns);
        for (String key : binding.primaryKey()) {
            if (columns.stream().noneMatch(c -> c.name().equals(key))) {
                throw new IllegalArgumentException(
                        "key column '" + key + "' is not a column of " + binding.qualifiedName());
            }
        }
    }

    /** The entity type of the rows. */
    public String entityType() {
        return binding.entityType();
    }

    /** The quoted, schema-qualified table name. */
    public String qualifiedName() {
        return SqlIdentifiers.qualified(binding.schema(), binding.table());
    }

    /** The SQL type of {@code column}. */
    public String typeOf(String column) {
        return column(column).map(TargetColumn::sqlType).orElseThrow();
    }

    /** Whether rows of {@code tenant} can be in this table. */
    public boolean mayHold(String tenant) {
        return binding.constantTenant() == null || binding.constantTenant().equals(tenant);
    }

    private Optional<TargetColumn> column(String name) {
        return columns.stream().filter(c -> c.name().equals(name)).findFirst();
    }
}
