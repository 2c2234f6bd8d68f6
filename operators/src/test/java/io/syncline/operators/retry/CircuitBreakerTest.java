package io.syncline.operators.retry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.syncline.operators.MutableClock;
import io.syncline.operators.Poll;
import io.syncline.operators.retry.CircuitBreaker.State;
import java.net.ConnectException;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The breaker's states: closed, open, half-open, and back to closed or open. */
class CircuitBreakerTest {

    private static final Instant START = Instant.parse("2024-05-01T10:00:00Z");
    private static final String DATABASE = "PostgreSQL jdbc:postgresql://db:5432/warehouse";

    private final MutableClock clock = new MutableClock(START);
    private final CircuitBreaker breaker =
            new CircuitBreaker(
                    DATABASE, new CircuitBreakerSettings(Duration.ofSeconds(30), 3), clock);
    private final ConnectException refused = new ConnectException("Connection refused");

    @Test
    void closedItLetsCallsThroughAndASuccessForgetsEarlierFailures() throws Exception {
        breaker.acquire();
        breaker.recordFailure(refused);
        breaker.recordFailure(refused);
        breaker.recordSuccess();
        breaker.recordFailure(refused);
        breaker.recordFailure(refused);

        assertThat(breaker.state()).isEqualTo(State.CLOSED);
        assertThat(breaker.consecutiveFailures()).isEqualTo(2);
        assertThatCode(breaker::acquire).doesNotThrowAnyException();
        assertThat(breaker.opens()).isZero();
    }

    @Test
    void theThresholdsFailureInARowOpensItAndCallsFailFastNamingDependencyCauseAndRetryTime() {
        assertThat(breaker.recordFailure(refused)).isFalse();
        assertThat(breaker.recordFailure(refused)).isFalse();
        assertThat(breaker.recordFailure(refused)).as("the third failure opens it").isTrue();

        assertThat(breaker.state()).isEqualTo(State.OPEN);
        assertThat(breaker.opens()).isEqualTo(1);
        clock.advance(Duration.ofSeconds(10));
        assertThatThrownBy(breaker::acquire)
                .isInstanceOf(CircuitBreakerOpenException.class)
                .hasCause(refused)
                .hasMessage(
                        DATABASE
                                + " is unavailable: its circuit breaker opened at"
                                + " 2024-05-01T10:00:00Z after 3 failed call(s) in a row, the"
                                + " last: ConnectException: Connection refused; calls fail fast"
                                + " until 2024-05-01T10:00:30Z (in 20 s), then one call probes"
                                + " it")
                .satisfies(
                        e -> {
                            CircuitBreakerOpenException open = (CircuitBreakerOpenException) e;
                            assertThat(open.dependency()).isEqualTo(DATABASE);
                            assertThat(open.retryAt()).isEqualTo(START.plusSeconds(30));
                        });
    }

    @Test
    void aCallerWhoseRetriesAreUsedUpTripsItAtOnce() {
        breaker.recordFailure(refused);

        assertThat(breaker.trip(refused)).isTrue();
        assertThat(breaker.trip(refused)).as("already open").isFalse();
        assertThat(breaker.state()).isEqualTo(State.OPEN);
        assertThat(breaker.opens()).isEqualTo(1);
        assertThatThrownBy(breaker::acquire).isInstanceOf(CircuitBreakerOpenException.class);
    }

    @Test
    void afterOpenForOneProbeGoesThroughTheOthersWaitAndItsSuccessLetsThemOn() throws Exception {
        breaker.trip(refused);
        clock.advance(Duration.ofSeconds(30));

        breaker.acquire();
        assertThat(breaker.state()).isEqualTo(State.HALF_OPEN);
        Caller second = Caller.waiting(breaker);

        breaker.recordSuccess();
        assertThat(second.outcome()).as("the second caller, once the probe succeeded").isNull();
        assertThat(breaker.state()).isEqualTo(State.CLOSED);
        assertThat(breaker.consecutiveFailures()).isZero();
        assertThatCode(breaker::acquire).doesNotThrowAnyException();
    }

    @Test
    void aFailedProbeOpensItForAnotherOpenForAndRefusesTheCallersThatWaited() throws Exception {
        breaker.trip(refused);
        clock.advance(Duration.ofSeconds(31));
        breaker.acquire();
        Caller second = Caller.waiting(breaker);

        assertThat(breaker.recordFailure(refused)).as("the probe's failure opens it").isTrue();

        assertThat(second.outcome())
                .isInstanceOf(CircuitBreakerOpenException.class)
                .hasMessageContaining("until 2024-05-01T10:01:01Z (in 30 s)");
        assertThat(breaker.state()).isEqualTo(State.OPEN);
        assertThat(breaker.opens()).isEqualTo(2);
        assertThatThrownBy(breaker::acquire)
                .hasMessageContaining("until 2024-05-01T10:01:01Z (in 30 s)");
        clock.advance(Duration.ofSeconds(30));
        assertThatCode(breaker::acquire).doesNotThrowAnyException();
        assertThat(breaker.state()).isEqualTo(State.HALF_OPEN);
    }

