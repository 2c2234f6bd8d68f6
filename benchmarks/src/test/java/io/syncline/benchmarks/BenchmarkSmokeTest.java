package io.syncline.benchmarks;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * Runs the whole benchmark harness at smoke-test size (tiny loads, a few seconds per measurement)
 * against embedded PostgreSQL and Kafka, so that it cannot rot: the JSON must hold every ratio and
 * every throughput must be above zero. It asserts no timings; the numbers of a run this small mean
 * nothing.
 */
class BenchmarkSmokeTest {

    @TempDir Path out;

    @Test
    void quickRunReportsEveryRatioWithNonZeroThroughputs() throws Exception {
        BenchmarkRunner runner = new BenchmarkRunner(System.out);

        int exitCode = new CommandLine(runner).execute("--quick", "--out", out.toString());

        assertThat(exitCode).isZero();
        assertThat(runner.resultFile()).exists().hasParent(out);
        JsonNode results = new ObjectMapper().readTree(runner.resultFile().toFile());
        for (String id : Results.RATIO_IDS) {
            JsonNode ratio = results.path("ratios").path(id);
            assertThat(ratio.path("value").isNumber()).as("%s has a value", id).isTrue();
            assertThat(ratio.path("numerator").path("value").asDouble())
                    .as("%s numerator", id)
                    .isGreaterThanOrEqualTo(0);
            assertThat(ratio.path("denominator").path("value").asDouble())
                    .as("%s denominator", id)
                    .isGreaterThanOrEqualTo(0);
        }
        for (String id :
                new String[] {
                    "R1", "R2", "R3", "R4", "R7", "R8", "R11", "R12", "R13", "R14", "R15", "R16",
                    "R17", "R18", "R19"
                }) {
            JsonNode ratio = results.path("ratios").path(id);
            assertThat(ratio.path("numerator").path("value").asDouble())
                    .as("%s Syncline throughput", id)
                    .isPositive();
            assertThat(ratio.path("denominator").path("value").asDouble())
                    .as("%s baseline throughput", id)
                    .isPositive();
        }
        assertThat(results.at("/ratios/R5/numerator/value").asDouble())
                .as("p99 latency")
                .isPositive();
        JsonNode drains = results.at("/measurements/drains");
        for (JobVariant variant : JobVariant.values()) {
            JsonNode drain = drains.path(variant.name());
            assertThat(drain.path("complete").asBoolean())
                    .as("%s drained the whole backlog", variant)
                    .isTrue();
            assertThat(drain.path("changes").asLong())
                    .isEqualTo(results.at("/measurements/backlogChanges").asLong());
        }
        assertEncryptedWhatTheyDrained(results);
        assertThat(results.at("/measurements/eventTopics/no_observability/records").asLong())
                .as("changes in the event store of the job that has one")
                .isGreaterThanOrEqualTo(results.at("/measurements/backlogChanges").asLong());
        assertThat(results.at("/measurements/eventTopics/no_observability/bytes").asLong())
                .isPositive();
        assertThat(results.at("/measurements/eventTopics/no_event_store/records").isNumber())
                .isTrue();
        assertThat(results.at("/measurements/eventTopics/no_event_store/records").asLong())
                .as("changes in the event store of the job without one")
                .isZero();
        JsonNode latencyRun = results.at("/measurements/latencyRun");
        assertThat(latencyRun.path("deliveredRate").asDouble()).isPositive();
        assertThat(latencyRun.path("sinceCommit").path("count").asLong()).isPositive();
        assertThat(results.path("cpuCores").path("full pipeline, latency run").size())
                .as("CPU per component")
                .isPositive();
    }

    @Test
    void onlyProtectReportsTheEncryptionRatiosAlone() throws Exception {
        BenchmarkRunner runner = new BenchmarkRunner(System.out);

        int exitCode =
                new CommandLine(runner)
                        .execute("--only", "protect", "--quick", "--out", out.toString());

        assertThat(exitCode).isZero();
        assertThat(runner.resultFile().getFileName().toString()).endsWith("-protect-quick.json");
        JsonNode results = new ObjectMapper().readTree(runner.resultFile().toFile());
        assertThat(results.path("ratios").fieldNames()).toIterable().containsExactly("R17", "R18");
        for (String id : new String[] {"R17", "R18"}) {
            assertThat(results.at("/ratios/" + id + "/numerator/value").asDouble())
                    .as("%s encrypting drain", id)
                    .isPositive();
            assertThat(results.at("/ratios/" + id + "/denominator/value").asDouble())
                    .as("%s drain without encryption", id)
                    .isPositive();
        }
        JsonNode drains = results.at("/measurements/drains");
        assertThat(drains.fieldNames())
                .toIterable()
                .containsExactly("WARM_UP", "NO_OBSERVABILITY", "FIELD_ENCRYPTION", "SUBJECT_KEYS");
        for (JsonNode drain : drains) {
            assertThat(drain.path("complete").asBoolean()).isTrue();
            assertThat(drain.path("changes").asLong())
                    .isEqualTo(results.at("/measurements/backlogChanges").asLong());
        }
        assertEncryptedWhatTheyDrained(results);
    }

    /**
     * Each encrypting variant made one data key per tenant (and keys per subject where it has
     * them), and every live row it wrote holds ciphertext in both encrypted fields.
     */
    private static void assertEncryptedWhatTheyDrained(JsonNode results) {
        JsonNode targets = results.at("/measurements/encryptedTargets");
        for (JobVariant variant :
                new JobVariant[] {JobVariant.FIELD_ENCRYPTION, JobVariant.SUBJECT_KEYS}) {
            JsonNode target = targets.path(variant.id());
            assertThat(target.path("liveRows").asLong()).as("%s live rows", variant).isPositive();
            assertThat(target.path("encryptedRows").asLong())
                    .as("%s rows with both fields encrypted", variant)
                    .isEqualTo(target.path("liveRows").asLong());
            assertThat(target.at("/dataKeys/tenant").asLong())
                    .isEqualTo(WorkloadSchema.TENANTS.size());
        }
        assertThat(targets.at("/encrypt_fields/dataKeys/subject").isMissingNode()).isTrue();
        assertThat(targets.at("/subject_keys/dataKeys/subject").asLong()).isPositive();
    }

    @Test
    void onlyReconcileReportsTheReconcileRatiosAlone() throws Exception {
        BenchmarkRunner runner = new BenchmarkRunner(System.out);

        int exitCode =
                new CommandLine(runner)
                        .execute("--only", "reconcile", "--quick", "--out", out.toString());

        assertThat(exitCode).isZero();
        JsonNode results = new ObjectMapper().readTree(runner.resultFile().toFile());
        assertThat(results.path("ratios").size()).isEqualTo(2);
        for (String id : new String[] {"R14", "R15"}) {
            assertThat(results.at("/ratios/" + id + "/numerator/value").asDouble())
                    .as("%s reconcile rate", id)
                    .isPositive();
            assertThat(results.at("/ratios/" + id + "/denominator/value").asDouble())
                    .as("%s plain read rate", id)
                    .isPositive();
        }
        JsonNode reconcile = results.at("/measurements/reconcile");
        assertThat(reconcile.path("rows").asLong()).isEqualTo(10_000);
        assertThat(reconcile.path("differencesFound").asLong())
                .isEqualTo(reconcile.path("driftedRows").asLong())
                .isPositive();
    }
}
