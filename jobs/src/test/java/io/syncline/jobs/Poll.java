package io.syncline.jobs;

import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import org.apache.flink.core.execution.JobClient;
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

    /**
     * Cancels {@code job} and returns once it is gone: until then its tasks may still write
     * checkpoints into a test's temporary directory, which JUnit deletes after the test.
     */
    public static void cancel(JobClient job) throws Exception {
        job.cancel().get();
        until(
                Duration.ofMinutes(2),
                "job " + job.getJobID() + " to be cancelled",
                () -> job.getJobStatus().get().isGloballyTerminalState());
    }
}
