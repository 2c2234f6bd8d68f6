package io.syncline.jobs.report;

import io.syncline.operators.alert.AlertThresholds;

/**
 * The shares the daily quality report judges each tenant's entity type against; fractions, 0.95 is
 * 95 %. A day passes when every measured share is at least its minimum.
 *
 * @param minCompleteness the least share of required fields populated
 * @param minAccuracy the least share of validated changes that passed the schema and rules
 * @param minConsistency the least share of read-back target rows that agree with the source
 * @param minTimeliness the least share of delivered changes within the latency target
 */
public record ReportThresholds(
        double minCompleteness, double minAccuracy, double minConsistency, double minTimeliness) {

    public ReportThresholds {
        requireShare("minCompleteness", minCompleteness);
        requireShare("minAccuracy", minAccuracy);
        requireShare("minConsistency", minConsistency);
        requireShare("minTimeliness", minTimeliness);
    }

    /** The standards: completeness 95 %, accuracy 99 %, consistency 98 %, timeliness 95 %. */
    public static ReportThresholds defaults() {
        return new ReportThresholds(0.95, 0.99, 0.98, 0.95);
    }

    /** The same minimums the alert stage fires at, so the report and the alerts agree. */
    public static ReportThresholds of(AlertThresholds alerts) {
        return new ReportThresholds(
                alerts.minCompleteness(),
                alerts.minAccuracy(),
                alerts.minConsistency(),
                alerts.minTimeliness());
    }

    /** The minimum of {@code metric}. */
    public double minimum(QualityMetric metric) {
        return switch (metric) {
            case COMPLETENESS -> minCompleteness;
            case ACCURACY -> minAccuracy;
            case CONSISTENCY -> minConsistency;
            case TIMELINESS -> minTimeliness;
        };
    }

    private static void requireShare(String name, double value) {
        if (!(value >= 0 && value <= 1)) {
            throw new IllegalArgumentException(
                    name + " must be a share between 0 and 1 (0.95 is 95 %): " + value);
        }
    }
}
