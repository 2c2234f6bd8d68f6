package io.syncline.operators.observe;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class SourceLagTrackerTest {

    private static final SourceLagTracker TRACKER = new SourceLagTracker(Duration.ofSeconds(10));

    /** Commit time of the newest heartbeat. */
    private static final long BEAT = 1_000_000L;

    @Test
    void withinOneIntervalOfTheNewestHeartbeatTheLagIsItsArrivalLag() {
        assertThat(TRACKER.lagAt(BEAT + 200, BEAT, 200)).isEqualTo(200);
        assertThat(TRACKER.lagAt(BEAT + 5_000, BEAT, 200)).isEqualTo(200);
        assertThat(TRACKER.lagAt(BEAT + 10_000, BEAT, 200)).isEqualTo(200);
        assertThat(TRACKER.lagAt(BEAT + 10_200, BEAT, 200)).isEqualTo(200);
    }

    @Test
    void whenTheNextHeartbeatIsOverdueTheLagRisesWithTime() {
        assertThat(TRACKER.lagAt(BEAT + 10_201, BEAT, 200)).isEqualTo(201);
        assertThat(TRACKER.lagAt(BEAT + 15_000, BEAT, 200)).isEqualTo(5_000);
        assertThat(TRACKER.lagAt(BEAT + 70_000, BEAT, 200)).isEqualTo(60_000);
    }

    @Test
    void aHeartbeatThatArrivedLateKeepsItsArrivalLagUntilTheOverdueTimeExceedsIt() {
        assertThat(TRACKER.lagAt(BEAT + 30_000, BEAT, 25_000)).isEqualTo(25_000);
        assertThat(TRACKER.lagAt(BEAT + 40_000, BEAT, 25_000)).isEqualTo(30_000);
    }

    @Test
    void theLagIsNeverNegative() {
        // The source's clock ahead of Syncline's: the heartbeat seems to arrive before its commit.
        assertThat(TRACKER.lagAt(BEAT - 500, BEAT, -800)).isZero();
        assertThat(TRACKER.lagAt(BEAT + 1_000, BEAT, -800)).isZero();
    }

    @Test
    void theIntervalIsWhatTheLagIsMeasuredFrom() {
        SourceLagTracker everySecond = new SourceLagTracker(Duration.ofSeconds(1));

        assertThat(everySecond.lagAt(BEAT + 10_000, BEAT, 200)).isEqualTo(9_000);
    }
}
