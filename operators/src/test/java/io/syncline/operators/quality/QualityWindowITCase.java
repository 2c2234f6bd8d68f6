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
import io.syncline.schema.QualityPartial;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Pattern;
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
import org.apache.flink.metrics.groups.OperatorMetricGroup;
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
 * counts, shares and lags, and the gauges show each key's latest window. Fed the sync job's way, as
 * partial sums per slot that the windows merge, they come out exactly the same.
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
        Run run = run(WindowSpec.defaults(Kind.TUMBLING), Path.OBSERVATIONS);

        assertThat(run.metrics()).containsExactlyInAnyOrderElementsOf(tumblingWindows());
        assertGaugesShowTheLatestMinutes(run.job());
    }

    private static void assertGaugesShowTheLatestMinutes(JobID job) {
        assertThat(gauges(job, "acme", "customer"))
                .containsExactlyInAnyOrderEntriesOf(
                        gaugeValues(1.0, 1.0, Double.NaN, Double.NaN, 0.0, -1, -1, -1, -1, 1));
        assertThat(gauges(job, "globex", "customer"))
                .containsExactlyInAnyOrderEntriesOf(
                        gaugeValues(
                                Double.NaN, Double.NaN, 0.0, Double.NaN, 1.0, -1, -1, -1, -1, 1));
        assertThat(gauges(job, "acme", "order"))
                .containsExactlyInAnyOrderEntriesOf(
                        gaugeValues(
                                1.0, 1.0, Double.NaN, 1.0, 0.0, 90_000, 90_000, 90_000, 90_000, 1));
    }

    @Test
    void sessionWindowsMergeEveryChangeUntilAGapOfOneMinute() throws Exception {
        Run run = run(WindowSpec.defaults(Kind.SESSION), Path.OBSERVATIONS);

        assertThat(run.metrics()).containsExactlyInAnyOrderElementsOf(sessionWindows());
    }

    // ---- the sync job's path: partial sums per slot, merged by the windows

    @Test
    void tumblingWindowsOfPartialSumsMeasureWhatThoseOfObservationsDo() throws Exception {
        WindowSpec spec = WindowSpec.defaults(Kind.TUMBLING);

        Run combined = run(spec, Path.PARTIAL_SUMS);
        Run uncombined = run(spec, Path.OBSERVATIONS);

        assertThat(combined.metrics())
                .containsExactlyInAnyOrderElementsOf(uncombined.metrics())
                .containsExactlyInAnyOrderElementsOf(tumblingWindows());
        assertGaugesShowTheLatestMinutes(combined.job());
        // Each minute of each key reaches the windows as at least one partial sum, and as fewer
        // than its observations: a watermark or the flush timer would have to fall between every
        // two observations of the bounded input for none to be combined.
        assertThat(recordsInto(combined.job(), "quality-tumbling"))
                .isBetween(5L, (long) OBSERVATIONS.size() - 1);
        assertThat(recordsInto(uncombined.job(), "quality-tumbling"))
                .isEqualTo(OBSERVATIONS.size());
    }

    @Test
    void hoppingWindowsOfPartialSumsMeasureWhatThoseOfObservationsDo() throws Exception {
        // Every change falls into two windows, and 10:00:05 to 10:01:15 share one of them.
        WindowSpec spec =
                new WindowSpec(Kind.HOPPING, Duration.ofMinutes(2), Duration.ofMinutes(1), null);

        Run combined = run(spec, Path.PARTIAL_SUMS);
        Run uncombined = run(spec, Path.OBSERVATIONS);

        assertThat(combined.metrics())
                .containsExactlyInAnyOrderElementsOf(uncombined.metrics())
                .containsExactlyInAnyOrder(
                        acmeCustomersFirstMinute(
                                        window(
                                                Kind.HOPPING,
                                                "acme",
                                                "customer",
                                                "09:59:00",
                                                "10:01:00"))
                                .build(),
                        acmeCustomersFirstTwoMinutes(
                                window(Kind.HOPPING, "acme", "customer", "10:00:00", "10:02:00")),
                        acmeCustomersSecondMinute(
                                window(Kind.HOPPING, "acme", "customer", "10:01:00", "10:03:00")),
                        acmeCustomersLastChange(
                                window(Kind.HOPPING, "acme", "customer", "10:04:00", "10:06:00")),
                        acmeCustomersLastChange(
                                window(Kind.HOPPING, "acme", "customer", "10:05:00", "10:07:00")),
                        acmeOrders(window(Kind.HOPPING, "acme", "order", "09:59:00", "10:01:00")),
                        acmeOrders(window(Kind.HOPPING, "acme", "order", "10:00:00", "10:02:00")),
                        globexCustomers(
                                window(Kind.HOPPING, "globex", "customer", "09:59:00", "10:01:00")),
                        globexCustomers(
                                window(
                                        Kind.HOPPING,
                                        "globex",
                                        "customer",
                                        "10:00:00",
                                        "10:02:00")));
    }

    @Test
    void slidingWindowsWhoseSlideDoesNotDivideTheirSizeCombineOverHalfMinutes() throws Exception {
        // Windows of 90 s every minute start or end every 30 s: the changes from 10:00:30 to
        // 10:00:59 are in the window from 10:00 only, those before also in the one from 09:59.
        WindowSpec spec =
                new WindowSpec(Kind.SLIDING, Duration.ofSeconds(90), Duration.ofMinutes(1), null);

        Run combined = run(spec, Path.PARTIAL_SUMS);
        Run uncombined = run(spec, Path.OBSERVATIONS);

        assertThat(combined.metrics())
                .containsExactlyInAnyOrderElementsOf(uncombined.metrics())
                .containsExactlyInAnyOrder(
                        acmeCustomersBeforeReadBack(
                                        window(
                                                Kind.SLIDING,
                                                "acme",
                                                "customer",
                                                "09:59:00",
                                                "10:00:30"))
                                .build(),
                        acmeCustomersFirstTwoMinutes(
                                window(Kind.SLIDING, "acme", "customer", "10:00:00", "10:01:30")),
                        acmeCustomersSecondMinute(
                                window(Kind.SLIDING, "acme", "customer", "10:01:00", "10:02:30")),
                        acmeCustomersLastChange(
                                window(Kind.SLIDING, "acme", "customer", "10:04:00", "10:05:30")),
                        acmeCustomersLastChange(
                                window(Kind.SLIDING, "acme", "customer", "10:05:00", "10:06:30")),
                        acmeOrders(window(Kind.SLIDING, "acme", "order", "10:00:00", "10:01:30")),
                        globexFailures(
                                        window(
                                                Kind.SLIDING,
                                                "globex",
                                                "customer",
                                                "09:59:00",
                                                "10:00:30"))
                                .build(),
                        globexCustomers(
                                window(
                                        Kind.SLIDING,
                                        "globex",
                                        "customer",
                                        "10:00:00",
                                        "10:01:30")));
    }

    @Test
    void sessionWindowsOfPartialSumsMeasureWhatThoseOfObservationsDo() throws Exception {
        WindowSpec spec = WindowSpec.defaults(Kind.SESSION);

        Run combined = run(spec, Path.PARTIAL_SUMS);
        Run uncombined = run(spec, Path.OBSERVATIONS);

        assertThat(combined.metrics())
                .containsExactlyInAnyOrderElementsOf(uncombined.metrics())
                .containsExactlyInAnyOrderElementsOf(sessionWindows());
        // Sessions do not combine: each change is a partial sum of its own, at its own time.
        assertThat(recordsInto(combined.job(), "quality-session")).isEqualTo(OBSERVATIONS.size());
    }

    // ---- the job

    /** How the observations reach the windows. */
    private enum Path {
        /** Each observation on its own, keyed by tenant and entity type. */
        OBSERVATIONS,
        /** Summed per slot by {@link QualityCombiner} and merged by {@link QualityMerge}. */
        PARTIAL_SUMS
    }

    private record Run(JobID job, List<QualityMetrics> metrics) {}

    private static Run run(WindowSpec spec, Path path) throws Exception {
        Configuration config = new Configuration();
        config.set(PipelineOptions.GENERIC_TYPES, false);
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(config);
        assertThat(env.getConfig().hasGenericTypesDisabled()).isTrue();
        Kind kind = spec.kind();

        DataStream<Observation> observations =
                env.fromData(OBSERVATIONS, new AvroTypeInfo<>(Observation.class))
                        .assignTimestampsAndWatermarks(
                                WatermarkStrategy.<Observation>forMonotonousTimestamps()
                                        .withTimestampAssigner(
                                                (observation, previous) ->
                                                        observation
                                                                .getSourceCommitTime()
                                                                .toEpochMilli()));
        QualityWindowFunction metricsOfWindow =
                new QualityWindowFunction(kind.configName(), TARGETS);
        AvroTypeInfo<QualityAccumulator> sums = new AvroTypeInfo<>(QualityAccumulator.class);
        AvroTypeInfo<QualityMetrics> metricsType = new AvroTypeInfo<>(QualityMetrics.class);
        DataStream<QualityMetrics> metrics =
                switch (path) {
                    case OBSERVATIONS ->
                            observations
                                    .keyBy(new ObservationKeys(), Types.STRING)
                                    .window(spec.assigner())
                                    .aggregate(
                                            new QualityAggregate(TARGETS),
                                            metricsOfWindow,
                                            sums,
                                            sums,
                                            metricsType)
                                    .name("quality-" + kind.configName());
                    case PARTIAL_SUMS ->
                            observations
                                    .transform(
                                            "sum observations per slot",
                                            new AvroTypeInfo<>(QualityPartial.class),
                                            new QualityCombiner(
                                                    TARGETS, spec.combinableSlotMillis()))
                                    .keyBy(new PartialKeys(), Types.STRING)
                                    .window(spec.assigner())
                                    .aggregate(
                                            new QualityMerge(TARGETS),
                                            metricsOfWindow,
                                            sums,
                                            sums,
                                            metricsType)
                                    .name("quality-" + kind.configName());
                };

        List<QualityMetrics> results = new ArrayList<>();
        JobID job;
        try (CloseableIterator<QualityMetrics> collected = metrics.collectAsync()) {
            job =
                    env.executeAsync(
                                    "quality windows "
                                            + spec.describe()
                                            + " of "
                                            + path.name().toLowerCase(Locale.ROOT))
                            .getJobID();
            collected.forEachRemaining(results::add);
        }
        return new Run(job, results);
    }

    /** The records the operators named {@code operatorName} took in, over all their subtasks. */
    private static long recordsInto(JobID job, String operatorName) {
        List<OperatorMetricGroup> groups =
                REPORTER.findOperatorMetricGroups(job, Pattern.quote(operatorName));
        assertThat(groups).as("subtasks of %s", operatorName).hasSize(2);
        return groups.stream()
                .mapToLong(group -> group.getIOMetricGroup().getNumRecordsInCounter().getCount())
                .sum();
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

    /** The tumbling minutes of every key. */
    private static List<QualityMetrics> tumblingWindows() {
        return List.of(
                acmeCustomersFirstMinute(
                                window(Kind.TUMBLING, "acme", "customer", "10:00:00", "10:01:00"))
                        .build(),
                acmeCustomersSecondMinute(
                        window(Kind.TUMBLING, "acme", "customer", "10:01:00", "10:02:00")),
                acmeCustomersLastChange(
                        window(Kind.TUMBLING, "acme", "customer", "10:05:00", "10:06:00")),
                acmeOrders(window(Kind.TUMBLING, "acme", "order", "10:00:00", "10:01:00")),
                globexCustomers(
                        window(Kind.TUMBLING, "globex", "customer", "10:00:00", "10:01:00")));
    }

    /** The sessions of every key, with a gap of one minute. */
    private static List<QualityMetrics> sessionWindows() {
        return List.of(
                acmeCustomersFirstTwoMinutes(
                        window(Kind.SESSION, "acme", "customer", "10:00:05", "10:02:15")),
                acmeCustomersLastChange(
                        window(Kind.SESSION, "acme", "customer", "10:05:00", "10:06:00")),
                acmeOrders(window(Kind.SESSION, "acme", "order", "10:00:30", "10:01:50")),
                globexCustomers(
                        window(Kind.SESSION, "globex", "customer", "10:00:12", "10:01:50")));
    }

    /** Acme's customers from 10:00:05 to 10:00:25, before the read-back at 10:00:40. */
    private static QualityMetrics.Builder acmeCustomersBeforeReadBack(
            QualityMetrics.Builder window) {
        return window.setValidated(3)
                .setRejected(1)
                .setCorrected(1)
                .setDelivered(2)
                .setCompleteness(11.0 / 12)
                .setAccuracy(2.0 / 3)
                .setTimeliness(0.5)
                .setErrorRate(0.0)
                .setLagP50Millis(1200L)
                .setLagP95Millis(6976L)
                .setLagP99Millis(6976L)
                .setLagMaxMillis(7000L)
                .setErrorCodes(Map.of("EMAIL_FORMAT", 1L));
    }

    private static QualityMetrics.Builder acmeCustomersFirstMinute(QualityMetrics.Builder window) {
        return acmeCustomersBeforeReadBack(window).setReadBackSampled(1).setConsistency(1.0);
    }

    private static QualityMetrics acmeCustomersSecondMinute(QualityMetrics.Builder window) {
        return window.setValidated(1)
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
                .build();
    }

    /** Acme's customers from 10:00:05 to 10:01:15: both minutes before the quiet spell. */
    private static QualityMetrics acmeCustomersFirstTwoMinutes(QualityMetrics.Builder window) {
        return window.setValidated(4)
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
                // The 2nd of 300, 1200 and 7000 ms; 7000 ms is in the bucket worth 6976 ms.
                .setLagP50Millis(1200L)
                .setLagP95Millis(6976L)
                .setLagP99Millis(6976L)
                .setLagMaxMillis(7000L)
                .setErrorCodes(Map.of("EMAIL_FORMAT", 1L))
                .build();
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

    /** Globex's customers from 10:00:12 to 10:00:22, before the read-back at 10:00:50. */
    private static QualityMetrics.Builder globexFailures(QualityMetrics.Builder window) {
        return window.setFailed(1)
                .setConflicts(3)
                .setErrorRate(1.0)
                .setErrorCodes(Map.of("MALFORMED_RECORD", 1L));
    }

    private static QualityMetrics globexCustomers(QualityMetrics.Builder window) {
        return globexFailures(window).setReadBackSampled(1).setConsistency(0.0).build();
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
