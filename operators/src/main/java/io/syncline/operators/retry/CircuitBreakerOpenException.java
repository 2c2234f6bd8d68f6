package io.syncline.operators.retry;

import java.io.IOException;
import java.time.Instant;

/**
 * A call refused, or given up, because its dependency's {@link CircuitBreaker} is open. Thrown from
 * a sink writer it fails the task, and Flink restarts the job from its last checkpoint.
 */
public final class CircuitBreakerOpenException extends IOException {

    private static final long serialVersionUID = 1L;

    private final String dependency;
    private final Instant retryAt;

    public CircuitBreakerOpenException(
            String dependency, Instant retryAt, String message, Throwable lastCause) {
        super(message, lastCause);
        this.dependency = dependency;
        this.retryAt = retryAt;
    }

    /** The dependency that is unavailable. */
    public String dependency() {
        return dependency;
    }

    /** When the breaker lets a probe through again. */
    public Instant retryAt() {
        return retryAt;
    }
}
