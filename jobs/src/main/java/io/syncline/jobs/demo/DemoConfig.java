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
        return yaml(postgres, kafka, workDir, "");
    }

    /**
     * The configuration, with {@code moreSources} (entries of the {@code sources:} list, indented
     * by two spaces) after the two databases.
     */
    static String yaml(
            EmbeddedPostgresServer postgres,
            EmbeddedKafkaBroker kafka,
            Path workDir,
            String moreSources) {
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
                %s
                sinks:
                  kafka:
                    bootstrapServers: %s
                    changeTopic: syncline.changes
                    errorTopic: syncline.errors
                    controlTopic: syncline.control
                    conflictTopic: syncline.conflicts
                    qualityTopic: syncline.quality
                    alertTopic: syncline.alerts
                    transactionalIdPrefix: syncline-demo
                  target:
                    url: %s
                    username: %s
                    password: %s
                    conflictsTable: syncline_conflicts
                    qualityMetricsTable: quality_metrics
                    alertsTable: syncline_alerts
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
                observability:
                  # Windows of 10 s instead of the standard minute, so that several close while
                  # the demo runs; every source writes a heartbeat each second, so event time
                  # moves on and windows close even when a tenant is quiet.
                  window: {kind: tumbling, size: 10s}
                  # Longer than validation.maxParentWait: a contract rejected after waiting for its
                  # customer still counts in the window of its commit.
                  maxDelay: 6s
                  heartbeat: {interval: 1s}
                  # Latency target 30 s: the initial snapshot's rows take the job's start as their
                  # commit time and reach the targets several seconds later, which the real-time
                  # class (5 s) would count as late; streamed changes take a second or two.
                  defaultSyncClass: near-real-time
                  # One delivered change in ten is read back from the target 3 s after its commit
                  # and compared column by column: the consistency share.
                  readBack: {sampleRate: 0.1, delay: 3s}
                  # The standard thresholds; the workload's invalid rows push accuracy below 99 %%.
                  thresholds:
                    completeness: 0.95
                    accuracy: 0.99
                    consistency: 0.98
                    timeliness: 0.95
                  # The Prometheus endpoint is on the demo's --prometheus-port (default 9249).
                # No notifier (Slack, PagerDuty, email, SMS): alerts go to the alerts topic and
                # table only, and the demo's console prints them. A condition fires at most once
                # in 15 minutes, so a tenant whose accuracy keeps dipping raises one alert.
                alerts:
                  rateLimit: 15m
                # Customers' names and e-mail addresses are confidential: they never appear in
                # logs, error records (masked in the text, sealed in the change for replays) or
                # this console. E-mail addresses are also encrypted (AES-256-GCM, a data key per
                # tenant) in the target and on the change topic; the final check decrypts them.
                security:
                  entities:
                    customer:
                      fields:
                        name: confidential
                        email: {class: confidential, encrypt: true}
                  keys:
                    service: pkcs12
                    keyStore: syncline-demo-keys.p12   # created at start; demo only
                    password: demo-only-keystore-password
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
                        moreSources.stripTrailing(),
                        kafka.bootstrapServers(),
                        postgres.jdbcUrl(DemoDatabase.TARGET),
                        postgres.username(),
                        postgres.password());
    }
}
