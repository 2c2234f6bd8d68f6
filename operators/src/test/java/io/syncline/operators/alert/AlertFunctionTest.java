package io.syncline.operators.alert;

import static io.syncline.operators.alert.QualityWindows.healthy;
import static io.syncline.operators.alert.QualityWindows.lag;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import io.syncline.schema.Alert;
import io.syncline.schema.AlertStatus;
import io.syncline.schema.QualityMetrics;
import io.syncline.schema.SourceLag;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.streaming.api.operators.co.KeyedCoProcessOperator;
import org.apache.flink.streaming.util.KeyedTwoInputStreamOperatorTestHarness;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class AlertFunctionTest {

    private static final Instant T0 = Instant.parse("2024-05-01T10:01:05Z");
    private static final Duration RATE_LIMIT = Duration.ofMinutes(15);

    private final List<Harness> harnesses = new ArrayList<>();

    /** The alert operator with its inputs: quality windows, and source lag readings. */
    private static final class Harness
            extends KeyedTwoInputStreamOperatorTestHarness<
                    String, QualityMetrics, SourceLag, Alert> {

        Harness() throws Exception {
            super(
                    new KeyedCoProcessOperator<>(
                            new AlertFunction(
                                    AlertThresholds.defaults().withRateLimit(RATE_LIMIT))),
                    AlertKeys.metrics(),
                    AlertKeys.sourceLags(),
                    Types.STRING);
            // State restored through a Kryo fallback would not survive a change of its classes.
            getExecutionConfig().disableGenericTypes();
        }

        void window(QualityMetrics metrics, Instant now) throws Exception {
            setProcessingTime(now.toEpochMilli());
            processElement1(metrics, metrics.getWindowEnd().toEpochMilli());
        }

        void lag(SourceLag lag) throws Exception {
            setProcessingTime(lag.getTime().toEpochMilli());
            processElement2(lag, lag.getTime().toEpochMilli());
        }

        /** The alerts emitted since the last call. */
        List<Alert> alerts() {
            List<Alert> alerts = extractOutputValues();
            getOutput().clear();
            return alerts;
        }
    }

    private Harness open(OperatorSubtaskState snapshot) throws Exception {
        Harness harness = new Harness();
        harnesses.add(harness);
        if (snapshot == null) {
            harness.initializeEmptyState();
        } else {
            harness.initializeState(snapshot);
        }
        harness.open();
        return harness;
    }

    @AfterEach
    void closeHarnesses() throws Exception {
        for (Harness harness : harnesses) {
            harness.close();
        }
    }

    @Test
    void aQualityBreachFiresOnceAndResolvesWhenItClears() throws Exception {
        Harness harness = open(null);

        harness.window(healthy().setAccuracy(0.9).build(), T0);
        List<Alert> fired = harness.alerts();
        harness.window(healthy().setAccuracy(0.8).build(), T0.plusSeconds(60));
        List<Alert> whileOpen = harness.alerts();
        harness.window(healthy().build(), T0.plusSeconds(120));
        List<Alert> resolved = harness.alerts();

        String alertId = "quality/accuracy/t2/customer@" + T0.toEpochMilli();
        assertThat(fired)
                .extracting(Alert::getAlertId, Alert::getStatus, Alert::getValue, Alert::getTime)
                .containsExactly(tuple(alertId, AlertStatus.FIRING, 0.9, T0));
        assertThat(whileOpen).isEmpty();
        assertThat(resolved)
                .extracting(Alert::getAlertId, Alert::getStatus, Alert::getFiredAt, Alert::getTime)
                .containsExactly(tuple(alertId, AlertStatus.RESOLVED, T0, T0.plusSeconds(120)));
    }

    @Test
    void tenantsAndEntityTypesAreWatchedApart() throws Exception {
        Harness harness = open(null);

        harness.window(healthy().setAccuracy(0.9).build(), T0);
        harness.window(healthy().setTenant("t3").setAccuracy(0.9).build(), T0);
        harness.window(healthy().setEntityType("contract").setAccuracy(0.9).build(), T0);

        assertThat(harness.alerts())
                .extracting(Alert::getCondition)
                .containsExactly(
                        "quality/accuracy/t2/customer",
                        "quality/accuracy/t3/customer",
                        "quality/accuracy/t2/contract");
    }

    @Test
    void aStallingSourceWarnsThenPagesAndBothResolveWhenItCatchesUp() throws Exception {
        Harness harness = open(null);

        harness.lag(lag("crm", 5_000, T0));
        List<Alert> healthy = harness.alerts();
        harness.lag(lag("crm", 45_000, T0.plusSeconds(40)));
        List<Alert> growing = harness.alerts();
        harness.lag(lag("crm", 320_000, T0.plusSeconds(315)));
        List<Alert> stalled = harness.alerts();
        harness.lag(lag("crm", 2_000, T0.plusSeconds(400)));
        List<Alert> caughtUp = harness.alerts();

        assertThat(healthy).isEmpty();
        assertThat(growing)
                .extracting(Alert::getCondition, Alert::getStatus, Alert::getSourceId)
                .containsExactly(tuple("source-lag/crm", AlertStatus.FIRING, "crm"));
        assertThat(stalled)
                .extracting(Alert::getCondition, Alert::getStatus)
                .containsExactly(tuple("source-stalled/crm", AlertStatus.FIRING));
        assertThat(caughtUp)
                .extracting(Alert::getCondition, Alert::getStatus)
                .containsExactly(
                        tuple("source-lag/crm", AlertStatus.RESOLVED),
                        tuple("source-stalled/crm", AlertStatus.RESOLVED));
    }

    @Test
    void aCriticalErrorCodeFiresACriticalAlertAndAWindowWithoutItResolvesIt() throws Exception {
        Harness harness = open(null);

        harness.window(healthy().setErrorCodes(Map.of("WAL_GAP", 1L)).build(), T0);
        List<Alert> fired = harness.alerts();
        harness.window(healthy().build(), T0.plusSeconds(60));
        List<Alert> resolved = harness.alerts();

        assertThat(fired)
                .extracting(Alert::getCondition, Alert::getSeverity, Alert::getStatus)
                .containsExactly(
                        tuple(
                                "critical-error/WAL_GAP/t2/customer",
                                io.syncline.schema.AlertSeverity.CRITICAL,
                                AlertStatus.FIRING));
        assertThat(resolved)
                .extracting(Alert::getAlertId, Alert::getStatus)
                .containsExactly(tuple(fired.get(0).getAlertId(), AlertStatus.RESOLVED));
    }

    @Test
    void afterARestoreAnOpenAlertStillResolvesAndTheRateLimitStillHolds() throws Exception {
        Harness before = open(null);
        before.window(healthy().setAccuracy(0.9).build(), T0);
        before.lag(lag("crm", 45_000, T0));
        before.lag(lag("crm", 1_000, T0.plusSeconds(30)));
        Alert fired = before.alerts().get(0);
        OperatorSubtaskState snapshot = before.snapshot(1, T0.plusSeconds(30).toEpochMilli());

        Harness after = open(snapshot);
        after.window(healthy().build(), T0.plusSeconds(60));
        List<Alert> resolved = after.alerts();
        after.lag(lag("crm", 45_000, T0.plusSeconds(90)));
        List<Alert> withinRateLimit = after.alerts();
        after.lag(lag("crm", 45_000, T0.plus(RATE_LIMIT)));
        List<Alert> afterRateLimit = after.alerts();

        assertThat(resolved)
                .extracting(Alert::getAlertId, Alert::getStatus)
                .containsExactly(tuple(fired.getAlertId(), AlertStatus.RESOLVED));
        assertThat(withinRateLimit).isEmpty();
        assertThat(afterRateLimit)
                .extracting(Alert::getCondition, Alert::getStatus, Alert::getMessage)
                .containsExactly(
                        tuple(
                                "source-lag/crm",
                                AlertStatus.FIRING,
                                "source crm is 45 s behind at 10:16:05 UTC (threshold 30 s): its"
                                        + " backlog is growing; check the job's backpressure and"
                                        + " the source's write load (1 firing held back by the rate"
                                        + " limit since the last alert)"));
    }

    @Test
    void onlyConditionsWithSomethingToRememberTakeState() throws Exception {
        Harness harness = open(null);

        harness.window(healthy().build(), T0);
        int healthyEntries = harness.numKeyedStateEntries();
        harness.window(healthy().setAccuracy(0.9).build(), T0.plusSeconds(60));
        int openEntries = harness.numKeyedStateEntries();
        harness.window(healthy().build(), T0.plusSeconds(120));
        int rateLimitedEntries = harness.numKeyedStateEntries();
        harness.window(healthy().build(), T0.plusSeconds(60).plus(RATE_LIMIT));
        int afterRateLimitEntries = harness.numKeyedStateEntries();

        assertThat(healthyEntries).isZero();
        assertThat(openEntries).isEqualTo(1);
        assertThat(rateLimitedEntries).isEqualTo(1);
        assertThat(afterRateLimitEntries).isZero();
    }
}
