package io.syncline.operators.retry;

import java.time.Duration;

/** Waits between retries; tests pass one that does not, or waits a few milliseconds. */
@FunctionalInterface
public interface Sleeper {

    /** Sleeps on the calling thread, and can be interrupted. */
    Sleeper SYSTEM = duration -> Thread.sleep(duration.toMillis());

    void sleep(Duration duration) throws InterruptedException;
}
