package io.syncline.jobs.demo;

import static org.assertj.core.api.Assertions.assertThat;

import io.syncline.jobs.report.EntityReport;
import io.syncline.jobs.report.EntitySummary;
import io.syncline.jobs.report.QualityReport;
import io.syncline.jobs.report.QualityWindow;
import io.syncline.jobs.report.ReportThresholds;
import io.syncline.schema.Alert;
import io.syncline.schema.AlertSeverity;
import io.syncline.schema.AlertStatus;
import io.syncline.schema.QualityMetrics;
import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

class QualityConsoleTest {

    private static final Instant START = Instant.parse("2026-11-25T10:41:20Z");
    private static final Instant END = Instant.parse("2026-11-25T10:41:30Z");
    private static final ReportThresholds THRESHOLDS = ReportThresholds.defaults();

    @Test
    void tableHasARowPerTenantAndEntityTypeAndMarksSharesBelowTheirThresholds() {
        QualityMonitor.Window window =
                new QualityMonitor.Window(
                        START,
                        END,
                        List.of(
                                metrics("acme", "contract", 14, 1, 0, null, 13.0 / 14, null, 1.0)
                                        .setLagP50Millis(1_100L)
                                        .setLagP95Millis(2_040L)
                                        .setLagMaxMillis(2_100L)
                                        .build(),
                                metrics("initech", "customer", 20, 0, 0, 1.0, 1.0, 0.5, 0.9)
                                        .setLagP50Millis(800L)
                                        .setLagP95Millis(12_345L)
                                        .setLagMaxMillis(123_400L)
                                        .build(),
                                metrics("umbrella", "customer", 0, 0, 3, null, null, null, null)
                                        .build()),
                        false);

        assertThat(QualityConsole.table(window, THRESHOLDS))
                .containsExactly(
                        "quality window 10:41:20-10:41:30 UTC",
                        "tenant    entity    validated  errors  complete   accurate   consistent"
                                + "   timely   lag p50     p95     max",
                        "acme      contract         14       1         -      92.9%!           -"
                                + "   100.0%      1.1s    2.0s    2.1s",
                        "initech   customer         20       0    100.0%     100.0%        50.0%!"
                                + "   90.0%!     0.8s   12.3s  123.4s",
                        "umbrella  customer          0       3         -          -            -"
                                + "        -         -       -       -");
    }

    @Test
    void aWindowShownBeforeSaysLateChangesUpdatedIt() {
        QualityMonitor.Window window =
                new QualityMonitor.Window(
                        START,
                        END,
                        List.of(metrics("acme", "customer", 1, 0, 0, 1.0, 1.0, 1.0, 1.0).build()),
                        true);

        assertThat(QualityConsole.table(window, THRESHOLDS).get(0))
                .isEqualTo("quality window 10:41:20-10:41:30 UTC, updated by late changes");
    }

    @Test
    void thresholdsAreListedAsPercentages() {
        assertThat(QualityConsole.thresholds(THRESHOLDS))
                .isEqualTo(
                        "completeness 95.0%, accuracy 99.0%, consistency 98.0%, timeliness"
                                + " 95.0%");
    }

    @Test
    void alertLineHasStatusSeverityAndMessage() {
        Alert alert =
                Alert.newBuilder()
                        .setAlertId("quality/accuracy/acme/contract@1")
                        .setCondition("quality/accuracy/acme/contract")
                        .setSeverity(AlertSeverity.WARNING)
                        .setStatus(AlertStatus.FIRING)
                        .setKind("quality")
                        .setTenant("acme")
                        .setEntityType("contract")
                        .setMetric("accuracy")
                        .setValue(0.9286)
                        .setThreshold(0.99)
                        .setMessage("accuracy of contract for tenant acme is 92.86 %")
                        .setFiredAt(END)
                        .setTime(END)
                        .build();

        assertThat(QualityConsole.alert(alert))
                .isEqualTo(
                        "alert FIRING   WARNING  accuracy of contract for tenant acme is 92.86 %");
    }

    @Test
    void verdictNamesTheSharesBelowTheirThresholdsByMetric() {
        QualityReport report =
                report(
                        entity("acme", "contract", 0.95, 1.0),
                        entity("acme", "customer", 1.0, 1.0),
                        entity("globex", "customer", 0.98, 0.5));

        assertThat(QualityConsole.verdict(report))
                .isEqualTo(
                        "FAIL, 3 tenant/entity types; below threshold: accuracy of"
                                + " acme/contract, globex/customer; timeliness of"
                                + " globex/customer");
    }

    @Test
    void verdictOfADayWithinTheThresholdsIsPass() {
        assertThat(QualityConsole.verdict(report(entity("acme", "customer", 1.0, 1.0))))
                .isEqualTo("PASS, 1 tenant/entity type");
    }

    @Test
    void verdictOfADayWithoutWindowsSaysSo() {
        assertThat(QualityConsole.verdict(report()))
                .isEqualTo(
                        "No quality windows recorded on 2026-11-25 — is the job running with"
                                + " observability enabled?");
    }

    private static QualityMetrics.Builder metrics(
            String tenant,
            String entityType,
            long validated,
            long rejected,
            long failed,
            Double completeness,
            Double accuracy,
            Double consistency,
            Double timeliness) {
        return QualityMetrics.newBuilder()
                .setTenant(tenant)
                .setEntityType(entityType)
                .setWindowKind("tumbling")
                .setWindowStart(START)
                .setWindowEnd(END)
                .setSyncClass("near-real-time")
                .setLatencyTargetMillis(30_000)
                .setValidated(validated)
                .setRejected(rejected)
                .setFailed(failed)
                .setCompleteness(completeness)
                .setAccuracy(accuracy)
                .setConsistency(consistency)
                .setTimeliness(timeliness);
    }

    private static QualityReport report(EntityReport... entities) {
        return new QualityReport(
                LocalDate.parse("2026-11-25"),
                null,
                END,
                THRESHOLDS,
                List.of(entities),
                List.of(),
                List.of());
    }

    private static EntityReport entity(
            String tenant, String entityType, double accuracy, double timeliness) {
        QualityWindow window =
                new QualityWindow(
                        "tumbling",
                        START,
                        END,
                        "near-real-time",
                        30_000,
                        100,
                        Math.round((1 - accuracy) * 100),
                        0,
                        0,
                        0,
                        0,
                        100,
                        0,
                        1.0,
                        accuracy,
                        null,
                        timeliness,
                        0.0,
                        500L,
                        900L,
                        950L,
                        1_000L,
                        new TreeMap<>(Map.of()));
        return new EntityReport(
                tenant, entityType, EntitySummary.of(List.of(window), THRESHOLDS), List.of(window));
    }
}
