package io.syncline.operators.quality.readback;

import static io.syncline.operators.quality.readback.Orders.COMMITTED;
import static io.syncline.operators.quality.readback.Orders.TABLE;
import static io.syncline.operators.quality.readback.Orders.committedAt;
import static io.syncline.operators.quality.readback.Orders.create;
import static io.syncline.operators.quality.readback.Orders.order;
import static io.syncline.operators.quality.readback.Orders.update;
import static org.assertj.core.api.Assertions.assertThat;

import io.syncline.embedded.PostgresExtension;
import io.syncline.schema.ChangeEvent;
import io.syncline.schema.Observation;
import io.syncline.schema.ObservationOutcome;
import io.syncline.schema.ObservationStage;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.metrics.Counter;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.runtime.jobgraph.OperatorID;
import org.apache.flink.runtime.metrics.groups.InternalOperatorMetricGroup;
import org.apache.flink.runtime.metrics.util.InterceptingOperatorMetricGroup;
import org.apache.flink.runtime.metrics.util.InterceptingTaskMetricGroup;
import org.apache.flink.runtime.operators.testutils.MockEnvironment;
import org.apache.flink.runtime.operators.testutils.MockEnvironmentBuilder;
import org.apache.flink.streaming.api.operators.KeyedProcessOperator;
import org.apache.flink.streaming.api.watermark.Watermark;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The read-back stage in a test harness, reading from a real PostgreSQL. */
class ReadBackFunctionTest {

    @RegisterExtension static final PostgresExtension POSTGRES = new PostgresExtension();

    private static final String DATABASE = "read_back_function";
    private static final Duration DELAY = Duration.ofSeconds(5);

    /** Commit time 10:30:45.123 plus 5 s, rounded up to the second. */
    private static final long DUE = Instant.parse("2024-01-15T10:30:51Z").toEpochMilli();

    private static final long NOW = Instant.parse("2024-01-15T10:31:00Z").toEpochMilli();

    private final List<Harness> harnesses = new ArrayList<>();
    private Connection connection;

