package io.syncline.operators.quality;

import static io.syncline.operators.quality.QualityObservations.delivered;
import static io.syncline.operators.quality.QualityObservations.failed;
import static io.syncline.operators.quality.QualityObservations.seen;
import static io.syncline.operators.quality.QualityObservations.validated;
import static org.assertj.core.api.Assertions.assertThat;

import io.syncline.operators.quality.QualityWindows.Kind;
import io.syncline.operators.quality.QualityWindows.WindowSpec;
import io.syncline.schema.Observation;
import io.syncline.schema.ObservationOutcome;
import io.syncline.schema.ObservationStage;
import io.syncline.schema.QualityAccumulator;
import io.syncline.schema.QualityMetrics;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.flink.api.common.JobID;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.api.java.tuple.Tuple3;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.PipelineOptions;
import org.apache.flink.formats.avro.typeutils.AvroTypeInfo;
import org.apache.flink.metrics.Gauge;
import org.apache.flink.metrics.Metric;
import org.apache.flink.metrics.MetricGroup;
import org.apache.flink.runtime.testutils.InMemoryReporter;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.flink.util.CloseableIterator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Quality windows as a bounded job on a MiniCluster at parallelism 2, with generic types disabled
 * so that a Kryo fallback fails: every window of every tenant's entity type comes out with exact
 * counts, shares and lags, and the gauges show each key's latest window.
 */
class QualityWindowITCase {

    private static final InMemoryReporter REPORTER = InMemoryReporter.createWithRetainedMetrics();

    @RegisterExtension
    static final MiniClusterExtension FLINK =
            new MiniClusterExtension(
                    new MiniClusterResourceConfiguration.Builder()
                            .setNumberTaskManagers(1)
                            .setNumberSlotsPerTaskManager(2)
                            .setConfiguration(REPORTER.addToConfiguration(new Configuration()))
                            .build());

    private static final LatencyTargets TARGETS =
            new LatencyTargets(
                    Map.of("order", LatencyTargets.Target.of(SyncClass.BATCH)),
                    LatencyTargets.Target.of(SyncClass.REAL_TIME));

    /** Observations of acme's customers and orders and globex's customers, in commit order. */
    private static final List<Observation> OBSERVATIONS =
            List.of(
                    validated(
                            "acme",
                            "customer",
                            ObservationOutcome.VALID,
                            4,
                            4,
                            null,
                            at("10:00:05")),
                    validated(
                            "acme",
                            "customer",
                            ObservationOutcome.REJECTED,
                            4,
                            3,
                            "EMAIL_FORMAT",
                            at("10:00:10")),
                    failed("globex", "customer", "MALFORMED_RECORD", at("10:00:12")),
                    validated(
                            "acme",
                            "customer",
                            ObservationOutcome.CORRECTED,
                            4,
                            4,
                            null,
                            at("10:00:15")),
                    delivered("acme", "customer", at("10:00:20"), 1200),
                    resolved("globex", ObservationOutcome.CONFLICT, at("10:00:20")),
                    resolved("globex", ObservationOutcome.PARKED, at("10:00:21")),
                    resolved("globex", ObservationOutcome.STALE, at("10:00:22")),
                    // Over acme's 5 s real-time target.
                    delivered("acme", "customer", at("10:00:25"), 7000),
                    validated(
                            "acme", "order", ObservationOutcome.VALID, 2, 2, null, at("10:00:30")),
                    // Orders are batch: 90 s is on time.
                    delivered("acme", "order", at("10:00:31"), 90_000),
                    readBack("acme", "customer", ObservationOutcome.AGREED, at("10:00:40")),
                    seen(
                            "acme",
                            "order",
                            ObservationStage.RESOLVE,
                            ObservationOutcome.DUPLICATE,
                            at("10:00:50")),
                    readBack("globex", "customer", ObservationOutcome.DIVERGED, at("10:00:50")),
                    validated(
                            "acme",
                            "customer",
                            ObservationOutcome.VALID,
                            4,
                            2,
                            null,
                            at("10:01:10")),
                    delivered("acme", "customer", at("10:01:15"), 300),
                    // After a quiet spell longer than the session gap.
                    validated(
                            "acme",
                            "customer",
                            ObservationOutcome.VALID,
                            4,
                            4,
                            null,
                            at("10:05:00")));

