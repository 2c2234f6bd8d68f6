package io.syncline.operators.retry;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Stops callers from hammering a dependency that is down. Closed, every call goes through; after
 * {@link CircuitBreakerSettings#failureThreshold()} failed calls in a row, or when a caller has
 * used up its retries ({@link #trip}), it opens: for {@link CircuitBreakerSettings#openFor()} every
 * call is refused at once with a {@link CircuitBreakerOpenException}. Then it is half-open: one
 * call probes the dependency while the others wait; its success closes the breaker, its failure
 * opens it again.
 *
 * <p>Thread-safe: one breaker serves every caller of a dependency in the JVM (see {@link
 * CircuitBreakers}).
 */
public final class CircuitBreaker {

    private static final Logger LOG = LoggerFactory.getLogger(CircuitBreaker.class);

    /** Where the breaker stands; {@link #code()} is what the state gauge shows. */
    public enum State {
        CLOSED(0),
        HALF_OPEN(1),
        OPEN(2);

        private final int code;

        State(int code) {
            this.code = code;
        }

        /** 0 closed, 1 half-open, 2 open. */
        public int code() {
            return code;
        }
    }

    private final String dependency;
    private final CircuitBreakerSettings settings;
    private final Clock clock;

    private State state = State.CLOSED;
    private int consecutiveFailures;
    private int failuresWhenOpened;
    private Instant openedAt;
    private Instant retryAt;
    // When the half-open probe was let through; null while none is under way.
    private Instant probeStartedAt;
    // The thread of the caller that probes; null while none does.
    private Thread probe;
    private Throwable lastCause;
    private long opens;

    /**
     * @param dependency what the breaker guards, as messages name it, e.g. {@code PostgreSQL
     *     jdbc:postgresql://db:5432/warehouse}
     */
    public CircuitBreaker(String dependency, CircuitBreakerSettings settings, Clock clock) {
        this.dependency = Objects.requireNonNull(dependency, "dependency");
        this.settings = Objects.requireNonNull(settings, "settings");
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    /**
     * Lets a call through, or refuses it while the breaker is open. After {@code openFor} the first
     * caller is the probe. Callers that come while the probe is under way wait for its report: they
     * go on once it succeeded and are refused once it failed. A probe that never reports is
     * replaced after {@code openFor}; one whose caller gives up without a verdict ({@link
     * #abandonProbe}) is replaced at once.
     *
     * <p>Waiting rather than refusing matters because every sink of a job that writes to one
     * database shares its breaker: a refused sink fails the job, Flink cancels the probing sink
     * before it reports, and the breaker could stay half-open through restart after restart.
     *
     * @throws CircuitBreakerOpenException naming the dependency, the last failure and when calls
     *     are let through again
     * @throws InterruptedException if the caller is interrupted (its task is cancelled) while it
     *     waits for the probe
     */
    public synchronized void acquire() throws CircuitBreakerOpenException, InterruptedException {
        long waitUntilNanos = 0;
        while (true) {
            Instant now = clock.instant();
            if (state == State.CLOSED) {
                return;
            }
            if (state == State.OPEN) {
                if (now.isBefore(retryAt)) {
                    throw openException(now);
                }
                state = State.HALF_OPEN;
                probeStartedAt = null;
                LOG.info("Circuit breaker of {} is half-open: one call probes it", dependency);
            }
            if (probeStartedAt == null || !now.isBefore(probeStartedAt.plus(openFor()))) {
                probeStartedAt = now;
                probe = Thread.currentThread();
                return;
            }
            if (waitUntilNanos == 0) {
                waitUntilNanos =
                        System.nanoTime()
                                + Duration.between(now, probeStartedAt.plus(openFor())).toNanos();
            }
            long left = waitUntilNanos - System.nanoTime();
            if (left <= 0) {
                throw openException(now);
            }
            TimeUnit.NANOSECONDS.timedWait(this, left);
        }
    }

    /**
     * The caller that probes the breaker gave up without a verdict on the dependency (its task was
     * cancelled, or it failed for a reason of its own): the next caller probes at once. Does
     * nothing for a caller that is not the probe, so callers may call it in a {@code finally}.
     */
    public synchronized void abandonProbe() {
        if (state == State.HALF_OPEN && probe == Thread.currentThread()) {
            probeStartedAt = null;
            probe = null;
            notifyAll();
        }
    }

    /** A call succeeded: the dependency works, so the breaker closes. */
    public synchronized void recordSuccess() {
        if (state != State.CLOSED) {
            LOG.info("Circuit breaker of {} is closed again: a call succeeded", dependency);
        }
        state = State.CLOSED;
        consecutiveFailures = 0;
        probeStartedAt = null;
        probe = null;
        notifyAll();
    }

    /**
     * A call failed because of the dependency. The breaker opens on the threshold's failure in a
     * row, or on the half-open probe's failure.
     *
     * @return whether this failure opened the breaker
     */
    public synchronized boolean recordFailure(Throwable cause) {
        lastCause = Objects.requireNonNull(cause, "cause");
        consecutiveFailures++;
        boolean opens =
                state == State.HALF_OPEN
                        || (state == State.CLOSED
                                && consecutiveFailures >= settings.failureThreshold());
        if (opens) {
            open();
        }
        return opens;
    }

    /**
     * Opens the breaker at once: a caller has used up its retries against the dependency.
     *
     * @return whether it was not open already
     */
    public synchronized boolean trip(Throwable cause) {
        lastCause = Objects.requireNonNull(cause, "cause");
        if (state == State.OPEN) {
            return false;
        }
        open();
        return true;
    }

    private void open() {
        Instant now = clock.instant().truncatedTo(ChronoUnit.MILLIS);
        state = State.OPEN;
        openedAt = now;
        retryAt = now.plus(openFor());
        failuresWhenOpened = consecutiveFailures;
        probeStartedAt = null;
        probe = null;
        opens++;
        notifyAll();
        LOG.warn(
                "Circuit breaker of {} opened after {} failed call(s) in a row, the last: {};"
                        + " calls fail fast until {}",
                dependency,
                failuresWhenOpened,
                describe(lastCause),
                retryAt);
    }

    /**
     * The exception a refused call, or a caller that tripped the breaker, fails with: it names the
     * dependency, the last failure (also its cause) and when calls are let through again.
     */
    public synchronized CircuitBreakerOpenException openException() {
        return openException(clock.instant());
    }

    private CircuitBreakerOpenException openException(Instant now) {
        Instant until =
                state == State.HALF_OPEN && probeStartedAt != null
                        ? probeStartedAt.plus(openFor())
                        : retryAt;
        String probe =
                state == State.HALF_OPEN
                        ? "a call is probing it now; if the probe does not report, another call"
                                + " probes it at "
                                + until
                        : "calls fail fast until "
                                + until
                                + " (in "
                                + Duration.between(now, until).toSeconds()
                                + " s), then one call probes it";
        return new CircuitBreakerOpenException(
                dependency,
                until,
                dependency
                        + " is unavailable: its circuit breaker opened at "
                        + openedAt
                        + " after "
                        + failuresWhenOpened
                        + " failed call(s) in a row, the last: "
                        + describe(lastCause)
                        + "; "
                        + probe,
                lastCause);
    }

    private static String describe(Throwable cause) {
        return cause == null
                ? "none"
                : cause.getClass().getSimpleName() + ": " + cause.getMessage();
    }

    private Duration openFor() {
        return settings.openFor();
    }

    /** What the breaker guards. */
    public String dependency() {
        return dependency;
    }

    public CircuitBreakerSettings settings() {
        return settings;
    }

    public synchronized State state() {
        return state;
    }

    /** How often the breaker has opened. */
    public synchronized long opens() {
        return opens;
    }

    /** Failed calls since the last success. */
    public synchronized int consecutiveFailures() {
        return consecutiveFailures;
    }
}
