package io.syncline.operators.observe;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;

import io.syncline.embedded.PostgresExtension;
import io.syncline.schema.ChangeEvent;
import io.syncline.schema.Observation;
import io.syncline.schema.ObservationOutcome;
import io.syncline.schema.ObservationStage;
import io.syncline.schema.Operation;
import io.syncline.schema.SourceLag;
import java.io.IOException;
import java.net.ServerSocket;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.Gauge;
import org.apache.flink.metrics.MetricGroup;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.runtime.execution.SuppressRestartsException;
import org.apache.flink.runtime.jobgraph.OperatorID;
import org.apache.flink.runtime.metrics.groups.InternalOperatorMetricGroup;
import org.apache.flink.runtime.metrics.util.InterceptingOperatorMetricGroup;
import org.apache.flink.runtime.metrics.util.InterceptingTaskMetricGroup;
import org.apache.flink.runtime.operators.testutils.MockEnvironment;
import org.apache.flink.runtime.operators.testutils.MockEnvironmentBuilder;
import org.apache.flink.streaming.api.operators.KeyedProcessOperator;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.apache.flink.util.ExceptionUtils;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The source lag monitor in a test harness, driven by processing time; the replication slots it
 * reads are in a real PostgreSQL.
 */
class SourceLagMonitorTest {

    private static final String DATABASE = "lag_monitor";

    @RegisterExtension static final PostgresExtension POSTGRES = new PostgresExtension();

    @BeforeAll
    static void createDatabase() {
        POSTGRES.createDatabase(DATABASE);
    }

    private static final Duration HEARTBEAT_INTERVAL = Duration.ofSeconds(10);
    private static final Duration CHECK_INTERVAL = Duration.ofSeconds(5);

    /** Processing time when the test starts. */
    private static final long T0 = Instant.parse("2024-05-01T10:00:00Z").toEpochMilli();

    private final List<Harness> harnesses = new ArrayList<>();

    /** The operator's metrics, with a group of its own per source. */
    private static final class SourceMetrics extends InterceptingOperatorMetricGroup {

        private final Map<String, InterceptingOperatorMetricGroup> bySource = new HashMap<>();

        @Override
        public MetricGroup addGroup(String key, String value) {
            if (!key.equals("source")) {
                return super.addGroup(key, value);
            }
            return bySource.computeIfAbsent(value, source -> new InterceptingOperatorMetricGroup());
        }
    }

    /** The monitor keyed by source id, with its metrics. */
    private static final class Harness
            extends KeyedOneInputStreamOperatorTestHarness<String, Observation, SourceLag> {

        private final SourceMetrics metrics;
        private final MockEnvironment environment;

        private Harness(
                SourceMetrics metrics,
                MockEnvironment environment,
                Map<String, ReplicationSlotProbe.Slot> slots)
                throws Exception {
            super(
                    new KeyedProcessOperator<>(
                            new SourceLagMonitor(HEARTBEAT_INTERVAL, CHECK_INTERVAL, slots)),
                    Observation::getSourceId,
                    Types.STRING,
                    environment);
            this.metrics = metrics;
            this.environment = environment;
            // State restored through a Kryo fallback would not survive a change of its classes.
            getExecutionConfig().disableGenericTypes();
        }

        static Harness create(Map<String, ReplicationSlotProbe.Slot> slots) throws Exception {
            SourceMetrics metrics = new SourceMetrics();
            MockEnvironment environment =
                    new MockEnvironmentBuilder()
                            .setMetricGroup(
                                    new InterceptingTaskMetricGroup() {
                                        @Override
                                        public InternalOperatorMetricGroup getOrAddOperator(
                                                OperatorID operatorId, String name) {
                                            return metrics;
                                        }
                                    })
                            .build();
            return new Harness(metrics, environment, slots);
        }

        /** A heartbeat of {@code sourceId} committed at T0 + commit, seen at T0 + observed. */
        void heartbeat(String sourceId, long commit, long observed) throws Exception {
            processElement(
                    Observations.heartbeat(
                            sourceId, Instant.ofEpochMilli(T0 + commit), null, T0 + observed),
                    T0 + commit);
        }

        /** Heartbeat number {@code sequence} of {@code sourceId}, committed and seen at T0 + at. */
        void beat(String sourceId, long sequence, long at) throws Exception {
            processElement(
                    Observations.heartbeat(
                            sourceId, Instant.ofEpochMilli(T0 + at), sequence, T0 + at),
                    T0 + at);
        }

        /** Advances processing time to T0 + {@code millis}, firing the checks due. */
        void at(long millis) throws Exception {
            setProcessingTime(T0 + millis);
        }

        long gauge(String sourceId) {
            return gauge(sourceId, "sourceLagMillis");
        }

        @SuppressWarnings("unchecked")
        long gauge(String sourceId, String name) {
            return ((Gauge<Long>) metrics.bySource.get(sourceId).get(name)).getValue();
        }

        long counter(String name) {
            return ((Counter) metrics.get(name)).getCount();
        }

        @Override
        public void close() throws Exception {
            try {
                super.close();
            } finally {
                environment.close();
            }
        }
    }

