package io.syncline.jobs.report;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;

/**
 * The daily quality report as JSON: the same data the HTML page shows and charts, built field by
 * field so that its shape and order are fixed and two reports of the same rows differ only in
 * {@code generatedAt}. Times are ISO instants, shares fractions (0.95 is 95 %), lags milliseconds,
 * and what was not measured is null.
 */
public final class JsonReport {

    private static final ObjectMapper MAPPER =
            new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
    private static final ObjectMapper COMPACT = new ObjectMapper();

    private JsonReport() {}

    /** The report as pretty-printed JSON. */
    public static String render(QualityReport report) {
        try {
            return MAPPER.writeValueAsString(tree(report)) + System.lineSeparator();
        } catch (JsonProcessingException e) {
            // A tree of plain values always serializes.
            throw new IllegalStateException("cannot write the report as JSON", e);
        }
    }

    /** The report as JSON on one line, as the HTML page embeds it: a day can be many windows. */
    static String renderCompact(QualityReport report) {
        try {
            return COMPACT.writeValueAsString(tree(report)) + "\n";
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write the report as JSON", e);
        }
    }

    /** The report as a JSON tree. */
    public static ObjectNode tree(QualityReport report) {
        ObjectNode root = MAPPER.createObjectNode();
        root.put("date", report.date().toString());
        root.put("tenant", report.tenant());
        root.put("generatedAt", report.generatedAt().toString());
        root.put("verdict", report.verdict().name());
        ObjectNode thresholds = root.putObject("thresholds");
        for (QualityMetric metric : QualityMetric.values()) {
            thresholds.put(metric.key(), report.thresholds().minimum(metric));
        }
        ArrayNode entities = root.putArray("entities");
        for (EntityReport entity : report.entities()) {
            ObjectNode node = entities.addObject();
            node.put("tenant", entity.tenant());
            node.put("entityType", entity.entityType());
            summary(node.putObject("summary"), entity.summary());
            ArrayNode windows = node.putArray("windows");
            entity.windows().forEach(window -> window(windows.addObject(), window));
        }
        ArrayNode codes = root.putArray("topErrorCodes");
        for (ErrorCodeCount code : report.topErrorCodes()) {
            ObjectNode node = codes.addObject();
            node.put("code", code.code());
            node.put("count", code.count());
            ArrayNode tenants = node.putArray("tenants");
            code.tenants().forEach(tenants::add);
        }
        ArrayNode alerts = root.putArray("alerts");
        report.alerts().forEach(alert -> alert(alerts.addObject(), alert));
        return root;
    }

    private static void summary(ObjectNode node, EntitySummary summary) {
        node.put("passed", summary.passed());
        ArrayNode below = node.putArray("belowThreshold");
        summary.belowThreshold().forEach(metric -> below.add(metric.key()));
        node.put("windows", summary.windows());
        node.put("syncClass", summary.syncClass());
        node.put("latencyTargetMillis", summary.latencyTargetMillis());
        node.put("validated", summary.validated());
        node.put("rejected", summary.rejected());
        node.put("corrected", summary.corrected());
        node.put("failed", summary.failed());
        node.put("duplicates", summary.duplicates());
        node.put("conflicts", summary.conflicts());
        node.put("delivered", summary.delivered());
        node.put("readBackSampled", summary.readBackSampled());
        node.put("completeness", summary.completeness());
        node.put("accuracy", summary.accuracy());
        node.put("consistency", summary.consistency());
        node.put("timeliness", summary.timeliness());
        node.put("errorRate", summary.errorRate());
        node.put("worstLagP95Millis", summary.worstLagP95Millis());
        node.put("worstLagP99Millis", summary.worstLagP99Millis());
        node.put("lagMaxMillis", summary.lagMaxMillis());
    }

    private static void window(ObjectNode node, QualityWindow window) {
        node.put("windowKind", window.windowKind());
        node.put("windowStart", window.windowStart().toString());
        node.put("windowEnd", window.windowEnd().toString());
        node.put("syncClass", window.syncClass());
        node.put("latencyTargetMillis", window.latencyTargetMillis());
        node.put("validated", window.validated());
        node.put("rejected", window.rejected());
        node.put("corrected", window.corrected());
        node.put("failed", window.failed());
        node.put("duplicates", window.duplicates());
        node.put("conflicts", window.conflicts());
        node.put("delivered", window.delivered());
        node.put("readBackSampled", window.readBackSampled());
        node.put("completeness", window.completeness());
        node.put("accuracy", window.accuracy());
        node.put("consistency", window.consistency());
        node.put("timeliness", window.timeliness());
        node.put("errorRate", window.errorRate());
        node.put("lagP50Millis", window.lagP50Millis());
        node.put("lagP95Millis", window.lagP95Millis());
        node.put("lagP99Millis", window.lagP99Millis());
        node.put("lagMaxMillis", window.lagMaxMillis());
        ObjectNode codes = node.putObject("errorCodes");
        window.errorCodes().forEach(codes::put);
    }

    private static void alert(ObjectNode node, ReportAlert alert) {
        node.put("alertId", alert.alertId());
        node.put("condition", alert.condition());
        node.put("kind", alert.kind());
        node.put("severity", alert.severity());
        node.put("status", alert.status());
        node.put("tenant", alert.tenant());
        node.put("entityType", alert.entityType());
        node.put("sourceId", alert.sourceId());
        node.put("metric", alert.metric());
        node.put("value", alert.value());
        node.put("threshold", alert.threshold());
        node.put("message", alert.message());
        node.put("firedAt", alert.firedAt().toString());
        node.put("resolvedAt", time(alert.resolvedAt()));
    }

    private static String time(Instant instant) {
        return instant == null ? null : instant.toString();
    }
}
