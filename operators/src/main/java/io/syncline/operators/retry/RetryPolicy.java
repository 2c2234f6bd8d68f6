package io.syncline.operators.retry;

import java.io.Serializable;
import java.time.Duration;
import java.util.Objects;
import java.util.random.RandomGenerator;

/**
 * How often an operation that failed for a passing reason (a 5xx, a timeout, a database that is
 * restarting) is tried again, and how long to wait in between: the wait grows by {@code multiplier}
 * from {@code initialBackoff} up to {@code maxBackoff}, each wait spread by up to {@code jitter} of
 * itself either way so that many callers failing together do not come back together.
 *
 * @param maxAttempts attempts in all, the first included
 * @param initialBackoff the wait after the first failure
 * @param maxBackoff the longest wait
 * @param multiplier how much each wait grows over the one before (1 keeps it constant)
 * @param jitter the share of a wait it may be shortened or lengthened by at random, 0 to 1
 */
public record RetryPolicy(
        int maxAttempts,
        Duration initialBackoff,
        Duration maxBackoff,
        double multiplier,
        double jitter)
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
        if (!(multiplier >= 1.0)) {
            throw new IllegalArgumentException(
                    "retry.multiplier must be at least 1: " + multiplier);
        }
        if (!(jitter >= 0.0 && jitter <= 1.0)) {
            throw new IllegalArgumentException("retry.jitter must be between 0 and 1: " + jitter);
        }
    }

    /** Doubling waits without jitter. */
    public RetryPolicy(int maxAttempts, Duration initialBackoff, Duration maxBackoff) {
        this(maxAttempts, initialBackoff, maxBackoff, 2.0, 0.0);
    }

    /** Five attempts, waiting 1 s, 2 s, 4 s and 8 s in between, never more than a minute. */
    public static RetryPolicy defaults() {
        return new RetryPolicy(5, Duration.ofSeconds(1), Duration.ofMinutes(1));
    }

    /** A policy of one attempt and up to {@code maxRetries} more. */
    public static RetryPolicy ofRetries(
            int maxRetries,
            Duration initialBackoff,
            Duration maxBackoff,
            double multiplier,
            double jitter) {
        if (maxRetries < 0) {
            throw new IllegalArgumentException(
                    "retry.maxRetries must be at least 0: " + maxRetries);
        }
        return new RetryPolicy(maxRetries + 1, initialBackoff, maxBackoff, multiplier, jitter);
    }

    /** The attempts after the first. */
    public int maxRetries() {
        return maxAttempts - 1;
    }

    /** The wait after the {@code failedAttempts}-th failed attempt (1 for the first), no jitter. */
    public Duration backoff(int failedAttempts) {
        if (failedAttempts < 1) {
            throw new IllegalArgumentException("failedAttempts starts at 1: " + failedAttempts);
        }
        double millis = initialBackoff.toNanos() / 1e6;
        double maxMillis = maxBackoff.toNanos() / 1e6;
        for (int i = 1; i < failedAttempts && millis < maxMillis; i++) {
            millis *= multiplier;
        }
        return millis >= maxMillis ? maxBackoff : Duration.ofNanos(Math.round(millis * 1e6));
    }

    /**
     * The wait after the {@code failedAttempts}-th failed attempt, spread by up to {@link #jitter}
     * with {@code random} and never longer than {@link #maxBackoff}.
     */
    public Duration backoff(int failedAttempts, RandomGenerator random) {
        Duration backoff = backoff(failedAttempts);
        if (jitter == 0.0) {
            return backoff;
        }
        double factor = 1.0 + jitter * (2.0 * random.nextDouble() - 1.0);
        Duration spread = Duration.ofNanos(Math.round(backoff.toNanos() * factor));
        return spread.compareTo(maxBackoff) > 0 ? maxBackoff : spread;
    }
}
