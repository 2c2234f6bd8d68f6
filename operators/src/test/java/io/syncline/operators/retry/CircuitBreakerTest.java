package io.syncline.operators.retry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.syncline.operators.MutableClock;
import io.syncline.operators.retry.CircuitBreaker.State;
import java.net.ConnectException;
import java.time.Duration;
import java.time.Instant;
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
    void afterOpenForOneProbeGoesThroughAndItsSuccessClosesTheBreaker() throws Exception {
        breaker.trip(refused);
        clock.advance(Duration.ofSeconds(30));

        breaker.acquire();
        assertThat(breaker.state()).isEqualTo(State.HALF_OPEN);
        assertThatThrownBy(breaker::acquire)
                .as("a second caller while the probe is under way")
                .isInstanceOf(CircuitBreakerOpenException.class)
                .hasMessageContaining("a call is probing it now");

        breaker.recordSuccess();
        assertThat(breaker.state()).isEqualTo(State.CLOSED);
        assertThat(breaker.consecutiveFailures()).isZero();
        assertThatCode(breaker::acquire).doesNotThrowAnyException();
    }

    @Test
    void aFailedProbeOpensItForAnotherOpenFor() throws Exception {
        breaker.trip(refused);
        clock.advance(Duration.ofSeconds(31));
        breaker.acquire();

        assertThat(breaker.recordFailure(refused)).as("the probe's failure opens it").isTrue();

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

        clock.advance(Duration.ofSeconds(29));
        assertThatThrownBy(breaker::acquire).isInstanceOf(CircuitBreakerOpenException.class);
        clock.advance(Duration.ofSeconds(1));
        assertThatCode(breaker::acquire).doesNotThrowAnyException();
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
}
