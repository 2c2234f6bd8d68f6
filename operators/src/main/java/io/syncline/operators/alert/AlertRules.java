package io.syncline.operators.alert;

import io.syncline.schema.AlertSeverity;
import io.syncline.schema.QualityMetrics;
import io.syncline.schema.SourceLag;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Holds quality windows and source lag readings to the {@link AlertThresholds}: every measured
 * value becomes a {@link Condition}, breached or clear, so that an open alert can resolve when its
 * value recovers. A value that was not measured gives no condition.
 */
public final class AlertRules {

    public static final String KIND_QUALITY = "quality";
    public static final String KIND_LATENCY = "latency";
    public static final String KIND_ERROR_RATE = "error-rate";
    public static final String KIND_CRITICAL_ERROR = "critical-error";
    public static final String KIND_SOURCE_LAG = "source-lag";
    public static final String KIND_SOURCE_STALLED = "source-stalled";

    public static final String COMPLETENESS = "completeness";
    public static final String ACCURACY = "accuracy";
    public static final String CONSISTENCY = "consistency";
    public static final String TIMELINESS = "timeliness";
    public static final String ERROR_RATE = "error_rate";
    public static final String LAG_P95_MILLIS = "lag_p95_millis";
    public static final String LAG_MILLIS = "lag_millis";

    private final AlertThresholds thresholds;

    public AlertRules(AlertThresholds thresholds) {
        this.thresholds = Objects.requireNonNull(thresholds, "thresholds");
    }

    /**
     * The conditions of one quality window: one per measured share, the error rate, the p95 lag
     * against the sync class's target, and one per critical error code.
     */
    public List<Condition> evaluate(QualityMetrics metrics) {
        List<Condition> conditions = new ArrayList<>();
        if (metrics.getValidated() + metrics.getDelivered() >= thresholds.minChanges()) {
            share(
                    conditions,
                    metrics,
                    COMPLETENESS,
                    metrics.getCompleteness(),
                    thresholds.minCompleteness());
            share(conditions, metrics, ACCURACY, metrics.getAccuracy(), thresholds.minAccuracy());
            share(
                    conditions,
                    metrics,
                    CONSISTENCY,
                    metrics.getConsistency(),
                    thresholds.minConsistency());
            share(
                    conditions,
                    metrics,
                    TIMELINESS,
                    metrics.getTimeliness(),
                    thresholds.minTimeliness());
            errorRate(conditions, metrics);
        }
        latency(conditions, metrics);
        for (String code : thresholds.criticalErrorCodes()) {
            conditions.add(criticalError(metrics, code));
        }
        return conditions;
    }

    /**
     * The conditions of one source lag reading: a growing backlog (warning), a stalled or
     * unreachable source (critical), and changes its replication skipped (critical, only when the
     * reading reports them: the job stops right after).
     */
    public List<Condition> evaluate(SourceLag lag) {
        List<Condition> conditions = new ArrayList<>(lagConditions(lag));
        if (lag.getLossCode() != null) {
            conditions.add(
                    new Condition(
                            KIND_CRITICAL_ERROR + "/" + lag.getLossCode() + "/" + lag.getSourceId(),
                            KIND_CRITICAL_ERROR,
                            AlertSeverity.CRITICAL,
                            true,
                            null,
                            null,
                            lag.getSourceId(),
                            lag.getLossCode(),
                            1,
                            0,
                            Objects.requireNonNullElse(lag.getLossMessage(), lag.getLossCode())));
        }
        return conditions;
    }

    private List<Condition> lagConditions(SourceLag lag) {
        String source = lag.getSourceId();
        long lagMillis = lag.getLagMillis();
        long warningMillis = thresholds.sourceLagWarning().toMillis();
        long stalledMillis = thresholds.sourceStalled().toMillis();
        String behind =
                "source "
                        + source
                        + " is "
                        + AlertValues.duration(lagMillis)
                        + " behind at "
                        + AlertValues.time(lag.getTime());
        String lastHeartbeat =
                lag.getLastHeartbeat() == null
                        ? "no heartbeat seen yet"
                        : "last heartbeat committed at " + AlertValues.time(lag.getLastHeartbeat());
        boolean growing = lagMillis > warningMillis;
        boolean stalled = lagMillis > stalledMillis;
        return List.of(
                new Condition(
                        KIND_SOURCE_LAG + "/" + source,
                        KIND_SOURCE_LAG,
                        AlertSeverity.WARNING,
                        growing,
                        null,
                        null,
                        source,
                        LAG_MILLIS,
                        lagMillis,
                        warningMillis,
                        behind
                                + " (threshold "
                                + AlertValues.duration(warningMillis)
                                + ")"
                                + (growing
                                        ? ": its backlog is growing; check the job's backpressure"
                                                + " and the source's write load"
                                        : "")),
                new Condition(
                        KIND_SOURCE_STALLED + "/" + source,
                        KIND_SOURCE_STALLED,
                        AlertSeverity.CRITICAL,
                        stalled,
                        null,
                        null,
                        source,
                        LAG_MILLIS,
                        lagMillis,
                        stalledMillis,
                        behind
                                + " (threshold "
                                + AlertValues.duration(stalledMillis)
                                + "), "
                                + lastHeartbeat
                                + (stalled
                                        ? ": the source is stalled or unreachable; check that its"
                                                + " database is up and its replication slot is"
                                                + " active"
                                        : "")));
    }

