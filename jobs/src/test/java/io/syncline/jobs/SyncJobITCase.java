package io.syncline.jobs;

import static org.assertj.core.api.Assertions.assertThat;

import io.syncline.embedded.KafkaExtension;
import io.syncline.embedded.PostgresExtension;
import io.syncline.schema.ChangeEvent;
import io.syncline.schema.ErrorRecord;
import io.syncline.schema.Operation;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.apache.flink.api.common.JobStatus;
import org.apache.flink.runtime.executiongraph.AccessExecutionGraph;
import org.apache.flink.runtime.minicluster.MiniCluster;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.test.junit5.InjectMiniCluster;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The sync job end to end at parallelism 2 on a MiniCluster, against real PostgreSQL (logical
 * replication) and a real Kafka broker: snapshot, then streamed changes across tenants; every
 * change once and in order in the change topic, target equal to source, rejects in the error topic;
 * and the same after a crash and restart from a checkpoint.
 */
class SyncJobITCase {

    private static final Duration TIMEOUT = Duration.ofMinutes(2);

    @RegisterExtension static final PostgresExtension POSTGRES = new PostgresExtension();

    @RegisterExtension static final KafkaExtension KAFKA = new KafkaExtension();

    @RegisterExtension
    static final MiniClusterExtension FLINK =
            new MiniClusterExtension(
                    new MiniClusterResourceConfiguration.Builder()
                            .setNumberTaskManagers(1)
                            .setNumberSlotsPerTaskManager(2)
                            .build());

    @TempDir Path dir;

    @Test
    void snapshotThenStreamReachTopicOnceInOrderAndTargetEqualsSource() throws Exception {
        try (SyncScenario scenario =
                new SyncScenario("happy", POSTGRES.server(), KAFKA.server(), dir)) {
            scenario.seed(5);
            scenario.start();
            scenario.awaitTargetEqualsSource(TIMEOUT);

            scenario.writeChanges(120);
            scenario.insertCustomerWithoutTenant();
            scenario.insertCustomerOfUnknownTenant();
            scenario.insertSiteWithPoint();
            scenario.awaitTargetEqualsSource(TIMEOUT);

            List<ChangeEvent> changes = scenario.readChanges(TIMEOUT);
            scenario.assertExactlyOnceInOrder(changes);
            assertThat(changes)
                    .filteredOn(change -> change.getOp() == Operation.READ)
                    .isNotEmpty()
                    .allSatisfy(
                            read -> {
                                assertThat(read.getVersion())
                                        .as("version of %s", read)
                                        .isPositive();
                                assertThat(read.getSourceCommitTime())
                                        .isAfter(Instant.parse("2026-01-01T00:00:00Z"));
                            });

            List<ErrorRecord> errors = scenario.readErrors(TIMEOUT);
            assertThat(errors)
                    .extracting(ErrorRecord::getCode)
                    .containsExactlyInAnyOrderElementsOf(scenario.expectedErrorCodes());
            assertThat(errors)
                    .filteredOn(e -> e.getCode().equals("UNSUPPORTED_TYPE"))
                    .singleElement()
                    .satisfies(
                            e -> {
                                assertThat(e.getMessage()).contains("'position'");
                                assertThat(e.getKey()).isEqualTo("acme/site/1");
                            });
            assertThat(errors)
                    .filteredOn(e -> e.getCode().equals("TENANT_MISSING"))
                    .singleElement()
                    .satisfies(
                            e -> {
                                assertThat(e.getMessage()).contains("tenant_id");
                                assertThat(e.getEntityType()).isEqualTo("customer");
                                assertThat(e.getPayload()).isNotBlank();
                            });
        }
    }

    @Test
    void crashMidStreamRestartsFromCheckpointWithoutLossOrDuplicates(
            @InjectMiniCluster MiniCluster cluster) throws Exception {
        try (SyncScenario scenario =
                new SyncScenario("crash", POSTGRES.server(), KAFKA.server(), dir)) {
            scenario.seed(5);
            scenario.start();
            scenario.awaitTargetEqualsSource(TIMEOUT);
            scenario.writeChanges(60);
            // Committed in Kafka means a checkpoint completed after these changes.
            assertThat(scenario.readChanges(TIMEOUT)).hasSize(scenario.expectedChangeCount());

            scenario.writeChanges(60);
            cluster.terminateTaskManager(0).get();
            scenario.writeChanges(60);
            cluster.startTaskManager();
            scenario.writeChanges(60);
            scenario.insertCustomerWithoutTenant();

            scenario.awaitTargetEqualsSource(TIMEOUT);
            scenario.assertExactlyOnceInOrder(scenario.readChanges(TIMEOUT));
            assertThat(scenario.readErrors(TIMEOUT))
                    .extracting(ErrorRecord::getCode)
                    .containsExactly("TENANT_MISSING");

            AccessExecutionGraph graph = cluster.getExecutionGraph(scenario.job().getJobID()).get();
            assertThat(graph.getStatusTimestamp(JobStatus.RESTARTING))
                    .as("the job restarted after the task manager died")
                    .isPositive();
            assertThat(graph.getCheckpointStatsSnapshot().getLatestRestoredCheckpoint())
                    .as("the job restored its state from a checkpoint")
                    .isNotNull();
        }
    }
}