    private Harness open(OperatorSubtaskState snapshot) throws Exception {
        return open(snapshot, Map.of());
    }

    private Harness open(
            OperatorSubtaskState snapshot, Map<String, ReplicationSlotProbe.Slot> slots)
            throws Exception {
        Harness harness = Harness.create(slots);
        harnesses.add(harness);
        if (snapshot == null) {
            harness.initializeEmptyState();
        } else {
            harness.initializeState(snapshot);
        }
        harness.open();
        harness.at(0);
        return harness;
    }

    @AfterEach
    void closeHarnesses() throws Exception {
        for (Harness harness : harnesses) {
            harness.close();
        }
    }

    private static SourceLag lag(String sourceId, long lagMillis, long heartbeat, long time) {
        return SourceLag.newBuilder()
                .setSourceId(sourceId)
                .setLagMillis(lagMillis)
                .setLastHeartbeat(Instant.ofEpochMilli(T0 + heartbeat))
                .setTime(Instant.ofEpochMilli(T0 + time))
                .build();
    }

    @Test
    void theLagIsReportedAtEveryCheckRisingWhileNoHeartbeatComesAndFallingAfterOne()
            throws Exception {
        Harness harness = open(null);
        // Committed 300 ms before T0 and seen 200 ms after its commit.
        harness.heartbeat("crm", -300, -100);

        harness.at(4_999);
        assertThat(harness.extractOutputValues()).isEmpty();

        harness.at(5_000);
        assertThat(harness.extractOutputValues()).containsExactly(lag("crm", 200, -300, 5_000));
        assertThat(harness.gauge("crm")).isEqualTo(200);

        harness.at(10_000);
        harness.at(15_000);
        harness.at(20_000);
        assertThat(harness.extractOutputValues())
                .extracting(SourceLag::getLagMillis)
                .containsExactly(200L, 300L, 5_300L, 10_300L);
        assertThat(harness.gauge("crm")).isEqualTo(10_300);

        // The source catches up: a heartbeat committed at 19.8 s, seen 150 ms later.
        harness.heartbeat("crm", 19_800, 19_950);
        harness.at(25_000);
        harness.at(30_000);
        harness.at(35_000);

        assertThat(harness.extractOutputValues())
                .containsExactly(
                        lag("crm", 200, -300, 5_000),
                        lag("crm", 300, -300, 10_000),
                        lag("crm", 5_300, -300, 15_000),
                        lag("crm", 10_300, -300, 20_000),
                        lag("crm", 150, 19_800, 25_000),
                        lag("crm", 200, 19_800, 30_000),
                        lag("crm", 5_200, 19_800, 35_000));
        assertThat(harness.gauge("crm")).isEqualTo(5_200);
        assertThat(harness.numProcessingTimeTimers()).isEqualTo(1);
    }

    @Test
    void eachSourceHasItsOwnLagAndGauge() throws Exception {
        Harness harness = open(null);
        harness.heartbeat("crm", -100, 0);
        harness.at(2_000);
        harness.heartbeat("billing", -8_000, 2_000);

        harness.at(5_000);
        harness.at(7_000);

        assertThat(harness.extractOutputValues())
                .containsExactly(
                        lag("crm", 100, -100, 5_000), lag("billing", 10_000, -8_000, 7_000));
        assertThat(harness.gauge("crm")).isEqualTo(100);
        assertThat(harness.gauge("billing")).isEqualTo(10_000);
    }

