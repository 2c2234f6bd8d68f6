package io.syncline.jobs.report;

import static io.syncline.jobs.report.TestWindows.window;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The HTML page of a report built in memory: escaping, gaps in lines, an empty day. */
class ReportHtmlTest {

    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final LocalDate DAY = LocalDate.parse("2026-11-25");
    private static final Instant GENERATED_AT = Instant.parse("2026-11-26T06:00:00Z");
    private static final String SCRIPT_OPEN =
            "<script type=\"application/json\" id=\"report-data\">";

    @Test
    void escapesEveryCharacterThatMeansSomethingInHtml() {
        assertThat(HtmlReport.escape("<a href=\"x\">R&D's</a>"))
                .isEqualTo("&lt;a href=&quot;x&quot;&gt;R&amp;D&#39;s&lt;/a&gt;");
        assertThat(HtmlReport.escape(null)).isEmpty();
    }

    @Test
    void userTextCannotOpenTagsOrCloseTheEmbeddedData() throws Exception {
        String tenant = "</script><script>alert(1)</script><!--";
        QualityWindow window =
                window("2026-11-25T10:00:00Z", 10, 0, 10, 0, 1.0, 1.0, null, 1.0, 5L);
        QualityReport report = report(List.of(entity(tenant, List.of(window))));

        String html = HtmlReport.render(report);

        assertThat(html).doesNotContain("<script>").doesNotContain("<!--");
        assertThat(occurrences(html, "</script>")).isEqualTo(1);
        assertThat(html).contains("&lt;/script&gt;&lt;script&gt;alert(1)&lt;/script&gt;&lt;!--");
        assertThat(MAPPER.readTree(embeddedData(html)))
                .isEqualTo(MAPPER.readTree(JsonReport.render(report)));
        assertThat(MAPPER.readTree(embeddedData(html)).at("/entities/0/tenant").asText())
                .isEqualTo(tenant);
    }

    @Test
    void aWindowThatMeasuredNothingLeavesAGapInTheLine() {
        // Completeness: 100 %, nothing, 50 %, 75 %: a lone dot, then a line of two points.
        List<QualityWindow> windows =
                List.of(
                        window("2026-11-25T06:00:00Z", 10, 0, 10, 0, 1.0, 1.0, null, 1.0, 5L),
                        window("2026-11-25T12:00:00Z", 0, 0, 0, 0, null, null, null, null, null),
                        window("2026-11-25T18:00:00Z", 10, 0, 10, 0, 0.5, 1.0, null, 1.0, 5L),
                        window("2026-11-25T21:00:00Z", 10, 0, 10, 0, 0.75, 1.0, null, 1.0, 5L));

        String html = HtmlReport.render(report(List.of(entity("acme", windows))));

        // The axis runs from 40 % (below the lowest value, on a tick 20 apart) to 100 %, 208 px
        // high from y = 56; the day runs over 868 px from x = 72.
        assertThat(series(html, "quality-chart", "completeness"))
                .isEqualTo(
                        "<circle cx=\"289\" cy=\"56\" r=\"2.5\"/>\n"
                                + "<polyline fill=\"none\" stroke-width=\"1.5\""
                                + " points=\"723,229.3 831.5,142.7\"/>\n");
        // Consistency was never measured: its group is empty.
        assertThat(series(html, "quality-chart", "consistency")).isEmpty();
    }

