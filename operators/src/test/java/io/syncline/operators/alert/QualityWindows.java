package io.syncline.operators.alert;

import io.syncline.schema.QualityMetrics;
import io.syncline.schema.SourceLag;
import java.time.Instant;
import java.util.Map;

/** Quality windows and lag readings as the windowed stage and the heartbeat monitor emit them. */
final class QualityWindows {

    static final Instant WINDOW_START = Instant.parse("2024-05-01T10:00:00Z");
    static final Instant WINDOW_END = Instant.parse("2024-05-01T10:01:00Z");

    private QualityWindows() {}

    /**
     * A healthy minute of t2's customers: 100 validated, 98 delivered, every share above its
     * threshold, p95 lag 400 ms against a 1 s target, no errors.
     */
    static QualityMetrics.Builder healthy() {
        return QualityMetrics.newBuilder()
                .setTenant("t2")
                .setEntityType("customer")
                .setWindowKind("tumbling")
                .setWindowStart(WINDOW_START)
                .setWindowEnd(WINDOW_END)
                .setSyncClass("near-real-time")
                .setLatencyTargetMillis(1_000)
                .setValidated(100)
                .setDelivered(98)
                .setCompleteness(0.99)
                .setAccuracy(1.0)
                .setConsistency(1.0)
                .setTimeliness(0.98)
                .setErrorRate(0.0)
                .setLagP50Millis(200L)
                .setLagP95Millis(400L)
                .setLagP99Millis(700L)
                .setLagMaxMillis(900L)
                .setErrorCodes(Map.of());
    }

    /** A reading of source {@code sourceId}, {@code lagMillis} behind at {@code time}. */
    static SourceLag lag(String sourceId, long lagMillis, Instant time) {
        return SourceLag.newBuilder()
                .setSourceId(sourceId)
                .setLagMillis(lagMillis)
                .setLastHeartbeat(time.minusMillis(lagMillis))
                .setTime(time)
                .build();
    }
}
