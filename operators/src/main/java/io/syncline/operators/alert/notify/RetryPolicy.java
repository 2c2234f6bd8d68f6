package io.syncline.operators.alert.notify;

import java.io.Serializable;
import java.time.Duration;
import java.util.Objects;

/**
 * How often a notification that failed for a passing reason (a 5xx, a timeout) is tried again, and
 * how long to wait in between: the wait doubles from {@code initialBackoff} up to {@code
 * maxBackoff}.
 *
 * @param maxAttempts attempts in all, the first included
 * @param initialBackoff the wait after the first failure
 * @param maxBackoff the longest wait
 */
public record RetryPolicy(int maxAttempts, Duration initialBackoff, Duration maxBackoff)
        implements Serializable {

    public RetryPolicy {
        if (maxAttempts < 1) {
            throw new IllegalArgumentException(
                    "retry.maxAttempts must be at least 1: " + maxAttempts);
        }
        Objects.requireNonNull(initialBackoff, "retry.initialBackoff");
        Objects.requireNonNull(maxBackoff, "retry.maxBackoff");
        if (initialBackoff.isNegative() || maxBackoff.compareTo(initialBackoff) < 0) {
            throw new IllegalArgumentException(
                    "retry.initialBackoff ("
                            + initialBackoff
                            + ") must be at least zero and at most retry.maxBackoff ("
                            + maxBackoff
                            + ")");
        }
    }

    /** Five attempts, waiting 1 s, 2 s, 4 s and 8 s in between, never more than a minute. */
    public static RetryPolicy defaults() {
        return new RetryPolicy(5, Duration.ofSeconds(1), Duration.ofMinutes(1));
    }

    /** The wait after the {@code failedAttempts}-th failed attempt (1 for the first). */
    public Duration backoff(int failedAttempts) {
        if (failedAttempts < 1) {
            throw new IllegalArgumentException("failedAttempts starts at 1: " + failedAttempts);
        }
        Duration backoff = initialBackoff;
        for (int i = 1; i < failedAttempts && backoff.compareTo(maxBackoff) < 0; i++) {
            backoff = backoff.multipliedBy(2);
        }
        return backoff.compareTo(maxBackoff) > 0 ? maxBackoff : backoff;
    }
}
