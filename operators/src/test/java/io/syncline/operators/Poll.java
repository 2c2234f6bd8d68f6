package io.syncline.operators;

import java.time.Duration;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;

/** Waits for a condition other threads bring about, up to a deadline. */
public final class Poll {

    private static final Duration DEADLINE = Duration.ofSeconds(10);

    private Poll() {}

    /** Returns once {@code condition} holds; fails naming {@code what} if it does not in time. */
    public static void until(String what, BooleanSupplier condition) {
        long deadline = System.nanoTime() + DEADLINE.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("not within " + DEADLINE + ": " + what);
            }
            LockSupport.parkNanos(Duration.ofMillis(5).toNanos());
        }
    }
}
