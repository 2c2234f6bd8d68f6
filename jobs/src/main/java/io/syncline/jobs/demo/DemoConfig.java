package io.syncline.jobs.demo;

import io.syncline.embedded.EmbeddedKafkaBroker;
import io.syncline.embedded.EmbeddedPostgresServer;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** The configuration file the demo runs with, pointing at its embedded servers. */
final class DemoConfig {

    /** The demo's rule file and the schema it names, copied next to the configuration. */
    private static final List<String> RULE_FILES = List.of("rules.yaml", "customer.schema.json");

    private DemoConfig() {}

    /** Copies the demo's rule files into {@code workDir}, where the configuration names them. */
    static void writeRuleFiles(Path workDir) throws IOException {
        for (String name : RULE_FILES) {
            try (InputStream in = DemoConfig.class.getResourceAsStream("/demo/" + name)) {
                if (in == null) {
                    throw new IOException("demo resource /demo/" + name + " is missing");
                }
                Files.copy(in, workDir.resolve(name));
            }
        }
    }

    static String yaml(EmbeddedPostgresServer postgres, EmbeddedKafkaBroker kafka, Path workDir) {
        return """
                job:
                  name: syncline-demo
                  parallelism: 2
                checkpoints:
                  interval: 2s
                  directory: %s
                tenants: [%s]
                sources:
                  # The CRM is the system of record for customers: when both sources commit a
                  # customer in the same millisecond, last-writer-wins keeps the CRM's version.
                  - id: %s
                    hostname: %s
                    port: %d
                    database: %s
                    username: %s
                    password: %s
                    priority: 2
                    tables:
                      - table: public.customers
                        entityType: customer
                        tenantColumn: tenant_id
                      - table: public.contracts
                        entityType: contract
                        tenantColumn: tenant_id
                      - table: public.accounts
                        entityType: account
                        tenantColumn: tenant_id
                  # The ERP writes the same customers and opens the same accounts, unaware of
                  # the CRM: every such pair of writes is a conflict.
                  - id: %s
                    hostname: %s
                    port: %d
                    database: %s
                    username: %s
                    password: %s
                    priority: 1
                    tables:
                      - table: public.customers
                        entityType: customer
                        tenantColumn: tenant_id
                      - table: public.accounts
                        entityType: account
                        tenantColumn: tenant_id
                sinks:
                  kafka:
                    bootstrapServers: %s
                    changeTopic: syncline.changes
                    errorTopic: syncline.errors
                    controlTopic: syncline.control
                    conflictTopic: syncline.conflicts
                    transactionalIdPrefix: syncline-demo
                  target:
                    url: %s
                    username: %s
                    password: %s
                    conflictsTable: syncline_conflicts
                validation:
                  rules: rules.yaml
                  maxParentWait: 5s
                consistency:
                  entities:
                    customer:
                      strategy: last-writer-wins   # the later commit wins
                    account:
                      strategy: custom             # the higher credit limit wins
                      resolver: io.syncline.operators.resolve.examples.HighestValueWins
                      options: {field: credit_limit}
                """
                .formatted(
                        workDir.resolve("checkpoints").toUri(),
                        String.join(", ", DemoDatabase.TENANTS),
                        DemoDatabase.SOURCE,
                        postgres.host(),
                        postgres.port(),
                        DemoDatabase.SOURCE,
                        postgres.username(),
                        postgres.password(),
                        DemoDatabase.SECOND_SOURCE,
                        postgres.host(),
                        postgres.port(),
                        DemoDatabase.SECOND_SOURCE,
                        postgres.username(),
                        postgres.password(),
                        kafka.bootstrapServers(),
                        postgres.jdbcUrl(DemoDatabase.TARGET),
                        postgres.username(),
                        postgres.password());
    }
}