    @Test
    void tumblingWindowsMeasureEachMinuteOfEachKey() throws Exception {
        Run run = run(Kind.TUMBLING);

        assertThat(run.metrics())
                .containsExactlyInAnyOrder(
                        acmeCustomersFirstMinute(
                                        window(
                                                Kind.TUMBLING,
                                                "acme",
                                                "customer",
                                                "10:00:00",
                                                "10:01:00"))
                                .build(),
                        window(Kind.TUMBLING, "acme", "customer", "10:01:00", "10:02:00")
                                .setValidated(1)
                                .setDelivered(1)
                                .setCompleteness(0.5)
                                .setAccuracy(1.0)
                                .setTimeliness(1.0)
                                .setErrorRate(0.0)
                                // The bucket of 300 ms is worth 302 ms; the exact max caps it.
                                .setLagP50Millis(300L)
                                .setLagP95Millis(300L)
                                .setLagP99Millis(300L)
                                .setLagMaxMillis(300L)
                                .build(),
                        acmeCustomersLastChange(
                                window(Kind.TUMBLING, "acme", "customer", "10:05:00", "10:06:00")),
                        acmeOrders(window(Kind.TUMBLING, "acme", "order", "10:00:00", "10:01:00")),
                        globexCustomers(
                                window(
                                        Kind.TUMBLING,
                                        "globex",
                                        "customer",
                                        "10:00:00",
                                        "10:01:00")));

        assertThat(gauges(run.job(), "acme", "customer"))
                .containsExactlyInAnyOrderEntriesOf(
                        gaugeValues(1.0, 1.0, Double.NaN, Double.NaN, 0.0, -1, -1, -1, -1, 1));
        assertThat(gauges(run.job(), "globex", "customer"))
                .containsExactlyInAnyOrderEntriesOf(
                        gaugeValues(
                                Double.NaN, Double.NaN, 0.0, Double.NaN, 1.0, -1, -1, -1, -1, 1));
        assertThat(gauges(run.job(), "acme", "order"))
                .containsExactlyInAnyOrderEntriesOf(
                        gaugeValues(
                                1.0, 1.0, Double.NaN, 1.0, 0.0, 90_000, 90_000, 90_000, 90_000, 1));
    }

    @Test
    void sessionWindowsMergeEveryChangeUntilAGapOfOneMinute() throws Exception {
        Run run = run(Kind.SESSION);

        assertThat(run.metrics())
                .containsExactlyInAnyOrder(
                        window(Kind.SESSION, "acme", "customer", "10:00:05", "10:02:15")
                                .setValidated(4)
                                .setRejected(1)
                                .setCorrected(1)
                                .setDelivered(3)
                                .setReadBackSampled(1)
                                .setCompleteness(13.0 / 16)
                                .setAccuracy(0.75)
                                .setConsistency(1.0)
                                .setTimeliness(2.0 / 3)
                                // No failures: the rejection counts against accuracy.
                                .setErrorRate(0.0)
                                // The 2nd of 300, 1200 and 7000 ms; 7000 ms is in the bucket
                                // worth 6976 ms.
                                .setLagP50Millis(1200L)
                                .setLagP95Millis(6976L)
                                .setLagP99Millis(6976L)
                                .setLagMaxMillis(7000L)
                                .setErrorCodes(Map.of("EMAIL_FORMAT", 1L))
                                .build(),
                        acmeCustomersLastChange(
                                window(Kind.SESSION, "acme", "customer", "10:05:00", "10:06:00")),
                        acmeOrders(window(Kind.SESSION, "acme", "order", "10:00:30", "10:01:50")),
                        globexCustomers(
                                window(
                                        Kind.SESSION,
                                        "globex",
                                        "customer",
                                        "10:00:12",
                                        "10:01:50")));
    }

    // ---- the job

    private record Run(JobID job, List<QualityMetrics> metrics) {}

    private static Run run(Kind kind) throws Exception {
        Configuration config = new Configuration();
        config.set(PipelineOptions.GENERIC_TYPES, false);
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(config);
        assertThat(env.getConfig().hasGenericTypesDisabled()).isTrue();

        DataStream<QualityMetrics> metrics =
                env.fromData(OBSERVATIONS, new AvroTypeInfo<>(Observation.class))
                        .assignTimestampsAndWatermarks(
                                WatermarkStrategy.<Observation>forMonotonousTimestamps()
                                        .withTimestampAssigner(
                                                (observation, previous) ->
                                                        observation
                                                                .getSourceCommitTime()
                                                                .toEpochMilli()))
                        .keyBy(new ObservationKeys(), Types.STRING)
                        .window(WindowSpec.defaults(kind).assigner())
                        .aggregate(
                                new QualityAggregate(TARGETS),
                                new QualityWindowFunction(kind.configName(), TARGETS),
                                new AvroTypeInfo<>(QualityAccumulator.class),
                                new AvroTypeInfo<>(QualityAccumulator.class),
                                new AvroTypeInfo<>(QualityMetrics.class))
                        .name("quality-" + kind.configName());

        List<QualityMetrics> results = new ArrayList<>();
        JobID job;
        try (CloseableIterator<QualityMetrics> collected = metrics.collectAsync()) {
            job = env.executeAsync("quality windows " + kind.configName()).getJobID();
            collected.forEachRemaining(results::add);
        }
        return new Run(job, results);
    }

