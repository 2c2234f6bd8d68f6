package io.syncline.operators.alert;

import io.syncline.schema.Alert;
import io.syncline.schema.AlertState;
import io.syncline.schema.AlertStatus;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * Turns the evaluations of one condition into alerts: it fires when the condition becomes breached,
 * stays quiet while the alert is open, and resolves it when the condition clears. A condition that
 * flaps fires at most once per rate limit; firings held back are counted and the next one sent says
 * how many there were.
 */
public final class AlertStateMachine {

    private final Duration rateLimit;

    /**
     * @param rateLimit how long after a firing the same condition may not fire again
     */
    public AlertStateMachine(Duration rateLimit) {
        Objects.requireNonNull(rateLimit, "rateLimit");
        if (rateLimit.isNegative()) {
            throw new IllegalArgumentException("the rate limit must not be negative: " + rateLimit);
        }
        this.rateLimit = rateLimit;
    }

    /** A fresh state for a condition that never fired. */
    public static AlertState newState() {
        return AlertState.newBuilder().build();
    }

    /**
     * Applies one evaluation of {@code condition} to its {@code state}, which it updates, and
     * returns the alert to send, if any: a FIRING when the condition became breached (unless it
     * fired less than the rate limit ago), a RESOLVED with the id of the open alert when it
     * cleared.
     */
    public Optional<Alert> apply(Condition condition, AlertState state, Instant now) {
        Alert open = state.getOpen();
        if (open != null) {
            if (condition.breached()) {
                return Optional.empty();
            }
            Alert resolved =
                    Alert.newBuilder(open)
                            .setStatus(AlertStatus.RESOLVED)
                            .setValue(condition.value())
                            .setThreshold(condition.threshold())
                            .setMessage(condition.message())
                            .setTime(now)
                            .build();
            state.setOpen(null);
            return Optional.of(resolved);
        }
        if (!condition.breached()) {
            return Optional.empty();
        }
        if (isRateLimited(state, now)) {
            state.setSuppressed(state.getSuppressed() + 1);
            return Optional.empty();
        }
        Alert firing =
                Alert.newBuilder()
                        .setAlertId(condition.id() + "@" + now.toEpochMilli())
                        .setCondition(condition.id())
                        .setSeverity(condition.severity())
                        .setStatus(AlertStatus.FIRING)
                        .setKind(condition.kind())
                        .setTenant(condition.tenant())
                        .setEntityType(condition.entityType())
                        .setSourceId(condition.sourceId())
                        .setMetric(condition.metric())
                        .setValue(condition.value())
                        .setThreshold(condition.threshold())
                        .setMessage(condition.message() + heldBack(state.getSuppressed()))
                        .setFiredAt(now)
                        .setTime(now)
                        .build();
        state.setOpen(firing);
        state.setLastFiredAt(now);
        state.setSuppressed(0L);
        return Optional.of(firing);
    }

    /**
     * Whether {@code state} holds nothing worth keeping at {@code now}: no open alert, and a rate
     * limit that is over, so the next breach fires as if the condition were new.
     */
    public boolean isIdle(AlertState state, Instant now) {
        return state.getOpen() == null && !isRateLimited(state, now);
    }

    /** A condition that never fired carries the schema's default, the epoch. */
    private boolean isRateLimited(AlertState state, Instant now) {
        Instant lastFiredAt = state.getLastFiredAt();
        return lastFiredAt != null
                && lastFiredAt.isAfter(Instant.EPOCH)
                && now.isBefore(lastFiredAt.plus(rateLimit));
    }

    private static String heldBack(long suppressed) {
        if (suppressed == 0) {
            return "";
        }
        return " ("
                + suppressed
                + (suppressed == 1 ? " firing" : " firings")
                + " held back by the rate limit since the last alert)";
    }
}
