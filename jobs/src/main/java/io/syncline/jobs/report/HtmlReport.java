package io.syncline.jobs.report;

import io.syncline.jobs.report.SvgCharts.Axis;
import io.syncline.jobs.report.SvgCharts.Bar;
import io.syncline.jobs.report.SvgCharts.Guide;
import io.syncline.jobs.report.SvgCharts.Point;
import io.syncline.jobs.report.SvgCharts.Series;
import java.math.BigDecimal;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * The daily quality report as one self-contained HTML page: inline CSS and inline SVG charts, no
 * script, font or image from elsewhere, so it opens offline and can be mailed as it is. The report
 * data is embedded as JSON ({@code <script type="application/json" id="report-data">}) so that what
 * the charts show can be checked by a machine. Every text from the database is escaped.
 */
public final class HtmlReport {

    private static final DateTimeFormatter TIME =
            DateTimeFormatter.ofPattern("HH:mm", Locale.ROOT).withZone(ZoneOffset.UTC);

    private static final String LATENCY_TARGET_COLOUR = "#d62728";

    private static final List<LagLine> LAG_LINES =
            List.of(
                    new LagLine("p50", "p50", "#2ca02c", QualityWindow::lagP50Millis),
                    new LagLine("p95", "p95", "#1f77b4", QualityWindow::lagP95Millis),
                    new LagLine("p99", "p99", "#9467bd", QualityWindow::lagP99Millis),
                    new LagLine("max", "max", "#7f7f7f", QualityWindow::lagMaxMillis));

    private static final String STYLE =
            """
            body { font-family: system-ui, -apple-system, "Segoe UI", Roboto, sans-serif;
                   margin: 24px; color: #222; max-width: 1040px; }
            h1 { font-size: 22px; margin-bottom: 4px; }
            h2 { font-size: 18px; margin-top: 32px; border-bottom: 1px solid #ddd; }
            h3 { font-size: 15px; margin-bottom: 4px; }
            .meta { color: #555; margin: 2px 0; }
            .verdict { display: inline-block; padding: 6px 12px; border-radius: 4px;
                       font-weight: bold; margin: 8px 0; }
            .verdict.pass { background: #e6f4ea; color: #137333; }
            .verdict.fail { background: #fce8e6; color: #a50e0e; }
            .verdict.no-data { background: #fef7e0; color: #8a5a00; }
            table { border-collapse: collapse; font-size: 13px; margin: 8px 0; }
            th, td { border: 1px solid #ddd; padding: 4px 8px; text-align: left; }
            th { background: #f5f5f5; }
            td.number { text-align: right; font-variant-numeric: tabular-nums; }
            td.pass { background: #e6f4ea; color: #137333; }
            td.fail { background: #fce8e6; color: #a50e0e; font-weight: bold; }
            td.na { color: #888; }
            .chart { display: block; max-width: 100%; height: auto; }
            .empty { padding: 16px; background: #fef7e0; border-radius: 4px; }
            """;

    private HtmlReport() {}

    /** The report as an HTML page. */
    public static String render(QualityReport report) {
        StringBuilder html = new StringBuilder();
        String title = "Syncline quality report " + report.date();
        html.append("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n")
                .append(
                        "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n")
                .append("<title>")
                .append(escape(title))
                .append("</title>\n<style>\n")
                .append(STYLE)
                .append("</style>\n</head>\n<body>\n");
        header(html, report);
        if (report.entities().isEmpty()) {
            html.append("<p class=\"empty\" id=\"no-data\">")
                    .append(escape(report.noDataMessage()))
                    .append("</p>\n");
        } else {
            summaryTable(html, report);
            for (int i = 0; i < report.entities().size(); i++) {
                entitySection(html, report, report.entities().get(i), i + 1);
            }
        }
        errorCodes(html, report);
        alerts(html, report);
        html.append("<script type=\"application/json\" id=\"report-data\">\n")
                .append(scriptSafe(JsonReport.renderCompact(report)))
                .append("</script>\n</body>\n</html>\n");
        return html.toString();
    }

