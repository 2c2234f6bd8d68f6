package io.syncline.operators.observe;

import static org.assertj.core.api.Assertions.assertThat;

import io.syncline.schema.ChangeEvent;
import io.syncline.schema.Observation;
import io.syncline.schema.ObservationOutcome;
import io.syncline.schema.ObservationStage;
import io.syncline.schema.Operation;
import io.syncline.schema.SourceLag;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.metrics.Gauge;
import org.apache.flink.metrics.MetricGroup;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.runtime.jobgraph.OperatorID;
import org.apache.flink.runtime.metrics.groups.InternalOperatorMetricGroup;
import org.apache.flink.runtime.metrics.util.InterceptingOperatorMetricGroup;
import org.apache.flink.runtime.metrics.util.InterceptingTaskMetricGroup;
import org.apache.flink.runtime.operators.testutils.MockEnvironment;
import org.apache.flink.runtime.operators.testutils.MockEnvironmentBuilder;
import org.apache.flink.streaming.api.operators.KeyedProcessOperator;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The source lag monitor in a test harness, driven by processing time. */
class SourceLagMonitorTest {

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

        private Harness(SourceMetrics metrics, MockEnvironment environment) throws Exception {
            super(
                    new KeyedProcessOperator<>(
                            new SourceLagMonitor(HEARTBEAT_INTERVAL, CHECK_INTERVAL)),
                    Observation::getSourceId,
                    Types.STRING,
                    environment);
            this.metrics = metrics;
            this.environment = environment;
            // State restored through a Kryo fallback would not survive a change of its classes.
            getExecutionConfig().disableGenericTypes();
        }

        static Harness create() throws Exception {
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
            return new Harness(metrics, environment);
        }

        /** A heartbeat of {@code sourceId} committed at T0 + commit, seen at T0 + observed. */
        void heartbeat(String sourceId, long commit, long observed) throws Exception {
            processElement(
                    Observations.heartbeat(
                            sourceId, Instant.ofEpochMilli(T0 + commit), T0 + observed),
                    T0 + commit);
        }

        /** Advances processing time to T0 + {@code millis}, firing the checks due. */
        void at(long millis) throws Exception {
            setProcessingTime(T0 + millis);
        }

        @SuppressWarnings("unchecked")
        long gauge(String sourceId) {
            return ((Gauge<Long>) metrics.bySource.get(sourceId).get("sourceLagMillis")).getValue();
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
        Harness harness = Harness.create();
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