    /** The latest gauge values of one key, by gauge name. */
    private static Map<String, Object> gauges(JobID job, String tenant, String entityType) {
        Map<String, Object> values = new TreeMap<>();
        for (Tuple3<MetricGroup, String, Metric> metric : REPORTER.findJobMetricGroups(job, "")) {
            Map<String, String> labels = metric.f0.getAllVariables();
            if (tenant.equals(labels.get("<tenant>"))
                    && entityType.equals(labels.get("<entity_type>"))) {
                values.put(metric.f1, ((Gauge<?>) metric.f2).getValue());
            }
        }
        return values;
    }

    private static Map<String, Object> gaugeValues(
            double completeness,
            double accuracy,
            double consistency,
            double timeliness,
            double errorRate,
            long lagP50,
            long lagP95,
            long lagP99,
            long lagMax,
            long windowChanges) {
        Map<String, Object> values = new TreeMap<>();
        values.put("qualityCompleteness", completeness);
        values.put("qualityAccuracy", accuracy);
        values.put("qualityConsistency", consistency);
        values.put("qualityTimeliness", timeliness);
        values.put("errorRate", errorRate);
        values.put("lagP50Millis", lagP50);
        values.put("lagP95Millis", lagP95);
        values.put("lagP99Millis", lagP99);
        values.put("lagMaxMillis", lagMax);
        values.put("windowChanges", windowChanges);
        return values;
    }

    // ---- expected windows

    private static QualityMetrics.Builder acmeCustomersFirstMinute(QualityMetrics.Builder window) {
        return window.setValidated(3)
                .setRejected(1)
                .setCorrected(1)
                .setDelivered(2)
                .setReadBackSampled(1)
                .setCompleteness(11.0 / 12)
                .setAccuracy(2.0 / 3)
                .setConsistency(1.0)
                .setTimeliness(0.5)
                .setErrorRate(0.0)
                .setLagP50Millis(1200L)
                .setLagP95Millis(6976L)
                .setLagP99Millis(6976L)
                .setLagMaxMillis(7000L)
                .setErrorCodes(Map.of("EMAIL_FORMAT", 1L));
    }

    private static QualityMetrics acmeCustomersLastChange(QualityMetrics.Builder window) {
        return window.setValidated(1)
                .setCompleteness(1.0)
                .setAccuracy(1.0)
                .setErrorRate(0.0)
                .build();
    }

    private static QualityMetrics acmeOrders(QualityMetrics.Builder window) {
        return window.setSyncClass("batch")
                .setLatencyTargetMillis(3_600_000)
                .setValidated(1)
                .setDuplicates(1)
                .setDelivered(1)
                .setCompleteness(1.0)
                .setAccuracy(1.0)
                .setTimeliness(1.0)
                .setErrorRate(0.0)
                .setLagP50Millis(90_000L)
                .setLagP95Millis(90_000L)
                .setLagP99Millis(90_000L)
                .setLagMaxMillis(90_000L)
                .build();
    }

    private static QualityMetrics globexCustomers(QualityMetrics.Builder window) {
        return window.setFailed(1)
                .setConflicts(3)
                .setReadBackSampled(1)
                .setConsistency(0.0)
                .setErrorRate(1.0)
                .setErrorCodes(Map.of("MALFORMED_RECORD", 1L))
                .build();
    }

    /** An empty window of a real-time entity type. */
    private static QualityMetrics.Builder window(
            Kind kind, String tenant, String entityType, String start, String end) {
        return QualityMetrics.newBuilder()
                .setTenant(tenant)
                .setEntityType(entityType)
                .setWindowKind(kind.configName())
                .setWindowStart(at(start))
                .setWindowEnd(at(end))
                .setSyncClass("real-time")
                .setLatencyTargetMillis(5000);
    }

    // ---- observations

    private static Instant at(String time) {
        return Instant.parse("2024-05-01T" + time + "Z");
    }

    private static Observation resolved(
            String tenant, ObservationOutcome outcome, Instant committed) {
        return seen(tenant, "customer", ObservationStage.RESOLVE, outcome, committed);
    }

    private static Observation readBack(
            String tenant, String entityType, ObservationOutcome outcome, Instant committed) {
        return seen(tenant, entityType, ObservationStage.READ_BACK, outcome, committed);
    }
}
