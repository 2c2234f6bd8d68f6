package io.syncline.jobs.reconcile;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.syncline.embedded.KafkaExtension;
import io.syncline.embedded.PostgresExtension;
import io.syncline.jobs.CliRun;
import io.syncline.jobs.Poll;
import io.syncline.jobs.config.ConfigLoader;
import io.syncline.jobs.faults.SequencedWorkload;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code syncline reconcile --repair} with the sync job running (MiniCluster, parallelism 2, real
 * PostgreSQL and Kafka): drift injected into the target for several tenants is found exactly,
 * repaired through the job's re-sync path, and a reconciliation after the repair, and another one
 * after that, report nothing.
 */
class ReconcileRepairITCase {

    @RegisterExtension static final PostgresExtension POSTGRES = new PostgresExtension();

    @RegisterExtension static final KafkaExtension KAFKA = new KafkaExtension();

    @RegisterExtension
    static final MiniClusterExtension FLINK =
            new MiniClusterExtension(
                    new MiniClusterResourceConfiguration.Builder()
                            .setNumberTaskManagers(1)
                            .setNumberSlotsPerTaskManager(2)
                            .build());

    private static final Logger LOG = LoggerFactory.getLogger(ReconcileRepairITCase.class);
    private static final Duration TIMEOUT = Duration.ofMinutes(2);

    @TempDir Path dir;

    @Test
    void repairRemovesExactlyTheInjectedDriftAndASecondReconcileReportsNone() throws Exception {
        try (SequencedWorkload workload =
                new SequencedWorkload("reconcile_repair", POSTGRES.server(), KAFKA.server())) {
            workload.write(600);
            Path config = dir.resolve("syncline.yaml");
            Files.writeString(
                    config,
                    workload.yaml(
                            dir.resolve("checkpoints"), 2, "observability: {enabled: false}"));
            JobClient job = start(config);
            try {
                workload.awaitTargetEqualsSource(TIMEOUT);
                Set<String> injected = injectDrift(workload);
                Path json = dir.resolve("reconcile.json");

                CliRun repair =
                        CliRun.of(
                                "reconcile",
                                "--config",
                                config.toString(),
                                "--settle",
                                "1s",
                                "--repair",
                                "--repair-timeout",
                                "2m",
                                "--json",
                                json.toString());
                LOG.info("syncline reconcile --repair printed:\n{}{}", repair.out(), repair.err());

                assertThat(repair.exitCode()).as(repair.out() + repair.err()).isZero();
                // precision = recall = 1 before the repair ...
                assertThat(differences(json)).isEqualTo(injected);
                assertThat(repair.out())
                        .contains("published 2 re-sync request(s) for " + injected.size())
                        .contains("reconciling again after the repair");
                // ... and nothing left after it.
                Path afterRepair = dir.resolve("reconcile.after-repair.json");
                assertThat(differences(afterRepair)).isEmpty();
                assertThat(repair.out().substring(repair.out().indexOf("reconciling again")))
                        .contains("no differences");

                CliRun again =
                        CliRun.of(
                                "reconcile",
                                "--config",
                                config.toString(),
                                "--settle",
                                "0",
                                "--json",
                                dir.resolve("again.json").toString());
                assertThat(again.exitCode()).as(again.out() + again.err()).isZero();
                assertThat(differences(dir.resolve("again.json"))).isEmpty();
            } finally {
                Poll.cancel(job);
            }
        }
    }

    /**
     * Deletes rows, keeps one only as a tombstone, changes balances and adds rows the source does
     * not have, for acme and globex; returns the differences as {@link #differences} spells them.
     */
    private static Set<String> injectDrift(SequencedWorkload workload) throws Exception {
        List<List<String>> rows = workload.sourceRows();
        List<String> acme = ids(rows, "acme");
        List<String> globex = ids(rows, "globex");
        POSTGRES.execute(
                workload.targetDb(),
                "DELETE FROM accounts WHERE id IN (" + acme.get(3) + ", " + globex.get(5) + ")",
                "UPDATE accounts SET _syncline_deleted = TRUE WHERE id = " + globex.get(7),
                "UPDATE accounts SET balance = balance + 1 WHERE id IN ("
                        + acme.get(10)
                        + ", "
                        + globex.get(11)
                        + ")",
                "INSERT INTO accounts (id, tenant_id, seq, balance, _syncline_version,"
                        + " _syncline_deleted) VALUES (1000000, 'acme', 1, 1.00, 1, FALSE),"
                        + " (1000001, 'globex', 1, 2.00, 1, FALSE)");
        return Set.of(
                "acme|" + acme.get(3) + "|missing|",
                "globex|" + globex.get(5) + "|missing|",
                "globex|" + globex.get(7) + "|missing|",
                "acme|" + acme.get(10) + "|differing|balance",
                "globex|" + globex.get(11) + "|differing|balance",
                "acme|1000000|extra|",
                "globex|1000001|extra|");
    }

    private static List<String> ids(List<List<String>> rows, String tenant) {
        return rows.stream()
                .filter(row -> row.get(1).equals(tenant))
                .map(row -> row.get(0))
                .toList();
    }

    /** Each difference in a JSON report as {@code tenant|id|kind|columns}. */
    private static Set<String> differences(Path json) throws Exception {
        JsonNode report = new ObjectMapper().readTree(json.toFile());
        Set<String> found = new HashSet<>();
        for (JsonNode entity : report.get("entities")) {
            assertThat(entity.get("entityType").asText()).isEqualTo("account");
            for (JsonNode difference : entity.get("differences")) {
                StringBuilder columns = new StringBuilder();
                difference
                        .get("columns")
                        .forEach(
                                c ->
                                        columns.append(columns.isEmpty() ? "" : ",")
                                                .append(c.asText()));
                found.add(
                        String.join(
                                "|",
                                entity.get("tenant").asText(),
                                difference.get("entityId").asText(),
                                difference.get("kind").asText(),
                                columns));
            }
        }
        return found;
    }

    private static JobClient start(Path file) throws Exception {
        return SequencedWorkload.startSyncJob(ConfigLoader.load(file));
    }
}