    @Test
    void anOlderHeartbeatArrivingLateChangesNothing() throws Exception {
        Harness harness = open(null);
        harness.heartbeat("crm", -100, 0);
        // An older beat, delayed by 30 s on its way: the newest one seen still counts.
        harness.heartbeat("crm", -30_000, 0);

        harness.at(5_000);

        assertThat(harness.extractOutputValues()).containsExactly(lag("crm", 100, -100, 5_000));
    }

    @Test
    void withoutHeartbeatsNothingIsReported() throws Exception {
        Harness harness = open(null);
        harness.processElement(delivered(), T0);

        harness.at(60_000);

        assertThat(harness.extractOutputValues()).isEmpty();
        assertThat(harness.numProcessingTimeTimers()).isZero();
    }

    @Test
    void afterARestoreTheChecksGoOnFromTheNewestHeartbeat() throws Exception {
        Harness before = open(null);
        before.heartbeat("crm", -300, -100);
        before.at(5_000);
        OperatorSubtaskState snapshot = before.snapshot(1, T0 + 5_000);

        Harness after = open(snapshot);
        after.at(10_000);
        after.at(15_000);

        assertThat(after.extractOutputValues())
                .containsExactly(lag("crm", 300, -300, 10_000), lag("crm", 5_300, -300, 15_000));
        assertThat(after.gauge("crm")).isEqualTo(5_300);
    }

    @Test
    void afterARestoreReplayedHeartbeatsAreIgnoredAndTheNextOnesFollow() throws Exception {
        Harness before = open(null);
        before.beat("crm", 5, -1_000);
        before.beat("crm", 6, -500);
        OperatorSubtaskState snapshot = before.snapshot(1, T0);

        Harness after = open(snapshot);
        // Delivered again around the position the source resumed from.
        after.beat("crm", 5, -1_000);
        after.beat("crm", 6, -500);
        after.beat("crm", 7, 0);
        after.beat("crm", 8, 500);
        assertTwoChecksWithoutLoss(after);
        assertThat(after.gauge("crm", "heartbeatSequence")).isEqualTo(8);
        assertThat(after.counter("heartbeatsMissed")).isZero();
    }

    @Test
    void heartbeatsMissingAfterARestoreRaiseACriticalReadingThenFailTheJobWithoutRestarts()
            throws Exception {
        Harness before = open(null);
        before.beat("crm", 5, -1_000);
        before.beat("crm", 6, -500);
        OperatorSubtaskState snapshot = before.snapshot(1, T0);
        String message =
                "source 'crm': heartbeats 7 to 8 were committed in the source database but never"
                        + " arrived through its replication slot: the slot was dropped and"
                        + " re-created, or lost its WAL, while the job was not reading it. Every"
                        + " change committed between the last position delivered (heartbeat 6,"
                        + " committed at 2024-05-01T09:59:59.500Z) and heartbeat 9 (committed at"
                        + " 2024-05-01T10:00:01Z) was skipped and cannot be read again, so the"
                        + " targets miss it. The job stops and does not restart by itself:"
                        + " re-create the slot and re-snapshot, see"
                        + " docs/runbooks/recreate-slot.md";

        Harness after = open(snapshot);
        after.at(1_000);
        after.beat("crm", 9, 1_000);
        // Later heartbeats neither raise it again nor end the wait early.
        after.beat("crm", 10, 1_500);

        assertThat(after.extractOutputValues())
                .singleElement()
                .satisfies(
                        reading -> {
                            assertThat(reading.getLossCode()).isEqualTo("WAL_GAP");
                            assertThat(reading.getLossMessage()).isEqualTo(message);
                            assertThat(reading.getTime())
                                    .isEqualTo(Instant.ofEpochMilli(T0 + 1_000));
                        });
        long failAt = 1_000 + SourceLagMonitor.ALERT_GRACE.toMillis();
        after.at(failAt - 1);
        assertStopsTheJob(() -> after.at(failAt), message);
    }

    @Test
    void heartbeatsMissingWhileTheJobKeptReadingAreCountedButLoseNothing() throws Exception {
        Harness harness = open(null);
        // A snapshot read has no number; the first numbered heartbeat sets the baseline.
        harness.heartbeat("crm", -300, -100);
        harness.beat("crm", 4_711, 0);
        harness.beat("crm", 4_712, 500);
        // The heartbeat table was left out of the publication for two beats.
        harness.beat("crm", 4_715, 1_000);
        harness.beat("crm", 4_716, 1_500);
        assertTwoChecksWithoutLoss(harness);
        assertThat(harness.counter("heartbeatsMissed")).isEqualTo(2);
        assertThat(harness.gauge("crm", "heartbeatSequence")).isEqualTo(4_716);
    }

