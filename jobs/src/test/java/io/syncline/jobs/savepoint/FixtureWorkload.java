package io.syncline.jobs.savepoint;

import java.math.BigDecimal;
import java.sql.SQLException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The deterministic workload behind a savepoint fixture: its source schema, configuration template
 * and rule sets, and the rows written before the job starts (the snapshot) and in two streamed
 * phases. Customers, contracts (referring to customers) and accounts (manual conflict strategy) of
 * three tenants; in the first phase two updates of acme's customers break a rule, so acme's
 * customer accuracy falls below its threshold and an alert fires once that window closes.
 */
final class FixtureWorkload {

    static final List<String> TENANTS = List.of("acme", "globex", "initech");

    /** Each table's columns, as the source has them and the target mirrors them. */
    static final Map<String, String> COLUMNS =
            Map.of(
                    "customers", "id, tenant_id, name, tier, seq",
                    "contracts", "id, tenant_id, customer_id, amount, status, seq",
                    "accounts", "id, tenant_id, customer_id, credit_limit, seq");

    static final List<String> TABLES = List.of("customers", "contracts", "accounts");
    static final String SOURCE_DATABASE = "savepoint_crm";
    static final String TARGET_DATABASE = "savepoint_warehouse";

    static final List<String> SCHEMA =
            List.of(
                    "CREATE TABLE customers (id BIGINT PRIMARY KEY, tenant_id TEXT NOT NULL,"
                            + " name TEXT NOT NULL, tier TEXT NOT NULL, seq INT NOT NULL)",
                    "CREATE TABLE contracts (id BIGINT PRIMARY KEY, tenant_id TEXT NOT NULL,"
                            + " customer_id BIGINT NOT NULL, amount NUMERIC(12,2) NOT NULL,"
                            + " status TEXT NOT NULL, seq INT NOT NULL)",
                    "CREATE TABLE accounts (id BIGINT PRIMARY KEY, tenant_id TEXT NOT NULL,"
                            + " customer_id BIGINT NOT NULL, credit_limit NUMERIC(12,2) NOT NULL,"
                            + " seq INT NOT NULL)",
                    "ALTER TABLE customers REPLICA IDENTITY FULL",
                    "ALTER TABLE contracts REPLICA IDENTITY FULL",
                    "ALTER TABLE accounts REPLICA IDENTITY FULL");

    /** Tokens ({@code @NAME@}) are the values of the machine the job runs on. */
    static final String CONFIG_TEMPLATE =
            """
            # The configuration the savepoint fixture was made with. The words between at signs are
            # filled in by SavepointFixture and SavepointCompatibilityITCase (FixtureConfig).
            job:
              name: savepoint
              parallelism: @PARALLELISM@
            checkpoints:
              interval: 1s
              directory: @CHECKPOINTS@
            restart:
              initialBackoff: 200ms
              maxBackoff: 2s
            tenants: [acme, globex, initech]
            sources:
              - id: crm
                hostname: @PG_HOST@
                port: @PG_PORT@
                database: savepoint_crm
                username: @PG_USER@
                password: @PG_PASSWORD@
                slotName: syncline_savepoint_crm
                publication: syncline_savepoint_crm
                tables:
                  - {table: public.customers, entityType: customer, tenantColumn: tenant_id}
                  - {table: public.contracts, entityType: contract, tenantColumn: tenant_id}
                  - {table: public.accounts, entityType: account, tenantColumn: tenant_id}
            sinks:
              kafka:
                bootstrapServers: @KAFKA@
                changeTopic: savepoint.changes
                errorTopic: savepoint.errors
                controlTopic: savepoint.control
                conflictTopic: savepoint.conflicts
                qualityTopic: savepoint.quality
                alertTopic: savepoint.alerts
                transactionalIdPrefix: savepoint
              target:
                url: jdbc:postgresql://@PG_HOST@:@PG_PORT@/savepoint_warehouse
                username: @PG_USER@
                password: @PG_PASSWORD@
                batchInterval: 100ms
            validation:
              rules: rules.yaml
              maxParentWait: 5s
            consistency:
              # Event ids stay remembered however old the fixture is when a test reads it.
              dedupTtl: 3650d
              entities:
                account: {strategy: manual}
            observability:
              window: {kind: tumbling, size: 5s}
              maxDelay: 1s
              # Closed windows keep their state, so the savepoint holds them.
              allowedLateness: 1h
              # Snapshot rows carry the job's start as commit time: no latency alerts for them.
              defaultSyncClass: batch
              heartbeat: {interval: @HEARTBEAT@}
              # Every delivered change is sampled; an hour's delay keeps the samples in state.
              readBack: {sampleRate: 1.0, delay: 1h}
              prometheus: {port: 0}
            """;

