package io.syncline.jobs.report;

import static io.syncline.jobs.report.TestWindows.window;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.syncline.operators.alert.AlertThresholds;
import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import org.junit.jupiter.api.Test;

/** How a day's windows are summed up and judged, and the report's verdict. */
class ReportSummaryTest {

    private static final ReportThresholds THRESHOLDS = ReportThresholds.defaults();

    @Test
    void sharesAreAveragedWeightedByTheChangesEachWasMeasuredOn() {
        // Completeness and accuracy by validated (100, 300), consistency by read-back (4, 12),
        // timeliness by delivered (50, 150).
        List<QualityWindow> windows =
                List.of(
                        window("2026-11-25T10:00:00Z", 100, 0, 50, 4, 0.5, 1.0, 0.5, 1.0, 100L),
                        window("2026-11-25T10:01:00Z", 300, 0, 150, 12, 1.0, 0.75, 1.0, 0.5, 300L));

        EntitySummary summary = EntitySummary.of(windows, THRESHOLDS);

        assertThat(summary.completeness()).isEqualTo(0.875);
        assertThat(summary.accuracy()).isEqualTo(0.8125);
        assertThat(summary.consistency()).isEqualTo(0.875);
        assertThat(summary.timeliness()).isEqualTo(0.625);
        assertThat(summary.belowThreshold())
                .containsExactly(
                        QualityMetric.COMPLETENESS,
                        QualityMetric.ACCURACY,
                        QualityMetric.CONSISTENCY,
                        QualityMetric.TIMELINESS);
        assertThat(summary.passed()).isFalse();
    }

    @Test
    void windowsThatMeasuredNothingDoNotCountAndAShareNothingMeasuredIsNotJudged() {
        List<QualityWindow> windows =
                List.of(
                        window("2026-11-25T10:00:00Z", 64, 0, 64, 0, 1.0, 1.0, null, 1.0, 200L),
                        window("2026-11-25T10:01:00Z", 0, 0, 0, 0, null, null, null, null, null),
                        window(
                                "2026-11-25T10:02:00Z",
                                64,
                                0,
                                64,
                                0,
                                0.96875,
                                1.0,
                                null,
                                1.0,
                                100L));

        EntitySummary summary = EntitySummary.of(windows, THRESHOLDS);

        assertThat(summary.windows()).isEqualTo(3);
        assertThat(summary.completeness()).isEqualTo(0.984375);
        assertThat(summary.consistency()).isNull();
        assertThat(summary.belowThreshold()).isEmpty();
        assertThat(summary.passed()).isTrue();
    }

    @Test
    void countsAreSummedAndTheWorstLagIsKept() {
        List<QualityWindow> windows =
                List.of(
                        window(
                                "2026-11-25T10:00:00Z",
                                128,
                                1,
                                127,
                                16,
                                1.0,
                                0.9921875,
                                1.0,
                                1.0,
                                700L),
                        window("2026-11-25T10:01:00Z", 0, 0, 0, 0, null, null, null, null, null),
                        window(
                                "2026-11-25T10:02:00Z",
                                128,
                                3,
                                125,
                                0,
                                1.0,
                                0.9765625,
                                null,
                                1.0,
                                300L));

        EntitySummary summary = EntitySummary.of(windows, THRESHOLDS);

        assertThat(summary.validated()).isEqualTo(256);
        assertThat(summary.rejected()).isEqualTo(4);
        assertThat(summary.delivered()).isEqualTo(252);
        assertThat(summary.readBackSampled()).isEqualTo(16);
        assertThat(summary.errorRate()).isEqualTo(4.0 / 256);
        assertThat(summary.accuracy()).isEqualTo(0.984375);
        assertThat(summary.belowThreshold()).containsExactly(QualityMetric.ACCURACY);
        assertThat(summary.worstLagP95Millis()).isEqualTo(700);
        assertThat(summary.worstLagP99Millis()).isEqualTo(1400);
        assertThat(summary.lagMaxMillis()).isEqualTo(2100);
        assertThat(summary.syncClass()).isEqualTo("real-time");
        assertThat(summary.latencyTargetMillis()).isEqualTo(1000);
    }

    @Test
    void aShareExactlyAtItsThresholdPasses() {
        List<QualityWindow> windows =
                List.of(
                        window(
                                "2026-11-25T10:00:00Z",
                                100,
                                1,
                                100,
                                50,
                                0.95,
                                0.99,
                                0.98,
                                0.95,
                                1L));

        assertThat(EntitySummary.of(windows, THRESHOLDS).belowThreshold()).isEmpty();
    }

    @Test
    void theVerdictIsNoDataWithoutWindowsFailWithOneEntityBelowAndPassOtherwise() {
        EntityReport good =
                entity(window("2026-11-25T10:00:00Z", 10, 0, 10, 0, 1.0, 1.0, null, 1.0, 5L));
        EntityReport bad =
                entity(window("2026-11-25T10:00:00Z", 10, 0, 10, 0, 0.5, 1.0, null, 1.0, 5L));

        assertThat(report(List.of()).verdict()).isEqualTo(QualityReport.Verdict.NO_DATA);
        assertThat(report(List.of(good)).verdict()).isEqualTo(QualityReport.Verdict.PASS);
        assertThat(report(List.of(good, bad)).verdict()).isEqualTo(QualityReport.Verdict.FAIL);
    }

    @Test
    void thresholdsAreTheAlertStagesMinimumsAndMustBeShares() {
        assertThat(ReportThresholds.of(AlertThresholds.defaults()))
                .isEqualTo(ReportThresholds.defaults())
                .isEqualTo(new ReportThresholds(0.95, 0.99, 0.98, 0.95));
        assertThatThrownBy(() -> new ReportThresholds(95, 0.99, 0.98, 0.95))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("minCompleteness must be a share between 0 and 1 (0.95 is 95 %): 95.0");
    }

    private static EntityReport entity(QualityWindow window) {
        return new EntityReport(
                "acme", "customer", EntitySummary.of(List.of(window), THRESHOLDS), List.of(window));
    }

    private static QualityReport report(List<EntityReport> entities) {
        return new QualityReport(
                LocalDate.parse("2026-11-25"),
                null,
                Instant.parse("2026-11-26T06:00:00Z"),
                THRESHOLDS,
                entities,
                List.of(),
                List.of());
    }
}