    @Test
    void aSlotThatIsGoneFailsTheJobAtTheNextCheck() throws Exception {
        Harness harness = open(null, Map.of("crm", slot("crm", "lag_monitor_gone")));
        harness.beat("crm", 1, 0);

        assertStopsTheJob(
                () -> harness.at(5_000),
                "source 'crm': replication slot 'lag_monitor_gone'"
                        + " does not exist any more in "
                        + POSTGRES.jdbcUrl(DATABASE)
                        + ": it was dropped. Every change"
                        + " committed since the last position"
                        + " the job confirmed is gone from the"
                        + " WAL and cannot be delivered; a new"
                        + " slot would start at the current"
                        + " position and skip them. The job"
                        + " stops and does not restart by"
                        + " itself: re-create the slot and"
                        + " re-snapshot, see"
                        + " docs/runbooks/recreate-slot.md");
        assertThat(harness.extractOutputValues()).isEmpty();
    }

    @Test
    void aHealthySlotPassesAndAnUnreachableDatabaseIsCountedNotTakenForALoss() throws Exception {
        POSTGRES.execute(
                DATABASE,
                "SELECT pg_create_logical_replication_slot('lag_monitor_healthy', 'pgoutput')");
        try {
            ReplicationSlotProbe.Slot unreachable =
                    new ReplicationSlotProbe.Slot(
                            "erp",
                            "jdbc:postgresql://localhost:" + closedPort() + "/erp",
                            POSTGRES.username(),
                            POSTGRES.password(),
                            "lag_monitor_erp");
            Harness harness =
                    open(
                            null,
                            Map.of("crm", slot("crm", "lag_monitor_healthy"), "erp", unreachable));
            harness.beat("crm", 1, 0);
            harness.beat("erp", 1, 0);

            harness.at(5_000);
            harness.at(10_000);

            assertThat(harness.extractOutputValues())
                    .extracting(SourceLag::getSourceId, SourceLag::getLossCode)
                    .containsExactlyInAnyOrder(
                            tuple("crm", null),
                            tuple("erp", null),
                            tuple("crm", null),
                            tuple("erp", null));
            assertThat(harness.counter("slotChecksFailed")).isEqualTo(2);
        } finally {
            POSTGRES.execute(DATABASE, "SELECT pg_drop_replication_slot('lag_monitor_healthy')");
        }
    }

    /** Two checks, each reporting the lag without a loss. */
    private static void assertTwoChecksWithoutLoss(Harness harness) throws Exception {
        harness.at(5_000);
        harness.at(10_000);
        assertThat(harness.extractOutputValues())
                .hasSize(2)
                .allSatisfy(reading -> assertThat(reading.getLossCode()).isNull());
    }

    /** {@code action} fails the job without restarts, for the reason {@code message}. */
    private static void assertStopsTheJob(ThrowingCallable action, String message) {
        assertThatThrownBy(action)
                .satisfies(
                        failure ->
                                assertThat(
                                                ExceptionUtils.findThrowable(
                                                        failure, SuppressRestartsException.class))
                                        .get()
                                        .extracting(Throwable::getCause)
                                        .isInstanceOf(IllegalStateException.class)
                                        .extracting(Throwable::getMessage)
                                        .isEqualTo(message));
    }

    private static ReplicationSlotProbe.Slot slot(String sourceId, String name) {
        return new ReplicationSlotProbe.Slot(
                sourceId,
                POSTGRES.jdbcUrl(DATABASE),
                POSTGRES.username(),
                POSTGRES.password(),
                name);
    }

    /** A local port nothing listens on. */
    private static int closedPort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    private static Observation delivered() {
        ChangeEvent change =
                ChangeEvent.newBuilder()
                        .setEventId("crm/1/acme/customer/1")
                        .setTenant("acme")
                        .setEntityType("customer")
                        .setEntityId("1")
                        .setOp(Operation.CREATE)
                        .setSourceCommitTime(Instant.ofEpochMilli(T0))
                        .setCaptureTime(Instant.ofEpochMilli(T0))
                        .setSourceId("crm")
                        .setSourcePosition("1")
                        .setVersion(1L)
                        .build();
        return Observations.of(
                change, ObservationStage.DELIVER, ObservationOutcome.DELIVERED, T0 + 50);
    }
}
