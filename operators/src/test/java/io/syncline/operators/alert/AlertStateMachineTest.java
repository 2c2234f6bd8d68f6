package io.syncline.operators.alert;

import static org.assertj.core.api.Assertions.assertThat;

import io.syncline.schema.Alert;
import io.syncline.schema.AlertSeverity;
import io.syncline.schema.AlertState;
import io.syncline.schema.AlertStatus;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class AlertStateMachineTest {

    private static final Instant T0 = Instant.parse("2024-05-01T10:01:00Z");
    private static final String ID = "quality/accuracy/t2/customer";

    private final AlertStateMachine machine = new AlertStateMachine(Duration.ofMinutes(15));
    private final AlertState state = AlertStateMachine.newState();

    private static Condition accuracy(double value) {
        return new Condition(
                ID,
                "quality",
                AlertSeverity.WARNING,
                value < 0.99,
                "t2",
                "customer",
                null,
                "accuracy",
                value,
                0.99,
                "accuracy is " + value);
    }

    private Optional<Alert> at(Instant time, double value) {
        return machine.apply(accuracy(value), state, time);
    }

    @Test
    void aBreachFiresOnce() {
        Optional<Alert> fired = at(T0, 0.9);

        assertThat(fired)
                .contains(
                        Alert.newBuilder()
                                .setAlertId(ID + "@" + T0.toEpochMilli())
                                .setCondition(ID)
                                .setSeverity(AlertSeverity.WARNING)
                                .setStatus(AlertStatus.FIRING)
                                .setKind("quality")
                                .setTenant("t2")
                                .setEntityType("customer")
                                .setSourceId(null)
                                .setMetric("accuracy")
                                .setValue(0.9)
                                .setThreshold(0.99)
                                .setMessage("accuracy is 0.9")
                                .setFiredAt(T0)
                                .setTime(T0)
                                .build());
        assertThat(state.getOpen()).isEqualTo(fired.get());
        assertThat(state.getLastFiredAt()).isEqualTo(T0);
    }

    @Test
    void anOpenAlertStaysQuietWhileTheConditionStaysBreached() {
        at(T0, 0.9);

        assertThat(at(T0.plusSeconds(60), 0.8)).isEmpty();
        assertThat(at(T0.plus(Duration.ofHours(2)), 0.7)).isEmpty();
        assertThat(state.getOpen().getValue()).isEqualTo(0.9);
        assertThat(state.getSuppressed()).isZero();
    }

    @Test
    void aClearedConditionResolvesItsAlertWithTheSameIdAndFiringTime() {
        Alert fired = at(T0, 0.9).orElseThrow();
        Instant cleared = T0.plusSeconds(240);

        Optional<Alert> resolved = at(cleared, 0.995);

        assertThat(resolved)
                .contains(
                        Alert.newBuilder(fired)
                                .setStatus(AlertStatus.RESOLVED)
                                .setValue(0.995)
                                .setMessage("accuracy is 0.995")
                                .setTime(cleared)
                                .build());
        assertThat(state.getOpen()).isNull();
        assertThat(at(cleared.plusSeconds(60), 0.999)).isEmpty();
    }

    @Test
    void aClearConditionThatNeverFiredSaysNothing() {
        assertThat(at(T0, 0.999)).isEmpty();
        assertThat(state).isEqualTo(AlertStateMachine.newState());
    }

    @Test
    void aBreachWithinTheRateLimitIsSuppressedAndFiresOnceTheLimitIsOver() {
        at(T0, 0.9);
        at(T0.plusSeconds(60), 0.995);

        Optional<Alert> early = at(T0.plusSeconds(120), 0.9);
        Optional<Alert> stillEarly = at(T0.plusSeconds(180), 0.9);
        Optional<Alert> justBefore = at(T0.plus(Duration.ofMinutes(15)).minusMillis(1), 0.9);
        Instant limitOver = T0.plus(Duration.ofMinutes(15));
        Optional<Alert> after = at(limitOver, 0.85);

        assertThat(early).isEmpty();
        assertThat(stillEarly).isEmpty();
        assertThat(justBefore).isEmpty();
        assertThat(after)
                .hasValueSatisfying(
                        alert -> {
                            assertThat(alert.getAlertId())
                                    .isEqualTo(ID + "@" + limitOver.toEpochMilli());
                            assertThat(alert.getStatus()).isEqualTo(AlertStatus.FIRING);
                            assertThat(alert.getFiredAt()).isEqualTo(limitOver);
                            assertThat(alert.getMessage())
                                    .isEqualTo(
                                            "accuracy is 0.85 (3 firings held back by the rate limit"
                                                    + " since the last alert)");
                        });
        assertThat(state.getSuppressed()).isZero();
        assertThat(state.getLastFiredAt()).isEqualTo(limitOver);
    }

    @Test
    void aSuppressedBreachThatClearsBeforeTheLimitIsOverNeverFires() {
        at(T0, 0.9);
        at(T0.plusSeconds(60), 0.995);
        at(T0.plusSeconds(120), 0.9);

        assertThat(at(T0.plusSeconds(180), 0.995)).isEmpty();
        assertThat(at(T0.plus(Duration.ofMinutes(20)), 0.999)).isEmpty();
        assertThat(state.getOpen()).isNull();
        assertThat(state.getSuppressed()).isEqualTo(1);
    }

    @Test
    void aStateIsIdleOnceClosedAndOutOfTheRateLimit() {
        AlertState neverFired = AlertStateMachine.newState();
        at(T0, 0.9);
        boolean idleWhileOpen = machine.isIdle(state, T0.plusSeconds(60));
        at(T0.plusSeconds(60), 0.995);

        assertThat(machine.isIdle(neverFired, T0)).isTrue();
        assertThat(idleWhileOpen).isFalse();
        assertThat(machine.isIdle(state, T0.plusSeconds(120))).isFalse();
        assertThat(machine.isIdle(state, T0.plus(Duration.ofMinutes(15)))).isTrue();
    }

    @Test
    void withoutARateLimitEveryNewBreachFires() {
        AlertStateMachine unlimited = new AlertStateMachine(Duration.ZERO);
        AlertState flapping = AlertStateMachine.newState();

        assertThat(unlimited.apply(accuracy(0.9), flapping, T0)).isPresent();
        assertThat(unlimited.apply(accuracy(0.995), flapping, T0.plusSeconds(1))).isPresent();
        assertThat(unlimited.apply(accuracy(0.9), flapping, T0.plusSeconds(2))).isPresent();
    }
}
