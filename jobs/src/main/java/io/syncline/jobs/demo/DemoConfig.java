package io.syncline.jobs.demo;

import io.syncline.embedded.EmbeddedKafkaBroker;
import io.syncline.embedded.EmbeddedPostgresServer;
import java.nio.file.Path;

/** The configuration file the demo runs with, pointing at its embedded servers. */
final class DemoConfig {

    private DemoConfig() {}

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
                  - id: crm
                    hostname: %s
                    port: %d
                    database: %s
                    username: %s
                    password: %s
                    tables:
                      - table: public.customers
                        entityType: customer
                        tenantColumn: tenant_id
                      - table: public.contracts
                        entityType: contract
                        tenantColumn: tenant_id
                sinks:
                  kafka:
                    bootstrapServers: %s
                    changeTopic: syncline.changes
                    errorTopic: syncline.errors
                    transactionalIdPrefix: syncline-demo
                  target:
                    url: %s
                    username: %s
                    password: %s
                """
                .formatted(
                        workDir.resolve("checkpoints").toUri(),
                        String.join(", ", DemoDatabase.TENANTS),
                        postgres.host(),
                        postgres.port(),
                        DemoDatabase.SOURCE,
                        postgres.username(),
                        postgres.password(),
                        kafka.bootstrapServers(),
                        postgres.jdbcUrl(DemoDatabase.TARGET),
                        postgres.username(),
                        postgres.password());
    }
}
