package io.syncline.jobs.demo;

import io.syncline.jobs.report.EntityReport;
import io.syncline.jobs.report.QualityMetric;
import io.syncline.jobs.report.QualityReport;
import io.syncline.jobs.report.ReportThresholds;
import io.syncline.schema.Alert;
import io.syncline.schema.QualityMetrics;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * How the demo's console shows quality: a small table per quality window, one row per tenant and
 * entity type, with shares below their thresholds marked; one line per alert; and the verdict of
 * the daily report.
 */
final class QualityConsole {

    /** Follows a share below its threshold. */
    static final String BELOW_THRESHOLD = "!";

    private static final DateTimeFormatter TIME =
            DateTimeFormatter.ofPattern("HH:mm:ss").withZone(ZoneOffset.UTC);

    /** The numeric columns after tenant and entity type, right-aligned to these widths. */
    private static final String COLUMNS = "  %9s  %6s  %9s  %9s  %11s  %7s  %7s  %6s  %6s";

    private QualityConsole() {}

    /** The thresholds the tables mark shares against, e.g. {@code completeness 95.0%, ...}. */
    static String thresholds(ReportThresholds thresholds) {
        return Arrays.stream(QualityMetric.values())
                .map(metric -> metric.key() + " " + percent(thresholds.minimum(metric)))
                .collect(Collectors.joining(", "));
    }

    /**
     * The table of one window: a heading line, a line of column names and a line per row, e.g.
     *
     * <pre>
     * quality window 10:41:20-10:41:30 UTC
     * tenant  entity    validated  errors  complete  accurate  consistent  timely  lag p50   p95   max
     * acme    contract         14       1         -    92.9%!           -  100.0%     1.1s  2.0s  2.1s
     * </pre>
     *
     * <p>Errors are the changes validation rejected and those other stages failed, such as a change
     * of an unknown tenant.
     */
    static List<String> table(QualityMonitor.Window window, ReportThresholds thresholds) {
        int tenantWidth = "tenant".length();
        int entityWidth = "entity".length();
        for (QualityMetrics row : window.rows()) {
            tenantWidth = Math.max(tenantWidth, row.getTenant().length());
            entityWidth = Math.max(entityWidth, row.getEntityType().length());
        }
        String format = "%-" + tenantWidth + "s  %-" + entityWidth + "s" + COLUMNS;
        List<String> lines = new ArrayList<>();
        lines.add(
                "quality window "
                        + TIME.format(window.start())
                        + "-"
                        + TIME.format(window.end())
                        + " UTC"
                        + (window.again() ? ", updated by late changes" : ""));
        lines.add(
                String.format(
                                Locale.ROOT,
                                format,
                                "tenant",
                                "entity",
                                "validated",
                                "errors",
                                "complete ",
                                "accurate ",
                                "consistent ",
                                "timely ",
                                "lag p50",
                                "p95",
                                "max")
                        .stripTrailing());
        for (QualityMetrics row : window.rows()) {
            lines.add(
                    String.format(
                                    Locale.ROOT,
                                    format,
                                    row.getTenant(),
                                    row.getEntityType(),
                                    row.getValidated(),
                                    row.getRejected() + row.getFailed(),
                                    share(row.getCompleteness(), thresholds.minCompleteness()),
                                    share(row.getAccuracy(), thresholds.minAccuracy()),
                                    share(row.getConsistency(), thresholds.minConsistency()),
                                    share(row.getTimeliness(), thresholds.minTimeliness()),
                                    seconds(row.getLagP50Millis()),
                                    seconds(row.getLagP95Millis()),
                                    seconds(row.getLagMaxMillis()))
                            .stripTrailing());
        }
        return lines;
    }

    /** One alert, e.g. {@code alert FIRING WARNING accuracy of contract for tenant acme ...}. */
    static String alert(Alert alert) {
        return String.format(
                Locale.ROOT,
                "alert %-8s %-8s %s",
                alert.getStatus(),
                alert.getSeverity(),
                alert.getMessage());
    }

    /** A share as a percentage, marked when below {@code minimum}; {@code -} when not measured. */
    private static String share(Double value, double minimum) {
        if (value == null) {
            return "- ";
        }
        return percent(value) + (value < minimum ? BELOW_THRESHOLD : " ");
    }

    private static String percent(double share) {
        return String.format(Locale.ROOT, "%.1f%%", share * 100);
    }

    private static String seconds(Long millis) {
        return millis == null ? "-" : String.format(Locale.ROOT, "%.1fs", millis / 1000.0);
    }

    /**
     * The report's verdict and the shares below their thresholds, e.g. {@code FAIL, 11
     * tenant/entity types; below threshold: accuracy of acme/contract, globex/customer}.
     */
    static String verdict(QualityReport report) {
        if (report.entities().isEmpty()) {
            return report.noDataMessage();
        }
        Map<QualityMetric, List<String>> below = new EnumMap<>(QualityMetric.class);
        for (EntityReport entity : report.entities()) {
            for (QualityMetric metric : entity.summary().belowThreshold()) {
                below.computeIfAbsent(metric, m -> new ArrayList<>()).add(entity.name());
            }
        }
        return report.verdict()
                + ", "
                + report.entities().size()
                + (report.entities().size() == 1 ? " tenant/entity type" : " tenant/entity types")
                + (below.isEmpty()
                        ? ""
                        : "; below threshold: "
                                + below.entrySet().stream()
                                        .map(
                                                entry ->
                                                        entry.getKey().key()
                                                                + " of "
                                                                + String.join(
                                                                        ", ", entry.getValue()))
                                        .collect(Collectors.joining("; ")));
    }
}
