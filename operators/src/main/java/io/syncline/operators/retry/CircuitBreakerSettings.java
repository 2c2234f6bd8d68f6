package io.syncline.operators.retry;

import java.io.Serializable;
import java.time.Duration;
import java.util.Objects;

/**
 * When a {@link CircuitBreaker} opens and for how long.
 *
 * @param openFor how long an open breaker lets no call through before one call probes the
 *     dependency again
 * @param failureThreshold failed calls in a row, by any caller, that open the breaker
 */
public record CircuitBreakerSettings(Duration openFor, int failureThreshold)
        implements Serializable {

    /** 30 s open after 10 failed calls in a row. */
    public static final CircuitBreakerSettings DEFAULTS =
            new CircuitBreakerSettings(Duration.ofSeconds(30), 10);

    public CircuitBreakerSettings {
        Objects.requireNonNull(openFor, "circuitBreaker.openFor");
        if (openFor.isZero() || openFor.isNegative()) {
            throw new IllegalArgumentException(
                    "circuitBreaker.openFor must be longer than 0: " + openFor);
        }
        if (failureThreshold < 1) {
            throw new IllegalArgumentException(
                    "circuitBreaker.failureThreshold must be at least 1: " + failureThreshold);
        }
    }
}
