package io.syncline.operators.quality;

import io.syncline.schema.QualityAccumulator;
import io.syncline.schema.QualityMetrics;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.metrics.Gauge;
import org.apache.flink.metrics.MetricGroup;
import org.apache.flink.streaming.api.functions.windowing.ProcessWindowFunction;
import org.apache.flink.streaming.api.windowing.windows.TimeWindow;
import org.apache.flink.util.Collector;

/**
 * Emits the {@link QualityMetrics} of each closed window of one tenant's entity type, and shows the
 * latest window's values as gauges labelled {@code tenant} and {@code entity_type}, so that
 * dashboards and alerts need not read the quality table.
 */
public final class QualityWindowFunction
        extends ProcessWindowFunction<QualityAccumulator, QualityMetrics, String, TimeWindow> {

    private static final long serialVersionUID = 1L;

    private final String windowKind;
    private final LatencyTargets targets;

    private transient Map<String, LatestValues> latestByKey;

    /**
     * @param windowKind the windows' kind as stored with the metrics, e.g. {@code tumbling}
     * @param targets the latency targets the aggregate counted timeliness against
     */
    public QualityWindowFunction(String windowKind, LatencyTargets targets) {
        this.windowKind = Objects.requireNonNull(windowKind, "windowKind");
        this.targets = Objects.requireNonNull(targets, "targets");
    }

    @Override
    public void open(OpenContext openContext) {
        latestByKey = new HashMap<>();
    }

    @Override
    public void process(
            String key,
            Context context,
            Iterable<QualityAccumulator> sums,
            Collector<QualityMetrics> out) {
        String tenant = ObservationKeys.tenant(key);
        String entityType = ObservationKeys.entityType(key);
        TimeWindow window = context.window();
        // TimeWindow's end is exclusive, as is window_end.
        QualityMetrics metrics =
                QualityScores.of(
                        tenant,
                        entityType,
                        windowKind,
                        Instant.ofEpochMilli(window.getStart()),
                        Instant.ofEpochMilli(window.getEnd()),
                        sums.iterator().next(),
                        targets);
        latestByKey.computeIfAbsent(key, unused -> register(tenant, entityType)).update(metrics);
        out.collect(metrics);
    }

    private LatestValues register(String tenant, String entityType) {
        LatestValues latest = new LatestValues();
        MetricGroup group =
                getRuntimeContext()
                        .getMetricGroup()
                        .addGroup("tenant", tenant)
                        .addGroup("entity_type", entityType);
        group.gauge("qualityCompleteness", (Gauge<Double>) () -> latest.completeness);
        group.gauge("qualityAccuracy", (Gauge<Double>) () -> latest.accuracy);
        group.gauge("qualityConsistency", (Gauge<Double>) () -> latest.consistency);
        group.gauge("qualityTimeliness", (Gauge<Double>) () -> latest.timeliness);
        group.gauge("errorRate", (Gauge<Double>) () -> latest.errorRate);
        group.gauge("lagP50Millis", (Gauge<Long>) () -> latest.lagP50Millis);
        group.gauge("lagP95Millis", (Gauge<Long>) () -> latest.lagP95Millis);
        group.gauge("lagP99Millis", (Gauge<Long>) () -> latest.lagP99Millis);
        group.gauge("lagMaxMillis", (Gauge<Long>) () -> latest.lagMaxMillis);
        group.gauge("windowChanges", (Gauge<Long>) () -> latest.windowChanges);
        return latest;
    }

    /**
     * The values of the latest window of one key. Reporters read them from another thread, hence
     * volatile. Unknown values are NaN and -1, not null: the Prometheus reporter shows a null gauge
     * as 0, which would read as a real value.
     */
    static final class LatestValues {
        volatile double completeness = Double.NaN;
        volatile double accuracy = Double.NaN;
        volatile double consistency = Double.NaN;
        volatile double timeliness = Double.NaN;
        volatile double errorRate = Double.NaN;
        volatile long lagP50Millis = -1;
        volatile long lagP95Millis = -1;
        volatile long lagP99Millis = -1;
        volatile long lagMaxMillis = -1;

        /** The changes the window saw: validated and failed, the error rate's whole. */
        volatile long windowChanges;

        void update(QualityMetrics metrics) {
            completeness = orNaN(metrics.getCompleteness());
            accuracy = orNaN(metrics.getAccuracy());
            consistency = orNaN(metrics.getConsistency());
            timeliness = orNaN(metrics.getTimeliness());
            errorRate = orNaN(metrics.getErrorRate());
            lagP50Millis = orMinusOne(metrics.getLagP50Millis());
            lagP95Millis = orMinusOne(metrics.getLagP95Millis());
            lagP99Millis = orMinusOne(metrics.getLagP99Millis());
            lagMaxMillis = orMinusOne(metrics.getLagMaxMillis());
            windowChanges = metrics.getValidated() + metrics.getFailed();
        }

        private static double orNaN(Double value) {
            return value == null ? Double.NaN : value;
        }

        private static long orMinusOne(Long value) {
            return value == null ? -1 : value;
        }
    }
}