    /** {@code text} safe as HTML text and as a quoted attribute value; null as the empty text. */
    public static String escape(String text) {
        if (text == null) {
            return "";
        }
        StringBuilder escaped = new StringBuilder(text.length() + 16);
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            switch (c) {
                case '&' -> escaped.append("&amp;");
                case '<' -> escaped.append("&lt;");
                case '>' -> escaped.append("&gt;");
                case '"' -> escaped.append("&quot;");
                case '\'' -> escaped.append("&#39;");
                default -> escaped.append(c);
            }
        }
        return escaped.toString();
    }

    /**
     * JSON that cannot end its script element early: {@code <} only occurs inside JSON strings,
     * where {@code \u003c} means the same, and without it no {@code </script>} or {@code <!--} can
     * appear.
     */
    static String scriptSafe(String json) {
        return json.replace("<", "\\u003c");
    }

    private static void header(StringBuilder html, QualityReport report) {
        html.append("<header>\n<h1>Syncline quality report — ")
                .append(report.date())
                .append(" (UTC)</h1>\n<p class=\"meta\">Generated at ")
                .append(report.generatedAt().truncatedTo(ChronoUnit.SECONDS))
                .append(" · tenant: ")
                .append(report.tenant() == null ? "all" : escape(report.tenant()))
                .append(" · windows starting from ")
                .append(report.dayStart())
                .append(" until ")
                .append(report.dayEnd())
                .append("</p>\n<p class=\"meta\">Thresholds: ");
        List<String> minimums = new ArrayList<>();
        for (QualityMetric metric : QualityMetric.values()) {
            minimums.add(metric.key() + " ≥ " + percent(report.thresholds().minimum(metric)));
        }
        html.append(escape(String.join(", ", minimums))).append("</p>\n");
        switch (report.verdict()) {
            case PASS ->
                    html.append("<p class=\"verdict pass\" id=\"verdict\">PASS — every tenant")
                            .append(" and entity type met its thresholds</p>\n");
            case FAIL -> {
                List<String> failing =
                        report.entities().stream()
                                .filter(entity -> !entity.summary().passed())
                                .map(HtmlReport::failure)
                                .toList();
                html.append("<p class=\"verdict fail\" id=\"verdict\">FAIL — ")
                        .append(failing.size())
                        .append(" of ")
                        .append(report.entities().size())
                        .append(" tenant/entity types below threshold: ")
                        .append(escape(String.join("; ", failing)))
                        .append("</p>\n");
            }
            case NO_DATA ->
                    html.append("<p class=\"verdict no-data\" id=\"verdict\">NO DATA</p>\n");
        }
        html.append("</header>\n");
    }

    private static String failure(EntityReport entity) {
        return entity.name()
                + " ("
                + entity.summary().belowThreshold().stream()
                        .map(QualityMetric::key)
                        .collect(Collectors.joining(", "))
                + ")";
    }

    private static void summaryTable(StringBuilder html, QualityReport report) {
        html.append("<section id=\"summary\">\n<h2>Summary</h2>\n<table>\n<tr>");
        for (String heading :
                List.of(
                        "Tenant",
                        "Entity type",
                        "Sync class",
                        "Windows",
                        "Validated",
                        "Rejected",
                        "Failed",
                        "Delivered",
                        "Completeness",
                        "Accuracy",
                        "Consistency",
                        "Timeliness",
                        "Error rate",
                        "Worst lag p95",
                        "Worst lag p99",
                        "Lag max",
                        "Latency target",
                        "Result")) {
            html.append("<th>").append(heading).append("</th>");
        }
        html.append("</tr>\n");
        for (int i = 0; i < report.entities().size(); i++) {
            EntityReport entity = report.entities().get(i);
            EntitySummary summary = entity.summary();
            html.append("<tr>");
            html.append("<td><a href=\"#entity-")
                    .append(i + 1)
                    .append("\">")
                    .append(escape(entity.tenant()))
                    .append("</a></td>");
            cell(html, "", entity.entityType());
            cell(html, "", summary.syncClass());
            cell(html, "number", Integer.toString(summary.windows()));
            cell(html, "number", Long.toString(summary.validated()));
            cell(html, "number", Long.toString(summary.rejected()));
            cell(html, "number", Long.toString(summary.failed()));
            cell(html, "number", Long.toString(summary.delivered()));
            for (QualityMetric metric : QualityMetric.values()) {
                Double share = metric.share(summary);
                String judged =
                        share == null
                                ? "na"
                                : summary.belowThreshold().contains(metric) ? "fail" : "pass";
                html.append("<td class=\"number ")
                        .append(judged)
                        .append("\" data-metric=\"")
                        .append(metric.key())
                        .append("\">")
                        .append(share == null ? "–" : percent(share))
                        .append("</td>");
            }
            cell(html, "number", summary.errorRate() == null ? "–" : percent(summary.errorRate()));
            cell(html, "number", millis(summary.worstLagP95Millis()));
            cell(html, "number", millis(summary.worstLagP99Millis()));
            cell(html, "number", millis(summary.lagMaxMillis()));
            cell(html, "number", millis(summary.latencyTargetMillis()));
            cell(html, summary.passed() ? "pass" : "fail", summary.passed() ? "PASS" : "FAIL");
            html.append("</tr>\n");
        }
        html.append("</table>\n<p class=\"meta\">Each share is the day's windows averaged, each")
                .append(" weighted by the changes it was measured on: completeness and accuracy")
                .append(" by changes validated, consistency by target rows read back, timeliness")
                .append(" by changes delivered. – means not measured.</p>\n</section>\n");
    }

    private static void entitySection(
            StringBuilder html, QualityReport report, EntityReport entity, int number) {
        List<QualityWindow> windows = entity.windows();
        html.append("<section class=\"entity\" id=\"entity-")
                .append(number)
                .append("\">\n<h2>")
                .append(escape(entity.tenant()))
                .append(" / ")
                .append(escape(entity.entityType()))
                .append(" — ")
                .append(entity.summary().passed() ? "PASS" : "FAIL")
                .append("</h2>\n<p class=\"meta\">")
                .append(windows.size())
                .append(windows.size() == 1 ? " window" : " windows")
                .append(" (")
                .append(
                        escape(
                                windows.stream()
                                        .map(QualityWindow::windowKind)
                                        .distinct()
                                        .sorted()
                                        .collect(Collectors.joining(", "))))
                .append(") starting between ")
                .append(TIME.format(windows.get(0).windowStart()))
                .append(" to ")
                .append(TIME.format(windows.get(windows.size() - 1).windowStart()))
                .append(" UTC</p>\n<h3>Quality</h3>\n")
                .append(qualityChart(report, entity))
                .append("<h3>Lag</h3>\n")
                .append(lagChart(report, entity))
                .append("</section>\n");
    }

    private static String qualityChart(QualityReport report, EntityReport entity) {
        List<Series> series = new ArrayList<>();
        List<Guide> guides = new ArrayList<>();
        double lowest = 100;
        for (QualityMetric metric : QualityMetric.values()) {
            List<Point> points = new ArrayList<>();
            for (QualityWindow window : entity.windows()) {
                Double share = metric.share(window);
                Double percent = share == null ? null : share * 100;
                points.add(new Point(window.windowStart(), percent));
                if (percent != null) {
                    lowest = Math.min(lowest, percent);
                }
            }
            series.add(new Series(metric.key(), metric.label() + " %", metric.colour(), points));
            double threshold = report.thresholds().minimum(metric) * 100;
            lowest = Math.min(lowest, threshold);
            guides.add(
                    new Guide(
                            metric.key(),
                            metric.label()
                                    + " min "
                                    + shortPercent(report.thresholds().minimum(metric)),
                            metric.colour(),
                            threshold));
        }
        // Start the axis a little below the lowest value rather than at 0, so that lines near
        // 100 % are not squashed against the top; on a tick, so that 100 % is one too.
        double below = Math.max(0, Math.floor((lowest - 1) / 5) * 5);
        double step = Math.max(1, SvgCharts.niceStep(100 - below));
        Axis axis =
                new Axis(
                        Math.floor(below / step) * step,
                        100,
                        step,
                        tick -> String.format(Locale.ROOT, "%.0f%%", tick));
        return SvgCharts.timeChart(
                "Quality of " + entity.name() + " on " + report.date() + ", in %",
                "quality-chart",
                report.dayStart(),
                report.dayEnd(),
                axis,
                series,
                guides);
    }

    private static String lagChart(QualityReport report, EntityReport entity) {
        long target = entity.summary().latencyTargetMillis();
        double highest = Math.max(1, target);
        List<Series> series = new ArrayList<>();
        for (LagLine lag : LAG_LINES) {
            List<Point> points = new ArrayList<>();
            for (QualityWindow window : entity.windows()) {
                Long millis = lag.value().apply(window);
                points.add(
                        new Point(window.windowStart(), millis == null ? null : (double) millis));
                if (millis != null) {
                    highest = Math.max(highest, millis);
                }
            }
            series.add(new Series(lag.key(), "Lag " + lag.label() + " (ms)", lag.colour(), points));
        }
        double step = Math.max(1, SvgCharts.niceStep(highest));
        Axis axis =
                new Axis(
                        0,
                        Math.ceil(highest / step) * step,
                        step,
                        tick -> String.format(Locale.ROOT, "%.0f ms", tick));
        return SvgCharts.timeChart(
                "Lag of " + entity.name() + " on " + report.date() + ", in ms",
                "lag-chart",
                report.dayStart(),
                report.dayEnd(),
                axis,
                series,
                List.of(
                        new Guide(
                                "latency-target",
                                "Latency target " + target + " ms",
                                LATENCY_TARGET_COLOUR,
                                target)));
    }

    private static void errorCodes(StringBuilder html, QualityReport report) {
        html.append("<section id=\"error-codes\">\n<h2>Top error codes</h2>\n");
        if (report.topErrorCodes().isEmpty()) {
            html.append("<p>No errors recorded on ").append(report.date()).append(".</p>\n");
        } else {
            List<Bar> bars =
                    report.topErrorCodes().stream()
                            .map(
                                    code ->
                                            new Bar(
                                                    code.code(),
                                                    code.count(),
                                                    code.code()
                                                            + ": "
                                                            + code.count()
                                                            + tenantsText(code)))
                            .toList();
            html.append(
                    SvgCharts.barChart("Top error codes on " + report.date(), "error-chart", bars));
            html.append("<table>\n<tr><th>Code</th><th>Count</th><th>Tenants</th></tr>\n");
            for (ErrorCodeCount code : report.topErrorCodes()) {
                html.append("<tr>");
                cell(html, "", code.code());
                cell(html, "number", Long.toString(code.count()));
                cell(html, "", code.tenants().isEmpty() ? "–" : String.join(", ", code.tenants()));
                html.append("</tr>\n");
            }
            html.append("</table>\n");
        }
        html.append("</section>\n");
    }

    private static String tenantsText(ErrorCodeCount code) {
        return code.tenants().isEmpty() ? "" : " (" + String.join(", ", code.tenants()) + ")";
    }

    private static void alerts(StringBuilder html, QualityReport report) {
        html.append("<section id=\"alerts\">\n<h2>Alerts</h2>\n");
        if (report.alerts().isEmpty()) {
            html.append("<p>No alerts fired on ").append(report.date()).append(".</p>\n");
        } else {
            html.append("<table>\n<tr>");
            for (String heading :
                    List.of(
                            "Fired at",
                            "Severity",
                            "Status",
                            "Resolved at",
                            "Tenant",
                            "Entity type",
                            "Source",
                            "Metric",
                            "Value",
                            "Threshold",
                            "Message")) {
                html.append("<th>").append(heading).append("</th>");
            }
            html.append("</tr>\n");
            for (ReportAlert alert : report.alerts()) {
                html.append("<tr>");
                cell(html, "", alert.firedAt().toString());
                cell(html, "", upper(alert.severity()));
                cell(html, "", upper(alert.status()));
                cell(html, "", alert.resolvedAt() == null ? "–" : alert.resolvedAt().toString());
                cell(html, "", dash(alert.tenant()));
                cell(html, "", dash(alert.entityType()));
                cell(html, "", dash(alert.sourceId()));
                cell(html, "", alert.metric());
                cell(html, "number", plain(alert.value()));
                cell(html, "number", plain(alert.threshold()));
                cell(html, "", alert.message());
                html.append("</tr>\n");
            }
            html.append("</table>\n");
        }
        html.append("</section>\n");
    }

    private static void cell(StringBuilder html, String cssClass, String text) {
        html.append(cssClass.isEmpty() ? "<td>" : "<td class=\"" + cssClass + "\">")
                .append(escape(text))
                .append("</td>");
    }

    /** A share as a percentage with two decimals, e.g. {@code 87.50%}. */
    static String percent(double share) {
        return String.format(Locale.ROOT, "%.2f%%", share * 100);
    }

    /** A share as a percentage without trailing zeros, e.g. {@code 95%} or {@code 99.5%}. */
    private static String shortPercent(double share) {
        return BigDecimal.valueOf(share).movePointRight(2).stripTrailingZeros().toPlainString()
                + "%";
    }

    private static String millis(Long millis) {
        return millis == null ? "–" : millis + " ms";
    }

    /** A number as written, without an exponent or trailing zeros: 0.875, 1500. */
    private static String plain(double value) {
        if (!Double.isFinite(value)) {
            return Double.toString(value);
        }
        return BigDecimal.valueOf(value).stripTrailingZeros().toPlainString();
    }

    private static String upper(String text) {
        return text == null ? "–" : text.toUpperCase(Locale.ROOT);
    }

    private static String dash(String text) {
        return text == null || text.isEmpty() ? "–" : text;
    }

    /** One line of the lag chart and the column it shows. */
    private record LagLine(
            String key, String label, String colour, Function<QualityWindow, Long> value) {}
}
