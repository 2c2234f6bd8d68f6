package io.syncline.operators.alert.notify;

import java.time.Clock;
import java.util.Objects;

/**
 * A rate limit of {@code perMinute} events a minute that allows a burst of as many: it starts full
 * and refills continuously. Not thread-safe; each channel's limit is taken on one thread.
 */
final class TokenBucket {

    private static final double MILLIS_PER_MINUTE = 60_000.0;

    private final int perMinute;
    private final Clock clock;
    private double tokens;
    private long refilledAt;

    TokenBucket(int perMinute, Clock clock) {
        if (perMinute < 1) {
            throw new IllegalArgumentException(
                    "the rate must be at least 1 a minute: " + perMinute);
        }
        this.perMinute = perMinute;
        this.clock = Objects.requireNonNull(clock, "clock");
        this.tokens = perMinute;
        this.refilledAt = clock.millis();
    }

    /** Takes one token if there is one: whether the event is within the limit. */
    boolean tryTake() {
        long now = clock.millis();
        if (now > refilledAt) {
            tokens =
                    Math.min(
                            perMinute, tokens + (now - refilledAt) * perMinute / MILLIS_PER_MINUTE);
            refilledAt = now;
        }
        if (tokens >= 1) {
            tokens -= 1;
            return true;
        }
        return false;
    }
}