    private void share(
            List<Condition> conditions,
            QualityMetrics metrics,
            String metric,
            Double value,
            double minimum) {
        if (value == null) {
            return;
        }
        boolean breached = value < minimum;
        conditions.add(
                new Condition(
                        KIND_QUALITY + "/" + metric + "/" + where(metrics),
                        KIND_QUALITY,
                        AlertSeverity.WARNING,
                        breached,
                        metrics.getTenant(),
                        metrics.getEntityType(),
                        null,
                        metric,
                        value,
                        minimum,
                        measured(metric, metrics, AlertValues.percent(value), minimum)
                                + (breached ? "; " + hintFor(metric, metrics) : "")));
    }

    private void errorRate(List<Condition> conditions, QualityMetrics metrics) {
        Double rate = metrics.getErrorRate();
        if (rate == null) {
            return;
        }
        double maximum = thresholds.maxErrorRate();
        boolean breached = rate > maximum;
        conditions.add(
                new Condition(
                        KIND_ERROR_RATE + "/" + where(metrics),
                        KIND_ERROR_RATE,
                        AlertSeverity.WARNING,
                        breached,
                        metrics.getTenant(),
                        metrics.getEntityType(),
                        null,
                        ERROR_RATE,
                        rate,
                        maximum,
                        "error rate of "
                                + metrics.getEntityType()
                                + " for tenant "
                                + metrics.getTenant()
                                + " is "
                                + AlertValues.percent(rate)
                                + " (threshold "
                                + AlertValues.percent(maximum)
                                + ") in window "
                                + window(metrics)
                                + (breached ? "; " + errorsList(metrics, null) : "")));
    }

    private void latency(List<Condition> conditions, QualityMetrics metrics) {
        Long p95 = metrics.getLagP95Millis();
        if (p95 == null) {
            return;
        }
        long target = metrics.getLatencyTargetMillis();
        boolean breached = p95 > target;
        conditions.add(
                new Condition(
                        KIND_LATENCY + "/" + where(metrics),
                        KIND_LATENCY,
                        AlertSeverity.WARNING,
                        breached,
                        metrics.getTenant(),
                        metrics.getEntityType(),
                        null,
                        LAG_P95_MILLIS,
                        p95,
                        target,
                        "p95 lag of "
                                + metrics.getEntityType()
                                + " for tenant "
                                + metrics.getTenant()
                                + " is "
                                + AlertValues.duration(p95)
                                + " (threshold "
                                + AlertValues.duration(target)
                                + ", the "
                                + metrics.getSyncClass()
                                + " target) in window "
                                + window(metrics)
                                + (breached
                                        ? "; check the source lag and the job's backpressure"
                                        : "")));
    }

    private Condition criticalError(QualityMetrics metrics, String code) {
        Map<String, Long> codes = metrics.getErrorCodes();
        Long counted = codes == null ? null : codes.get(code);
        long count = counted == null ? 0 : counted;
        boolean breached = count > 0;
        String changes = count == 1 ? " change of " : " changes of ";
        return new Condition(
                KIND_CRITICAL_ERROR + "/" + code + "/" + where(metrics),
                KIND_CRITICAL_ERROR,
                AlertSeverity.CRITICAL,
                breached,
                metrics.getTenant(),
                metrics.getEntityType(),
                null,
                code,
                count,
                0,
                count
                        + changes
                        + metrics.getEntityType()
                        + " for tenant "
                        + metrics.getTenant()
                        + " failed with "
                        + code
                        + " in window "
                        + window(metrics)
                        + (breached ? "; " + errorsList(metrics, code) : ""));
    }

    private static String measured(
            String metric, QualityMetrics metrics, String value, double threshold) {
        return metric
                + " of "
                + metrics.getEntityType()
                + " for tenant "
                + metrics.getTenant()
                + " is "
                + value
                + " (threshold "
                + AlertValues.percent(threshold)
                + ") in window "
                + window(metrics);
    }

    /** Where to look when a share is too low. */
    private static String hintFor(String metric, QualityMetrics metrics) {
        return switch (metric) {
            case CONSISTENCY ->
                    "compare the "
                            + metrics.getEntityType()
                            + " rows of tenant "
                            + metrics.getTenant()
                            + " in the targets with the source";
            case TIMELINESS -> "check the source lag and the job's backpressure";
            default -> errorsList(metrics, null);
        };
    }

    private static String errorsList(QualityMetrics metrics, String code) {
        return "see syncline errors list --tenant "
                + metrics.getTenant()
                + (code == null ? "" : " --code " + code);
    }

    private static String where(QualityMetrics metrics) {
        return metrics.getTenant() + "/" + metrics.getEntityType();
    }

    private static String window(QualityMetrics metrics) {
        return AlertValues.window(metrics.getWindowStart(), metrics.getWindowEnd());
    }
}
