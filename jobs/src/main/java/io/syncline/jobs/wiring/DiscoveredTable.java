package io.syncline.jobs.wiring;

import io.syncline.jobs.config.TableMapping;
import io.syncline.operators.sink.TargetColumn;
import java.util.List;

/**
 * A configured source table with what the database says about it: its columns and types, and the
 * key columns (configured, or else its primary key constraint).
 */
public record DiscoveredTable(
        TableMapping mapping, List<TargetColumn> columns, List<String> primaryKey) {

    public DiscoveredTable {
        columns = List.copyOf(columns);
        primaryKey = List.copyOf(primaryKey);
    }
}
