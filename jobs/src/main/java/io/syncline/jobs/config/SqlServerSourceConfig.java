package io.syncline.jobs.config;

import io.syncline.operators.sink.TargetColumn;
import java.util.List;
import java.util.Map;

/**
 * A SQL Server database read by Flink CDC's SQL Server connector (type {@code sqlserver}) from the
 * change tables of SQL Server's own change data capture: an incremental snapshot, then the changes.
 *
 * @param startup {@code initial} (snapshot, then changes) or {@code latest} (changes from now on)
 * @param tables the tables, each {@code schema.table} (e.g. {@code dbo.orders}), with CDC enabled
 */
public record SqlServerSourceConfig(
        String id,
        int priority,
        String hostname,
        int port,
        String database,
        String username,
        String password,
        String startup,
        List<TableMapping> tables)
        implements ChangeSourceConfig {

    public static final String TYPE = SqlServerSourceBinder.TYPE;

    public SqlServerSourceConfig {
        tables = List.copyOf(tables);
    }

    @Override
    public String type() {
        return TYPE;
    }

    @Override
    public Map<String, List<TargetColumn>> declaredColumns() {
        return Map.of();
    }
}
