package io.syncline.jobs.config;

/** Binds a {@code type: sqlserver} source. */
final class SqlServerSourceBinder implements SourceBinder {

    static final String TYPE = "sqlserver";

    private static final int DEFAULT_PORT = 1433;

    @Override
    public ChangeSourceConfig bind(ConfigNode node, SourceContext context) {
        DatabaseSourceKeys keys = DatabaseSourceKeys.bind(node, DEFAULT_PORT, "shop");
        SourceContext.Tables tables =
                context.tables(
                        node,
                        "[{table: dbo.orders, entityType: order, tenantColumn: tenant_id}]",
                        false);
        DatabaseSourceKeys.requireQualifiedTables(node, "schema", "dbo.orders");
        node.rejectUnknownKeys();
        return new SqlServerSourceConfig(
                context.id(),
                context.priority(),
                keys.hostname(),
                keys.port(),
                keys.database(),
                keys.username(),
                keys.password(),
                keys.startup(),
                tables.mappings());
    }
}
