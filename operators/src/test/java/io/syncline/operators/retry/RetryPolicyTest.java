package io.syncline.operators.retry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/** The waits between attempts: their growth, their cap and their jitter. */
class RetryPolicyTest {

    @Test
    void theTargetsDefaultsGrowFrom200MillisecondsByTwoUpTo10Seconds() {
        RetryPolicy policy =
                RetryPolicy.ofRetries(5, Duration.ofMillis(200), Duration.ofSeconds(10), 2.0, 0.0);

        assertThat(policy.maxRetries()).isEqualTo(5);
        assertThat(policy.maxAttempts()).isEqualTo(6);
        assertThat(backoffs(policy, 8))
                .containsExactly(
                        Duration.ofMillis(200),
                        Duration.ofMillis(400),
                        Duration.ofMillis(800),
                        Duration.ofMillis(1600),
                        Duration.ofMillis(3200),
                        Duration.ofMillis(6400),
                        Duration.ofSeconds(10),
                        Duration.ofSeconds(10));
    }

    @Test
    void theNotifiersDefaultsDoubleFromOneSecondUpToAMinute() {
        RetryPolicy policy = RetryPolicy.defaults();

        assertThat(policy.maxAttempts()).isEqualTo(5);
        assertThat(backoffs(policy, 8))
                .containsExactly(
                        Duration.ofSeconds(1),
                        Duration.ofSeconds(2),
                        Duration.ofSeconds(4),
                        Duration.ofSeconds(8),
                        Duration.ofSeconds(16),
                        Duration.ofSeconds(32),
                        Duration.ofMinutes(1),
                        Duration.ofMinutes(1));
    }

    @Test
    void aMultiplierOfThreeTriplesAndOneKeepsTheWaitConstant() {
        assertThat(
                        backoffs(
                                new RetryPolicy(
                                        4, Duration.ofMillis(100), Duration.ofSeconds(1), 3.0, 0),
                                4))
                .containsExactly(
                        Duration.ofMillis(100),
                        Duration.ofMillis(300),
                        Duration.ofMillis(900),
                        Duration.ofSeconds(1));
        assertThat(
                        backoffs(
                                new RetryPolicy(
                                        4, Duration.ofMillis(100), Duration.ofSeconds(1), 1.0, 0),
                                3))
                .containsOnly(Duration.ofMillis(100));
    }

    @Test
    void jitterSpreadsEachWaitWithinItsShareAndNeverBeyondTheLongestWait() {
        RetryPolicy policy =
                RetryPolicy.ofRetries(5, Duration.ofMillis(200), Duration.ofSeconds(1), 2.0, 0.25);
        SplittableRandom random = new SplittableRandom(42);
        Set<Duration> firstWaits = new HashSet<>();

        for (int i = 0; i < 1_000; i++) {
            Duration first = policy.backoff(1, random);
            firstWaits.add(first);
            assertThat(first).isBetween(Duration.ofMillis(150), Duration.ofMillis(250));
            assertThat(policy.backoff(3, random))
                    .isBetween(Duration.ofMillis(600), Duration.ofSeconds(1));
            assertThat(policy.backoff(4, random))
                    .isBetween(Duration.ofMillis(750), Duration.ofSeconds(1));
        }
        assertThat(firstWaits).as("waits spread by jitter").hasSizeGreaterThan(100);
    }

    @Test
    void valuesThatMakeNoSenseAreRefused() {
        assertThatThrownBy(() -> new RetryPolicy(0, Duration.ZERO, Duration.ZERO))
                .hasMessageContaining("maxAttempts must be at least 1");
        assertThatThrownBy(() -> RetryPolicy.ofRetries(-1, Duration.ZERO, Duration.ZERO, 2.0, 0.0))
                .hasMessageContaining("maxRetries must be at least 0: -1");
        assertThatThrownBy(() -> new RetryPolicy(3, Duration.ofSeconds(2), Duration.ofSeconds(1)))
                .hasMessageContaining("at most retry.maxBackoff");
        assertThatThrownBy(
                        () ->
                                new RetryPolicy(
                                        3, Duration.ofSeconds(1), Duration.ofSeconds(1), 0.5, 0))
                .hasMessageContaining("multiplier must be at least 1: 0.5");
        assertThatThrownBy(
                        () ->
                                new RetryPolicy(
                                        3, Duration.ofSeconds(1), Duration.ofSeconds(1), 2, 1.5))
                .hasMessageContaining("jitter must be between 0 and 1: 1.5");
    }

    private static List<Duration> backoffs(RetryPolicy policy, int count) {
        return IntStream.rangeClosed(1, count).mapToObj(policy::backoff).toList();
    }
}
