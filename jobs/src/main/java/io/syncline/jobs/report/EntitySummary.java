package io.syncline.jobs.report;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.Function;
import java.util.function.ToLongFunction;

/**
 * One tenant's entity type over a day: its windows' counts summed, each quality share averaged over
 * the windows weighted by the changes it was measured on, the worst lag, and which shares fell
 * below their thresholds.
 *
 * @param windows how many windows the day had
 * @param syncClass the sync class of the day's last window
 * @param latencyTargetMillis the latency target of the day's last window
 * @param errorRate rejected and failed changes over all changes seen; null when none were seen
 * @param worstLagP95Millis the highest 95th percentile lag of any window; null when nothing was
 *     delivered, likewise the other lags
 * @param belowThreshold the metrics whose share is below its threshold, in {@link QualityMetric}
 *     order; a share nothing measured is not judged
 */
public record EntitySummary(
        int windows,
        String syncClass,
        long latencyTargetMillis,
        long validated,
        long rejected,
        long corrected,
        long failed,
        long duplicates,
        long conflicts,
        long delivered,
        long readBackSampled,
        Double completeness,
        Double accuracy,
        Double consistency,
        Double timeliness,
        Double errorRate,
        Long worstLagP95Millis,
        Long worstLagP99Millis,
        Long lagMaxMillis,
        List<QualityMetric> belowThreshold) {

    public EntitySummary {
        Objects.requireNonNull(syncClass, "syncClass");
        belowThreshold = List.copyOf(belowThreshold);
    }

    /** Whether every measured share met its threshold. */
    public boolean passed() {
        return belowThreshold.isEmpty();
    }

    /**
     * Sums up {@code windows}, judged against {@code thresholds}.
     *
     * @param windows the day's windows in time order, at least one
     */
    public static EntitySummary of(List<QualityWindow> windows, ReportThresholds thresholds) {
        if (windows.isEmpty()) {
            throw new IllegalArgumentException("a summary needs at least one window");
        }
        QualityWindow last = windows.get(windows.size() - 1);
        long validated = sum(windows, QualityWindow::validated);
        long rejected = sum(windows, QualityWindow::rejected);
        long failed = sum(windows, QualityWindow::failed);
        Double completeness = weightedShare(windows, QualityMetric.COMPLETENESS);
        Double accuracy = weightedShare(windows, QualityMetric.ACCURACY);
        Double consistency = weightedShare(windows, QualityMetric.CONSISTENCY);
        Double timeliness = weightedShare(windows, QualityMetric.TIMELINESS);
        List<QualityMetric> below = new ArrayList<>();
        for (QualityMetric metric : QualityMetric.values()) {
            Double share =
                    switch (metric) {
                        case COMPLETENESS -> completeness;
                        case ACCURACY -> accuracy;
                        case CONSISTENCY -> consistency;
                        case TIMELINESS -> timeliness;
                    };
            if (share != null && share < thresholds.minimum(metric)) {
                below.add(metric);
            }
        }
        long seen = validated + failed;
        return new EntitySummary(
                windows.size(),
                last.syncClass(),
                last.latencyTargetMillis(),
                validated,
                rejected,
                sum(windows, QualityWindow::corrected),
                failed,
                sum(windows, QualityWindow::duplicates),
                sum(windows, QualityWindow::conflicts),
                sum(windows, QualityWindow::delivered),
                sum(windows, QualityWindow::readBackSampled),
                completeness,
                accuracy,
                consistency,
                timeliness,
                seen == 0 ? null : (double) (rejected + failed) / seen,
                worst(windows, QualityWindow::lagP95Millis),
                worst(windows, QualityWindow::lagP99Millis),
                worst(windows, QualityWindow::lagMaxMillis),
                below);
    }

    /**
     * The windows' shares averaged with each weighted by the changes it was measured on, so that a
     * quiet minute does not count as much as a busy one; null when no window measured the share.
     */
    static Double weightedShare(List<QualityWindow> windows, QualityMetric metric) {
        double weightedSum = 0;
        long totalWeight = 0;
        for (QualityWindow window : windows) {
            Double share = metric.share(window);
            long weight = metric.weight(window);
            if (share != null && weight > 0) {
                weightedSum += share * weight;
                totalWeight += weight;
            }
        }
        return totalWeight == 0 ? null : weightedSum / totalWeight;
    }

    private static long sum(List<QualityWindow> windows, ToLongFunction<QualityWindow> count) {
        return windows.stream().mapToLong(count).sum();
    }

    private static Long worst(List<QualityWindow> windows, Function<QualityWindow, Long> lag) {
        return windows.stream().map(lag).filter(Objects::nonNull).max(Long::compare).orElse(null);
    }
}
