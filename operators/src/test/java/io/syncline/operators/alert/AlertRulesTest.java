package io.syncline.operators.alert;

import static io.syncline.operators.alert.QualityWindows.healthy;
import static io.syncline.operators.alert.QualityWindows.lag;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;

import io.syncline.schema.AlertSeverity;
import io.syncline.schema.QualityMetrics;
import io.syncline.schema.SourceLag;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class AlertRulesTest {

    private static final Instant NOW = Instant.parse("2024-05-01T10:01:05Z");

    private final AlertRules rules = new AlertRules(AlertThresholds.defaults());

    @Test
    void theDefaultsAreTheStandards() {
        AlertThresholds defaults = AlertThresholds.defaults();

        assertThat(defaults.minCompleteness()).isEqualTo(0.95);
        assertThat(defaults.minAccuracy()).isEqualTo(0.99);
        assertThat(defaults.minConsistency()).isEqualTo(0.98);
        assertThat(defaults.minTimeliness()).isEqualTo(0.95);
        assertThat(defaults.maxErrorRate()).isEqualTo(0.01);
        assertThat(defaults.minChanges()).isEqualTo(1);
        assertThat(defaults.sourceLagWarning()).isEqualTo(Duration.ofSeconds(30));
        assertThat(defaults.sourceStalled()).isEqualTo(Duration.ofMinutes(5));
        assertThat(defaults.criticalErrorCodes())
                .containsExactly(
                        "AUTHORIZATION_FAILED",
                        "DECRYPT_FAILED",
                        "KEY_UNAVAILABLE",
                        "SLOT_LOST",
                        "WAL_GAP");
        assertThat(defaults.rateLimit()).isEqualTo(Duration.ofMinutes(15));
    }

    @Test
    void aHealthyWindowGivesEveryConditionClear() {
        List<Condition> conditions = rules.evaluate(healthy().build());

        assertThat(conditions)
                .extracting(
                        Condition::id, Condition::kind, Condition::severity, Condition::breached)
                .containsExactly(
                        tuple(
                                "quality/completeness/t2/customer",
                                "quality",
                                AlertSeverity.WARNING,
                                false),
                        tuple(
                                "quality/accuracy/t2/customer",
                                "quality",
                                AlertSeverity.WARNING,
                                false),
                        tuple(
                                "quality/consistency/t2/customer",
                                "quality",
                                AlertSeverity.WARNING,
                                false),
                        tuple(
                                "quality/timeliness/t2/customer",
                                "quality",
                                AlertSeverity.WARNING,
                                false),
                        tuple("error-rate/t2/customer", "error-rate", AlertSeverity.WARNING, false),
                        tuple("latency/t2/customer", "latency", AlertSeverity.WARNING, false),
                        tuple(
                                "critical-error/AUTHORIZATION_FAILED/t2/customer",
                                "critical-error",
                                AlertSeverity.CRITICAL,
                                false),
                        tuple(
                                "critical-error/DECRYPT_FAILED/t2/customer",
                                "critical-error",
                                AlertSeverity.CRITICAL,
                                false),
                        tuple(
                                "critical-error/KEY_UNAVAILABLE/t2/customer",
                                "critical-error",
                                AlertSeverity.CRITICAL,
                                false),
                        tuple(
                                "critical-error/SLOT_LOST/t2/customer",
                                "critical-error",
                                AlertSeverity.CRITICAL,
                                false),
                        tuple(
                                "critical-error/WAL_GAP/t2/customer",
                                "critical-error",
                                AlertSeverity.CRITICAL,
                                false));
    }

    @Test
    void aShareBelowItsThresholdIsBreachedAndSaysWhereToLook() {
        List<Condition> conditions = rules.evaluate(healthy().setAccuracy(0.9).build());

        assertThat(byId(conditions, "quality/accuracy/t2/customer"))
                .isEqualTo(
                        new Condition(
                                "quality/accuracy/t2/customer",
                                "quality",
                                AlertSeverity.WARNING,
                                true,
                                "t2",
                                "customer",
                                null,
                                "accuracy",
                                0.9,
                                0.99,
                                "accuracy of customer for tenant t2 is 90.0 % (threshold 99.0 %) in window"
                                        + " 10:00:00–10:01:00 UTC; see syncline errors list --tenant t2"));
        assertThat(conditions).filteredOn(Condition::breached).hasSize(1);
    }

    @Test
    void aShareAtItsThresholdIsClearAndItsMessageGivesTheValue() {
        Condition completeness =
                byId(
                        rules.evaluate(healthy().setCompleteness(0.95).build()),
                        "quality/completeness/t2/customer");

        assertThat(completeness.breached()).isFalse();
        assertThat(completeness.message())
                .isEqualTo(
                        "completeness of customer for tenant t2 is 95.0 % (threshold 95.0 %) in window"
                                + " 10:00:00–10:01:00 UTC");
    }

    @Test
    void eachShareIsHeldToItsOwnThreshold() {
        List<Condition> conditions =
                rules.evaluate(
                        healthy()
                                .setCompleteness(0.9499)
                                .setAccuracy(0.995)
                                .setConsistency(0.975)
                                .setTimeliness(0.5)
                                .setErrorRate(0.0125)
                                .build());

        assertThat(conditions.subList(0, 5))
                .extracting(Condition::metric, Condition::breached, Condition::threshold)
                .containsExactly(
                        tuple("completeness", true, 0.95),
                        tuple("accuracy", false, 0.99),
                        tuple("consistency", true, 0.98),
                        tuple("timeliness", true, 0.95),
                        tuple("error_rate", true, 0.01));
        assertThat(byId(conditions, "quality/consistency/t2/customer").message())
                .isEqualTo(
                        "consistency of customer for tenant t2 is 97.5 % (threshold 98.0 %) in window"
                                + " 10:00:00–10:01:00 UTC; compare the customer rows of tenant t2 in"
                                + " the targets with the source");
        assertThat(byId(conditions, "error-rate/t2/customer").message())
                .isEqualTo(
                        "error rate of customer for tenant t2 is 1.25 % (threshold 1.0 %) in window"
                                + " 10:00:00–10:01:00 UTC; see syncline errors list --tenant t2");
    }

    @Test
    void anUnmeasuredShareGivesNoCondition() {
        List<Condition> conditions =
                rules.evaluate(
                        healthy()
                                .setConsistency(null)
                                .setTimeliness(null)
                                .setErrorRate(null)
                                .build());

        assertThat(conditions)
                .extracting(Condition::id)
                .doesNotContain(
                        "quality/consistency/t2/customer",
                        "quality/timeliness/t2/customer",
                        "error-rate/t2/customer")
                .contains("quality/completeness/t2/customer", "quality/accuracy/t2/customer");
    }

    @Test
    void aWindowWithTooFewChangesIsNotJudgedOnItsShares() {
        AlertRules strict = new AlertRules(thresholds(10, Set.of("DECRYPT_FAILED")));
        QualityMetrics few =
                healthy()
                        .setValidated(4)
                        .setDelivered(5)
                        .setAccuracy(0.5)
                        .setErrorRate(0.5)
                        .build();
        QualityMetrics enough = QualityMetrics.newBuilder(few).setDelivered(6).build();

        assertThat(strict.evaluate(few))
                .extracting(Condition::id)
                .containsExactly(
                        "latency/t2/customer", "critical-error/DECRYPT_FAILED/t2/customer");
        assertThat(strict.evaluate(enough))
                .extracting(Condition::id)
                .contains("quality/accuracy/t2/customer");
    }

    @Test
    void aP95LagOverTheSyncClassTargetIsBreached() {
        Condition over =
                byId(
                        rules.evaluate(healthy().setLagP95Millis(2_500L).build()),
                        "latency/t2/customer");
        Condition at =
                byId(
                        rules.evaluate(healthy().setLagP95Millis(1_000L).build()),
                        "latency/t2/customer");

        assertThat(over)
                .isEqualTo(
                        new Condition(
                                "latency/t2/customer",
                                "latency",
                                AlertSeverity.WARNING,
                                true,
                                "t2",
                                "customer",
                                null,
                                "lag_p95_millis",
                                2_500,
                                1_000,
                                "p95 lag of customer for tenant t2 is 2.5 s (threshold 1 s, the"
                                        + " near-real-time target) in window 10:00:00–10:01:00 UTC; check the"
                                        + " source lag and the job's backpressure"));
        assertThat(at.breached()).isFalse();
    }

    @Test
    void aWindowWithoutLagGivesNoLatencyCondition() {
        assertThat(rules.evaluate(healthy().setLagP95Millis(null).build()))
                .extracting(Condition::id)
                .doesNotContain("latency/t2/customer");
    }

    @Test
    void anyOccurrenceOfACriticalCodeIsCriticalAndOtherCodesAreNot() {
        List<Condition> conditions =
                rules.evaluate(
                        healthy()
                                .setErrorCodes(
                                        Map.of(
                                                "DECRYPT_FAILED",
                                                3L,
                                                "RULE_RANGE",
                                                40L,
                                                "WAL_GAP",
                                                0L))
                                .build());

        assertThat(byId(conditions, "critical-error/DECRYPT_FAILED/t2/customer"))
                .isEqualTo(
                        new Condition(
                                "critical-error/DECRYPT_FAILED/t2/customer",
                                "critical-error",
                                AlertSeverity.CRITICAL,
                                true,
                                "t2",
                                "customer",
                                null,
                                "DECRYPT_FAILED",
                                3,
                                0,
                                "3 changes of customer for tenant t2 failed with DECRYPT_FAILED in window"
                                        + " 10:00:00–10:01:00 UTC; see syncline errors list --tenant t2 --code"
                                        + " DECRYPT_FAILED"));
        assertThat(conditions)
                .filteredOn(Condition::breached)
                .extracting(Condition::id)
                .containsExactly("critical-error/DECRYPT_FAILED/t2/customer");
        assertThat(byId(conditions, "critical-error/WAL_GAP/t2/customer").message())
                .isEqualTo(
                        "0 changes of customer for tenant t2 failed with WAL_GAP in window 10:00:00–10:01:00 UTC");
    }

    @Test
    void aWindowOverMidnightShowsItsDates() {
        Condition accuracy =
                byId(
                        rules.evaluate(
                                healthy()
                                        .setWindowStart(Instant.parse("2024-05-01T00:00:00Z"))
                                        .setWindowEnd(Instant.parse("2024-05-02T00:00:00Z"))
                                        .build()),
                        "quality/accuracy/t2/customer");

        assertThat(accuracy.message())
                .endsWith("in window 2024-05-01 00:00:00–2024-05-02 00:00:00 UTC");
    }

    @Test
    void aSourceBehindTheWarningThresholdHasAGrowingBacklog() {
        List<Condition> conditions = rules.evaluate(lag("crm", 45_200, NOW));

        assertThat(conditions)
                .containsExactly(
                        new Condition(
                                "source-lag/crm",
                                "source-lag",
                                AlertSeverity.WARNING,
                                true,
                                null,
                                null,
                                "crm",
                                "lag_millis",
                                45_200,
                                30_000,
                                "source crm is 45.2 s behind at 10:01:05 UTC (threshold 30 s): its backlog is"
                                        + " growing; check the job's backpressure and the source's write"
                                        + " load"),
                        new Condition(
                                "source-stalled/crm",
                                "source-stalled",
                                AlertSeverity.CRITICAL,
                                false,
                                null,
                                null,
                                "crm",
                                "lag_millis",
                                45_200,
                                300_000,
                                "source crm is 45.2 s behind at 10:01:05 UTC (threshold 5 min), last heartbeat"
                                        + " committed at 10:00:19 UTC"));
    }

    @Test
    void aSourceBehindTheStalledThresholdIsCritical() {
        SourceLag stalled =
                SourceLag.newBuilder()
                        .setSourceId("crm")
                        .setLagMillis(390_000)
                        .setLastHeartbeat(null)
                        .setTime(NOW)
                        .build();

        List<Condition> conditions = rules.evaluate(stalled);

        assertThat(conditions).extracting(Condition::breached).containsExactly(true, true);
        assertThat(conditions.get(1).message())
                .isEqualTo(
                        "source crm is 6.5 min behind at 10:01:05 UTC (threshold 5 min), no heartbeat"
                                + " seen yet: the source is stalled or unreachable; check that its"
                                + " database is up and its replication slot is active");
    }

    @Test
    void aReadingThatReportsLostChangesAddsACriticalConditionOfItsCode() {
        SourceLag lost = lag("crm", 1_200, NOW);
        lost.setLossCode("WAL_GAP");
        lost.setLossMessage("source 'crm': heartbeat 13 was committed ... see docs/runbooks");

        List<Condition> conditions = rules.evaluate(lost);

        assertThat(conditions)
                .extracting(Condition::id)
                .containsExactly(
                        "source-lag/crm", "source-stalled/crm", "critical-error/WAL_GAP/crm");
        assertThat(conditions.get(2))
                .isEqualTo(
                        new Condition(
                                "critical-error/WAL_GAP/crm",
                                "critical-error",
                                AlertSeverity.CRITICAL,
                                true,
                                null,
                                null,
                                "crm",
                                "WAL_GAP",
                                1,
                                0,
                                "source 'crm': heartbeat 13 was committed ... see docs/runbooks"));
    }

    @Test
    void aSourceWithinTheWarningThresholdIsClear() {
        assertThat(rules.evaluate(lag("crm", 30_000, NOW)))
                .extracting(Condition::breached)
                .containsExactly(false, false);
    }

    @Test
    void thresholdsOutsideTheirRangeAreRefused() {
        assertThatThrownBy(
                        () ->
                                new AlertThresholds(
                                        95,
                                        0.99,
                                        0.98,
                                        0.95,
                                        0.01,
                                        1,
                                        Duration.ofSeconds(30),
                                        Duration.ofMinutes(5),
                                        Set.of(),
                                        Duration.ZERO))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("minCompleteness is a share between 0 and 1 (0.95 for 95 %), not 95.0");
        assertThatThrownBy(
                        () ->
                                new AlertThresholds(
                                        0.95,
                                        0.99,
                                        0.98,
                                        0.95,
                                        0.01,
                                        1,
                                        Duration.ofMinutes(5),
                                        Duration.ofSeconds(30),
                                        Set.of(),
                                        Duration.ZERO))
                .hasMessage(
                        "sourceStalled (PT30S) must not be shorter than sourceLagWarning (PT5M)");
    }

    private static AlertThresholds thresholds(long minChanges, Set<String> criticalCodes) {
        AlertThresholds defaults = AlertThresholds.defaults();
        return new AlertThresholds(
                defaults.minCompleteness(),
                defaults.minAccuracy(),
                defaults.minConsistency(),
                defaults.minTimeliness(),
                defaults.maxErrorRate(),
                minChanges,
                defaults.sourceLagWarning(),
                defaults.sourceStalled(),
                criticalCodes,
                defaults.rateLimit());
    }

    private static Condition byId(List<Condition> conditions, String id) {
        return conditions.stream()
                .filter(condition -> condition.id().equals(id))
                .findFirst()
                .orElseThrow(() -> new AssertionError("no condition " + id + " in " + conditions));
    }
}