    @Test
    void aProbeThatNeverReportsIsReplacedAfterOpenFor() throws Exception {
        breaker.trip(refused);
        clock.advance(Duration.ofSeconds(30));
        breaker.acquire();

        // The caller waits what is left of openFor (0.1 s), then is refused.
        clock.advance(Duration.ofMillis(29_900));
        assertThatThrownBy(breaker::acquire)
                .isInstanceOf(CircuitBreakerOpenException.class)
                .hasMessageContaining("a call is probing it now");
        clock.advance(Duration.ofMillis(100));
        assertThatCode(breaker::acquire).doesNotThrowAnyException();
        assertThat(breaker.state()).isEqualTo(State.HALF_OPEN);
    }

    @Test
    void aProbeAbandonedByItsCallerIsReplacedAtOnceByACallerThatWaited() throws Exception {
        breaker.trip(refused);
        clock.advance(Duration.ofSeconds(30));
        breaker.acquire();
        Caller second = Caller.waiting(breaker);
        Caller third = Caller.waiting(breaker);

        breaker.abandonProbe();

        // One of them is the new probe; the other waits for it.
        Caller probe = Caller.firstToEnd(second, third);
        Caller waiter = probe == second ? third : second;
        assertThat(probe.outcome()).isNull();
        assertThat(waiter.isWaiting()).as("the other caller waits for the new probe").isTrue();
        probe.abandonsAsTheProbe();
        assertThat(waiter.outcome()).as("the last caller, now the probe").isNull();
        assertThat(breaker.state()).isEqualTo(State.HALF_OPEN);
    }

    @Test
    void onlyTheProbesCallerCanAbandonIt() throws Exception {
        breaker.trip(refused);
        clock.advance(Duration.ofSeconds(30));
        breaker.acquire();
        Thread other = new Thread(breaker::abandonProbe);
        other.start();
        other.join();

        clock.advance(Duration.ofMillis(29_900));
        assertThatThrownBy(breaker::acquire)
                .as("the probe is still under way")
                .isInstanceOf(CircuitBreakerOpenException.class);
    }

    @Test
    void theStateGaugesCodesAreClosedZeroHalfOpenOneOpenTwo() {
        assertThat(State.CLOSED.code()).isZero();
        assertThat(State.HALF_OPEN.code()).isEqualTo(1);
        assertThat(State.OPEN.code()).isEqualTo(2);
    }

    @Test
    void everyCallerOfADependencyInTheJvmSharesItsBreaker() {
        String dependency = "PostgreSQL jdbc:postgresql://shared-" + System.nanoTime() + "/db";
        CircuitBreaker first = CircuitBreakers.of(dependency, CircuitBreakerSettings.DEFAULTS);

        first.trip(refused);

        assertThat(CircuitBreakers.of(dependency, CircuitBreakerSettings.DEFAULTS))
                .isSameAs(first)
                .extracting(CircuitBreaker::state)
                .isEqualTo(State.OPEN);
        assertThat(CircuitBreakers.of(dependency + "-other", CircuitBreakerSettings.DEFAULTS))
                .isNotSameAs(first)
                .extracting(CircuitBreaker::state)
                .isEqualTo(State.CLOSED);
    }

    /** A caller of {@link CircuitBreaker#acquire} on a thread of its own. */
    private static final class Caller {

        private final CircuitBreaker breaker;
        private final CompletableFuture<Throwable> outcome = new CompletableFuture<>();
        private final CountDownLatch abandon = new CountDownLatch(1);
        private final Thread thread;

        private Caller(CircuitBreaker breaker) {
            this.breaker = breaker;
            this.thread = new Thread(this::call, "caller");
            thread.setDaemon(true);
        }

        /** Starts a caller and returns once it waits in acquire. */
        static Caller waiting(CircuitBreaker breaker) {
            Caller caller = new Caller(breaker);
            caller.thread.start();
            Poll.until("the caller to wait", caller::isWaiting);
            return caller;
        }

        private void call() {
            try {
                breaker.acquire();
                outcome.complete(null);
                // A probe's caller stays until told to abandon the probe.
                abandon.await();
                breaker.abandonProbe();
            } catch (Exception e) {
                outcome.complete(e);
            }
        }

        boolean isWaiting() {
            return !outcome.isDone() && thread.getState() == Thread.State.TIMED_WAITING;
        }

        /** The first of two callers whose acquire ends; fails if neither does within 10 s. */
        static Caller firstToEnd(Caller one, Caller other) {
            Poll.until("a caller to end", () -> one.outcome.isDone() || other.outcome.isDone());
            return one.outcome.isDone() ? one : other;
        }

        /** Null if acquire returned, else what it threw; fails if it does not end within 10 s. */
        Throwable outcome() throws Exception {
            return outcome.get(10, TimeUnit.SECONDS);
        }

        void abandonsAsTheProbe() throws InterruptedException {
            abandon.countDown();
            thread.join(10_000);
        }
    }
}