    /** The read-back operator, with its counters. */
    private static final class Harness
            extends KeyedOneInputStreamOperatorTestHarness<String, ChangeEvent, Observation> {

        private final InterceptingOperatorMetricGroup metrics;
        private final MockEnvironment environment;

        private Harness(
                ReadBackFunction function,
                InterceptingOperatorMetricGroup metrics,
                MockEnvironment environment)
                throws Exception {
            super(
                    new KeyedProcessOperator<>(function),
                    new ReadBackKeys(),
                    Types.STRING,
                    environment);
            this.metrics = metrics;
            this.environment = environment;
            // State restored through a Kryo fallback would not survive a change of its classes.
            getExecutionConfig().disableGenericTypes();
        }

        static Harness of(ReadBackFunction function) throws Exception {
            InterceptingOperatorMetricGroup metrics = new InterceptingOperatorMetricGroup();
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
            return new Harness(function, metrics, environment);
        }

        void sample(ChangeEvent change) throws Exception {
            processElement(change, change.getSourceCommitTime().toEpochMilli());
        }

        long count(String counter) {
            return ((Counter) metrics.get(counter)).getCount();
        }

        List<Long> counts() {
            return List.of(
                    count("readBackAgreed"),
                    count("readBackDiverged"),
                    count("readBackSuperseded"),
                    count("readBackFailed"),
                    count("readBackSkipped"));
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

    @BeforeEach
    void freshTable() throws SQLException {
        Orders.freshTable(POSTGRES, DATABASE);
        connection = POSTGRES.connect(DATABASE);
    }

    @AfterEach
    void close() throws Exception {
        for (Harness harness : harnesses) {
            harness.close();
        }
        connection.close();
    }

    private static ReadBackSettings settings(String url, int maxPending) {
        return new ReadBackSettings(
                url, POSTGRES.username(), POSTGRES.password(), 1.0, DELAY, maxPending);
    }

    private Harness open(ReadBackSettings settings) throws Exception {
        return restore(settings, null);
    }

    private Harness restore(ReadBackSettings settings, OperatorSubtaskState snapshot)
            throws Exception {
        Harness harness = Harness.of(new ReadBackFunction(settings, Map.of(Orders.ORDER, TABLE)));
        harnesses.add(harness);
        if (snapshot == null) {
            harness.initializeEmptyState();
        } else {
            harness.initializeState(snapshot);
        }
        harness.open();
        harness.setProcessingTime(NOW);
        return harness;
    }

    private Harness open() throws Exception {
        return open(settings(POSTGRES.jdbcUrl(DATABASE), 100));
    }

    private static Observation observed(ChangeEvent sample, ObservationOutcome outcome) {
        return Observation.newBuilder()
                .setTenant(Orders.TENANT)
                .setEntityType(Orders.ORDER)
                .setStage(ObservationStage.READ_BACK)
                .setOutcome(outcome)
                .setSourceId("shop-db")
                .setErrorCode(
                        outcome == ObservationOutcome.DIVERGED
                                ? ReadBackFunction.DIVERGED_ERROR_CODE
                                : null)
                .setSourceCommitTime(sample.getSourceCommitTime())
                .setObservedTime(Instant.ofEpochMilli(NOW))
                .build();
    }

    /** Writes three orders: one as sampled, one edited since, one updated since. */
    private List<ChangeEvent> writeAgreedDivergedSuperseded() throws SQLException {
        ChangeEvent agrees = create(1L, 100L, order("Ann", "1.00"));
        ChangeEvent diverges = create(2L, 100L, order("Bob", "2.00"));
        ChangeEvent superseded = create(3L, 100L, order("Cid", "3.00"));
        Orders.write(
                connection, agrees, diverges, superseded, update(3L, 200L, order("Cy", "3.00")));
        POSTGRES.execute(DATABASE, "UPDATE orders SET amount = 2.01 WHERE id = 2");
        return List.of(agrees, diverges, superseded);
    }

    @Test
    void samplesAreReadBackOnceTheWatermarkPassesCommitTimePlusDelay() throws Exception {
        List<ChangeEvent> samples = writeAgreedDivergedSuperseded();
        Harness harness = open();

        for (ChangeEvent sample : samples) {
            harness.sample(sample);
        }
        assertThat(harness.numEventTimeTimers()).isEqualTo(1);
        harness.processWatermark(new Watermark(DUE - 1));
        assertThat(harness.extractOutputValues()).isEmpty();
        harness.processWatermark(new Watermark(DUE));

        assertThat(harness.extractOutputValues())
                .containsExactly(
                        observed(samples.get(0), ObservationOutcome.AGREED),
                        observed(samples.get(1), ObservationOutcome.DIVERGED));
        assertThat(harness.extractOutputStreamRecords())
                .extracting(StreamRecord::getTimestamp)
                .containsExactly(DUE, DUE);
        assertThat(harness.counts()).containsExactly(1L, 1L, 1L, 0L, 0L);
        assertThat(harness.numEventTimeTimers()).isZero();
        assertThat(harness.numKeyedStateEntries()).isZero();
    }

    @Test
    void samplesOfDifferentSecondsAreReadBackAtTheirOwnTime() throws Exception {
        ChangeEvent first = create(1L, 100L, order("Ann", "1.00"));
        // Due at exactly 10:30:51.000, so not rounded up any further.
        ChangeEvent onTheSecond =
                committedAt(
                        create(2L, 100L, order("Bob", "2.00")),
                        Instant.parse("2024-01-15T10:30:46Z"));
        ChangeEvent later =
                committedAt(
                        create(3L, 100L, order("Cid", "3.00")),
                        Instant.parse("2024-01-15T10:30:46.001Z"));
        Orders.write(connection, first, onTheSecond, later);
        Harness harness = open();

        harness.sample(later);
        harness.sample(first);
        harness.sample(onTheSecond);
        assertThat(harness.numEventTimeTimers()).isEqualTo(2);
        harness.processWatermark(new Watermark(DUE));
        assertThat(harness.extractOutputValues())
                .containsExactlyInAnyOrder(
                        observed(first, ObservationOutcome.AGREED),
                        observed(onTheSecond, ObservationOutcome.AGREED));
        harness.processWatermark(new Watermark(DUE + 999));
        assertThat(harness.extractOutputValues()).hasSize(2);
        harness.processWatermark(new Watermark(DUE + 1_000));

        assertThat(harness.extractOutputValues())
                .hasSize(3)
                .endsWith(observed(later, ObservationOutcome.AGREED));
        assertThat(harness.counts()).containsExactly(3L, 0L, 0L, 0L, 0L);
    }

    @Test
    void samplesOverMaxPendingInOneKeyAreSkipped() throws Exception {
        List<ChangeEvent> samples = writeAgreedDivergedSuperseded();
        Harness harness = open(settings(POSTGRES.jdbcUrl(DATABASE), 2));

        for (ChangeEvent sample : samples) {
            harness.sample(sample);
        }
        harness.processWatermark(new Watermark(DUE));

        assertThat(harness.extractOutputValues())
                .containsExactly(
                        observed(samples.get(0), ObservationOutcome.AGREED),
                        observed(samples.get(1), ObservationOutcome.DIVERGED));
        assertThat(harness.counts()).containsExactly(1L, 1L, 0L, 0L, 1L);

        // Read back, they make room again.
        harness.sample(committedAt(samples.get(2), COMMITTED.plusSeconds(10)));
        harness.processWatermark(new Watermark(DUE + 10_000));
        assertThat(harness.counts()).containsExactly(1L, 1L, 1L, 0L, 1L);
    }

    @Test
    void pendingSamplesSurviveARestore() throws Exception {
        List<ChangeEvent> samples = writeAgreedDivergedSuperseded();
        Harness before = open();
        for (ChangeEvent sample : samples) {
            before.sample(sample);
        }
        OperatorSubtaskState snapshot = before.snapshot(1L, NOW);

        Harness after = restore(settings(POSTGRES.jdbcUrl(DATABASE), 100), snapshot);
        after.processWatermark(new Watermark(DUE));

        assertThat(after.extractOutputValues())
                .containsExactly(
                        observed(samples.get(0), ObservationOutcome.AGREED),
                        observed(samples.get(1), ObservationOutcome.DIVERGED));
    }

    @Test
    void changesOfEntityTypesWithoutTargetTableAreNotHeld() throws Exception {
        Harness harness = open();

        harness.sample(Orders.ofType(create(1L, 100L, order("Ann", "1.00")), "invoice"));

        assertThat(harness.numEventTimeTimers()).isZero();
        assertThat(harness.numKeyedStateEntries()).isZero();
    }

    @Test
    void anUnreachableDatabaseEmitsNothingCountsFailuresAndKeepsRunning() throws Exception {
        String unreachable =
                "jdbc:postgresql://localhost:" + TargetReadBackTest.closedPort() + "/" + DATABASE;
        Harness harness = open(settings(unreachable, 100));
        List<ChangeEvent> samples = writeAgreedDivergedSuperseded();

        for (ChangeEvent sample : samples) {
            harness.sample(sample);
        }
        harness.processWatermark(new Watermark(DUE));

        assertThat(harness.extractOutputValues()).isEmpty();
        assertThat(harness.counts()).containsExactly(0L, 0L, 0L, 3L, 0L);
        assertThat(harness.numKeyedStateEntries()).isZero();

        // Samples due while the database is still out of reach are dropped the same way.
        harness.sample(committedAt(samples.get(0), COMMITTED.plusSeconds(1)));
        harness.processWatermark(new Watermark(DUE + 1_000));
        assertThat(harness.extractOutputValues()).isEmpty();
        assertThat(harness.counts()).containsExactly(0L, 0L, 0L, 4L, 0L);
    }

    @Test
    void aFailedQueryDropsItsSamplesWithoutPausingLaterReadBacks() throws Exception {
        List<ChangeEvent> samples = writeAgreedDivergedSuperseded();
        Harness harness = open();
        harness.sample(samples.get(0));
        POSTGRES.execute(DATABASE, "DROP TABLE " + TABLE.qualifiedName());

        harness.processWatermark(new Watermark(DUE));
        assertThat(harness.extractOutputValues()).isEmpty();
        assertThat(harness.counts()).containsExactly(0L, 0L, 0L, 1L, 0L);

        // The database itself answered, so the next due samples are read back at once.
        Orders.freshTable(POSTGRES, DATABASE);
        ChangeEvent later = committedAt(samples.get(0), COMMITTED.plusSeconds(1));
        Orders.write(connection, later);
        harness.sample(later);
        harness.processWatermark(new Watermark(DUE + 1_000));
        assertThat(harness.extractOutputValues())
                .containsExactly(observed(later, ObservationOutcome.AGREED));
        assertThat(harness.counts()).containsExactly(1L, 0L, 0L, 1L, 0L);
    }
}
