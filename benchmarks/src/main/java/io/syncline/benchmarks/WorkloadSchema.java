package io.syncline.benchmarks;

import java.util.List;

/**
 * The benchmark's source schema: three entity types (customers, orders, invoices) of several
 * tenants, each row about 500 bytes, with {@code REPLICA IDENTITY FULL} so that updates and deletes
 * carry the tenant, as Syncline's own tables do.
 */
public final class WorkloadSchema {

    /** Tenants the rows belong to; all of them are configured, so no change is rejected. */
    public static final List<String> TENANTS =
            List.of("acme", "globex", "initech", "umbrella", "hooli");

    /** Source tables, one per entity type. */
    public static final List<Table> TABLES =
            List.of(
                    new Table("customers", "customer"),
                    new Table("orders", "order"),
                    new Table("invoices", "invoice"));

    /** Columns in insert order. */
    public static final List<String> COLUMNS =
            List.of(
                    "id",
                    "tenant_id",
                    "name",
                    "email",
                    "status",
                    "amount",
                    "quantity",
                    "created_at",
                    "updated_at",
                    "notes",
                    "attributes");

    /** One source table and the entity type its rows are. */
    public record Table(String name, String entityType) {

        /** DDL of the table. */
        public String createSql() {
            return "CREATE TABLE IF NOT EXISTS "
                    + name
                    + " (id BIGINT PRIMARY KEY, tenant_id TEXT NOT NULL, name TEXT NOT NULL,"
                    + " email TEXT, status TEXT NOT NULL, amount NUMERIC(12,2), quantity INT,"
                    + " created_at TIMESTAMP NOT NULL, updated_at TIMESTAMP NOT NULL, notes TEXT,"
                    + " attributes JSONB)";
        }

        /** Makes updates and deletes carry the whole old row, tenant included. */
        public String replicaIdentitySql() {
            return "ALTER TABLE " + name + " REPLICA IDENTITY FULL";
        }
    }

    /**
     * The validation rules the measured sync job runs with: a JSON Schema per entity type (types,
     * required fields, an email format, the status enumeration) and three business rules, all of
     * which every workload row passes, so that validation costs but rejects nothing.
     */
    public static String rules() {
        String schema =
                "'{\"type\": \"object\", \"properties\": {\"id\": {\"type\":"
                        + " \"integer\"}, \"tenant_id\": {\"type\": \"string\"}, \"name\":"
                        + " {\"type\": \"string\", \"minLength\": 1}, \"email\": {\"type\":"
                        + " [\"string\", \"null\"], \"format\": \"email\"}, \"status\":"
                        + " {\"enum\": [\"new\", \"active\", \"pending\", \"shipped\","
                        + " \"closed\"]}, \"amount\": {\"type\": [\"number\", \"null\"]},"
                        + " \"quantity\": {\"type\": [\"integer\", \"null\"]}},"
                        + " \"required\": [\"id\", \"tenant_id\", \"name\", \"status\"]}'";
        StringBuilder rules = new StringBuilder("version: 1\nentities:\n");
        for (Table table : TABLES) {
            rules.append("  ")
                    .append(table.entityType())
                    .append(":\n    schema:\n      type: json-schema\n      inline: ")
                    .append(schema)
                    .append("\n    rules:\n")
                    .append("      - {type: range, field: amount, min: 0, max: 1000000}\n")
                    .append("      - {type: range, field: quantity, min: 1, max: 500}\n")
                    .append(
                            "      - {type: pattern, field: name, regex: '[A-Za-z]+ [A-Za-z]+ \\d+'}\n");
        }
        return rules.toString();
    }

    private WorkloadSchema() {}
}
