package io.syncline.operators.http;

import io.syncline.operators.retry.RetryPolicy;
import io.syncline.operators.retry.Sleeper;
import java.time.Duration;
import java.util.random.RandomGenerator;

/**
 * The failed attempts of one request: each failure waits (the server's Retry-After when it gave
 * one, else the policy's growing backoff) until the policy's attempts are used up, then throws.
 */
final class Attempts {

    private final RetryPolicy policy;
    private final Sleeper sleeper;
    private final RandomGenerator random;
    private final String what;
    private int failures;

    Attempts(RetryPolicy policy, Sleeper sleeper, RandomGenerator random, String what) {
        this.policy = policy;
        this.sleeper = sleeper;
        this.random = random;
        this.what = what;
    }

    /**
     * Records a failure and waits before the next attempt: {@code retryAfter} when not null, else
     * the policy's backoff.
     *
     * @throws HttpSourceException when this was the last attempt
     */
    void failed(String reason, Duration retryAfter, Throwable cause)
            throws HttpSourceException, InterruptedException {
        failures++;
        if (failures >= policy.maxAttempts()) {
            throw new HttpSourceException(
                    what
                            + " failed "
                            + failures
                            + " times, last: "
                            + reason
                            + "; the job restarts and reads on from its last checkpoint (raise"
                            + " retry.maxAttempts or retry.maxBackoff to wait longer)",
                    cause);
        }
        sleeper.sleep(retryAfter != null ? retryAfter : policy.backoff(failures, random));
    }

    int failures() {
        return failures;
    }
}
