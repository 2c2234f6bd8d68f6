package io.syncline.operators.quality;

import io.syncline.schema.QualityAccumulator;
import io.syncline.schema.QualityMetrics;
import java.time.Instant;
import java.util.HashMap;

/**
 * Turns the sums of one window into {@link QualityMetrics}: the quality shares, the lag percentiles
 * and the sync class's target. A share whose window saw nothing it applies to is null, not 0 or 1,
 * so that "no data" never reads as "all bad" or "all good".
 */
public final class QualityScores {

    private QualityScores() {}

    /**
     * @param tenant the tenant the window is of
     * @param entityType the entity type the window is of
     * @param windowKind the window's kind, e.g. {@code tumbling}
     * @param windowStart the window's first instant
     * @param windowEnd the instant after the window's last
     * @param acc the window's sums
     * @param targets the latency targets timeliness was counted against
     */
    public static QualityMetrics of(
            String tenant,
            String entityType,
            String windowKind,
            Instant windowStart,
            Instant windowEnd,
            QualityAccumulator acc,
            LatencyTargets targets) {
        LatencyTargets.Target target = targets.of(entityType);
        QualityMetrics.Builder metrics =
                QualityMetrics.newBuilder()
                        .setTenant(tenant)
                        .setEntityType(entityType)
                        .setWindowKind(windowKind)
                        .setWindowStart(windowStart)
                        .setWindowEnd(windowEnd)
                        .setSyncClass(target.syncClass().configName())
                        .setLatencyTargetMillis(target.latency().toMillis())
                        .setValidated(acc.getValidated())
                        .setRejected(acc.getRejected())
                        .setCorrected(acc.getCorrected())
                        .setFailed(acc.getFailed())
                        .setDuplicates(acc.getDuplicates())
                        .setConflicts(acc.getConflicts())
                        .setDelivered(acc.getDelivered())
                        .setReadBackSampled(acc.getAgreed() + acc.getDiverged())
                        .setCompleteness(share(acc.getFieldsPresent(), acc.getFieldsRequired()))
                        .setAccuracy(
                                share(acc.getValidated() - acc.getRejected(), acc.getValidated()))
                        .setConsistency(share(acc.getAgreed(), acc.getAgreed() + acc.getDiverged()))
                        .setTimeliness(share(acc.getOnTime(), acc.getDelivered()))
                        // Failures in processing; rejections by the rules are accuracy's.
                        .setErrorRate(share(acc.getFailed(), acc.getValidated() + acc.getFailed()))
                        // A copy: the accumulator may live on in window state.
                        .setErrorCodes(new HashMap<>(acc.getErrorCodes()));
        if (acc.getDelivered() > 0) {
            long max = acc.getLagMaxMillis();
            metrics.setLagP50Millis(LagSketch.quantile(acc.getLagBuckets(), 0.50, max))
                    .setLagP95Millis(LagSketch.quantile(acc.getLagBuckets(), 0.95, max))
                    .setLagP99Millis(LagSketch.quantile(acc.getLagBuckets(), 0.99, max))
                    .setLagMaxMillis(max);
        }
        return metrics.build();
    }

    /** {@code part / whole}, or null when there is no whole. */
    private static Double share(long part, long whole) {
        return whole == 0 ? null : (double) part / whole;
    }
}