    @Test
    void thresholdsAndTheLatencyTargetAreDashedLinesInTheLegendToo() {
        QualityWindow window = window("2026-11-25T10:00:00Z", 10, 0, 10, 0, 1.0, 1.0, 1.0, 1.0, 5L);

        String html = HtmlReport.render(report(List.of(entity("acme", List.of(window)))));

        assertThat(html)
                .contains(
                        "<line class=\"guide\" data-guide=\"completeness\" data-value=\"95\""
                                + " x1=\"72\" y1=\"160\" x2=\"940\" y2=\"160\" stroke=\"#1f77b4\""
                                + " stroke-width=\"1.5\" stroke-dasharray=\"6 6\""
                                + " stroke-dashoffset=\"0\"><title>Completeness min 95%</title>"
                                + "</line>")
                .contains("data-guide=\"accuracy\" data-value=\"99\"")
                .contains("data-guide=\"consistency\" data-value=\"98\"")
                // At the same value as completeness: its dashes fill the other's gaps.
                .contains(
                        "data-guide=\"timeliness\" data-value=\"95\" x1=\"72\" y1=\"160\""
                                + " x2=\"940\" y2=\"160\" stroke=\"#ff7f0e\" stroke-width=\"1.5\""
                                + " stroke-dasharray=\"6 6\" stroke-dashoffset=\"6\">")
                .contains("data-guide=\"latency-target\" data-value=\"1000\"")
                .contains(">Completeness min 95%</text>")
                .contains(">Latency target 1000 ms</text>")
                .contains(">Lag p95 (ms)</text>");
    }

    @Test
    void anEmptyDayExplainsWhatToCheckInsteadOfDrawingCharts() throws Exception {
        QualityReport report = report(List.of());

        String html = HtmlReport.render(report);

        assertThat(html)
                .contains(
                        "<p class=\"empty\" id=\"no-data\">No quality windows recorded on"
                                + " 2026-11-25 — is the job running with observability"
                                + " enabled?</p>")
                .contains("<p class=\"verdict no-data\" id=\"verdict\">NO DATA</p>")
                .contains("<p>No errors recorded on 2026-11-25.</p>")
                .contains("<p>No alerts fired on 2026-11-25.</p>")
                .doesNotContain("<svg");
        assertThat(MAPPER.readTree(embeddedData(html)).at("/verdict").asText())
                .isEqualTo("NO_DATA");
    }

    @Test
    void twoReportsOfTheSameDataDifferOnlyInTheirGenerationTime() {
        QualityWindow window = window("2026-11-25T10:00:00Z", 10, 1, 9, 4, 0.5, 0.9, 1.0, 1.0, 5L);
        List<EntityReport> entities = List.of(entity("acme", List.of(window)));
        QualityReport first = report(entities);
        QualityReport later =
                new QualityReport(
                        DAY,
                        null,
                        Instant.parse("2026-11-27T08:30:00Z"),
                        ReportThresholds.defaults(),
                        entities,
                        List.of(),
                        List.of());

        assertThat(HtmlReport.render(later).replace("2026-11-27T08:30:00Z", "<generated>"))
                .isEqualTo(HtmlReport.render(first).replace("2026-11-26T06:00:00Z", "<generated>"));
        assertThat(JsonReport.render(later).replace("2026-11-27T08:30:00Z", "<generated>"))
                .isEqualTo(JsonReport.render(first).replace("2026-11-26T06:00:00Z", "<generated>"));
    }

    /** The markup inside the {@code <g>} of one series of the first chart of {@code chartClass}. */
    private static String series(String html, String chartClass, String key) {
        String chart = html.substring(html.indexOf("class=\"chart " + chartClass + "\""));
        String open = "<g class=\"series\" data-series=\"" + key + "\"";
        String group = chart.substring(chart.indexOf(open));
        group = group.substring(group.indexOf(">\n") + 2);
        return group.substring(0, group.indexOf("</g>"));
    }

    static String embeddedData(String html) {
        int start = html.indexOf(SCRIPT_OPEN) + SCRIPT_OPEN.length();
        return html.substring(start, html.indexOf("</script>", start));
    }

    static int occurrences(String text, String part) {
        int count = 0;
        for (int at = text.indexOf(part); at >= 0; at = text.indexOf(part, at + 1)) {
            count++;
        }
        return count;
    }

    private static EntityReport entity(String tenant, List<QualityWindow> windows) {
        return new EntityReport(
                tenant,
                "customer",
                EntitySummary.of(windows, ReportThresholds.defaults()),
                windows);
    }

    private static QualityReport report(List<EntityReport> entities) {
        return new QualityReport(
                DAY,
                null,
                GENERATED_AT,
                ReportThresholds.defaults(),
                entities,
                List.of(),
                List.of());
    }
}
