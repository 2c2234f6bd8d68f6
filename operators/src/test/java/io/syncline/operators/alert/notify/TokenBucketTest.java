package io.syncline.operators.alert.notify;

import static org.assertj.core.api.Assertions.assertThat;

import io.syncline.operators.MutableClock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class TokenBucketTest {

    private final MutableClock clock = new MutableClock(Instant.parse("2024-05-01T10:00:00Z"));

    @Test
    void aBurstOfTheRateIsAllowedThenTheRestIsRefused() {
        TokenBucket bucket = new TokenBucket(3, clock);

        assertThat(takes(bucket, 5)).containsExactly(true, true, true, false, false);
    }

    @Test
    void tokensComeBackAtTheRate() {
        TokenBucket bucket = new TokenBucket(2, clock);
        takes(bucket, 2);

        clock.advance(Duration.ofSeconds(29));
        boolean before = bucket.tryTake();
        clock.advance(Duration.ofSeconds(1));
        boolean after = bucket.tryTake();
        // However long it waited, a bucket holds one minute's worth at most.
        clock.advance(Duration.ofHours(1));

        assertThat(before).isFalse();
        assertThat(after).isTrue();
        assertThat(takes(bucket, 3)).containsExactly(true, true, false);
    }

    private static List<Boolean> takes(TokenBucket bucket, int times) {
        List<Boolean> taken = new ArrayList<>();
        for (int i = 0; i < times; i++) {
            taken.add(bucket.tryTake());
        }
        return taken;
    }
}
