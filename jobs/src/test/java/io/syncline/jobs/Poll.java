package io.syncline.jobs;

import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import org.assertj.core.api.Assertions;

/** Waits for a condition by checking it repeatedly until a deadline; never waits a fixed time. */
public final class Poll {

    private Poll() {}

    /** Returns once {@code condition} holds; fails the test naming {@code what} at the deadline. */
    public static void until(Duration timeout, String what, Callable<Boolean> condition)
            throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.call()) {
            if (System.nanoTime() > deadline) {
                Assertions.fail("timed out after " + timeout + " waiting for " + what);
            }
            TimeUnit.MILLISECONDS.sleep(100);
        }
    }
}