    /** The rule set of {@code version}, contracts' amounts up to {@code maxContractAmount}. */
    static String rules(int version, int maxContractAmount) {
        return """
            version: %d
            entities:
              customer:
                rules:
                  - {type: allowed, field: tier, values: [bronze, silver, gold, platinum]}
              contract:
                rules:
                  - {type: range, field: amount, min: 0, max: %d}
                  - {type: allowed, field: status, values: [draft, active, ended]}
                references:
                  - {field: customer_id, entity: customer}
              account:
                rules:
                  - {type: range, field: credit_limit, min: 0, max: 100000}
                references:
                  - {field: customer_id, entity: customer}
            """
                .formatted(version, maxContractAmount);
    }

    private final SourceWriter writer;

    FixtureWorkload(SourceWriter writer) {
        this.writer = writer;
    }

    /** The first id of a tenant's rows: 100, 200, 300. */
    static long base(String tenant) {
        return 100L * (TENANTS.indexOf(tenant) + 1);
    }

    /** Per tenant 4 customers, 2 contracts and an account, before the job starts. */
    void seed() throws SQLException {
        for (String tenant : TENANTS) {
            long base = base(tenant);
            for (long id = base + 1; id <= base + 4; id++) {
                writer.insert("customers", id, tenant, customer(id, "bronze"));
            }
            writer.insert("contracts", base + 51, tenant, contract(base + 1, "100.00", "active"));
            writer.insert("contracts", base + 52, tenant, contract(base + 2, "120.00", "active"));
            writer.insert("accounts", base + 91, tenant, account(base + 1, "1000.00"));
        }
    }

    /**
     * Updates, inserts (a contract of a new customer) and deletes of every tenant; two of acme's
     * customer updates are rejected (tier not allowed).
     */
    void phaseA() throws SQLException {
        for (String tenant : TENANTS) {
            long base = base(tenant);
            writer.update("customers", base + 1, Map.of("tier", "silver"));
            writer.update("customers", base + 2, Map.of("name", "Customer " + (base + 2) + " Ltd"));
            writer.insert("customers", base + 5, tenant, customer(base + 5, "bronze"));
            writer.insert("contracts", base + 53, tenant, contract(base + 5, "250.00", "active"));
            writer.update("contracts", base + 51, Map.of("amount", new BigDecimal("150.00")));
            writer.update("accounts", base + 91, Map.of("credit_limit", new BigDecimal("2000.00")));
            if (tenant.equals("acme")) {
                writer.update("customers", base + 3, Map.of("tier", "bogus"));
                writer.update("customers", base + 4, Map.of("tier", "unknown"));
            } else {
                writer.delete("customers", base + 4);
            }
        }
    }

    /** acme's rejected customers corrected, and more changes of every tenant. */
    void phaseB() throws SQLException {
        writer.update("customers", base("acme") + 3, Map.of("tier", "silver"));
        writer.update("customers", base("acme") + 4, Map.of("tier", "gold"));
        for (String tenant : TENANTS) {
            long base = base(tenant);
            writer.update("customers", base + 1, Map.of("tier", "gold"));
            writer.insert("customers", base + 6, tenant, customer(base + 6, "platinum"));
            writer.update("contracts", base + 52, Map.of("status", "ended"));
        }
    }

    private static Map<String, Object> customer(long id, String tier) {
        Map<String, Object> columns = new LinkedHashMap<>();
        columns.put("name", "Customer " + id);
        columns.put("tier", tier);
        return columns;
    }

    private static Map<String, Object> contract(long customerId, String amount, String status) {
        Map<String, Object> columns = new LinkedHashMap<>();
        columns.put("customer_id", customerId);
        columns.put("amount", new BigDecimal(amount));
        columns.put("status", status);
        return columns;
    }

    private static Map<String, Object> account(long customerId, String creditLimit) {
        Map<String, Object> columns = new LinkedHashMap<>();
        columns.put("customer_id", customerId);
        columns.put("credit_limit", new BigDecimal(creditLimit));
        return columns;
    }
}
