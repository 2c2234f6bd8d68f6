package io.syncline.operators.observe;

import static org.assertj.core.api.Assertions.assertThat;

import io.syncline.operators.observe.HeartbeatSequence.Step;
import org.junit.jupiter.api.Test;

class HeartbeatSequenceTest {

    @Test
    void theFirstNumberSetsTheBaselineWhateverItIs() {
        assertThat(HeartbeatSequence.step(null, 1)).isEqualTo(Step.FIRST);
        assertThat(HeartbeatSequence.step(null, 4_711)).isEqualTo(Step.FIRST);
    }

    @Test
    void theNextNumberIsNormal() {
        assertThat(HeartbeatSequence.step(41L, 42)).isEqualTo(Step.NEXT);
        assertThat(HeartbeatSequence.step(0L, 1)).isEqualTo(Step.NEXT);
    }

    @Test
    void aNumberDeliveredBeforeIsAReplay() {
        assertThat(HeartbeatSequence.step(41L, 41)).isEqualTo(Step.REPLAY);
        assertThat(HeartbeatSequence.step(41L, 1)).isEqualTo(Step.REPLAY);
    }

    @Test
    void aNumberBeyondTheNextIsAGap() {
        assertThat(HeartbeatSequence.step(41L, 43)).isEqualTo(Step.GAP);
        assertThat(HeartbeatSequence.step(41L, 1_000)).isEqualTo(Step.GAP);
    }
}
