package io.syncline.operators.resolve;

import static org.assertj.core.api.Assertions.assertThat;

import io.syncline.operators.resolve.VectorClocks.Order;
import java.util.Map;
import org.junit.jupiter.api.Test;

class VectorClocksTest {

    @Test
    void clocksThatSawTheSameChangesAreEqual() {
        assertThat(VectorClocks.compare(Map.of("a", 2L, "b", 1L), Map.of("b", 1L, "a", 2L)))
                .isEqualTo(Order.EQUAL);
        assertThat(VectorClocks.compare(Map.of(), Map.of())).isEqualTo(Order.EQUAL);
    }

    @Test
    void aMissingEntryCountsAsZero() {
        assertThat(VectorClocks.compare(Map.of("a", 1L, "b", 0L), Map.of("a", 1L)))
                .isEqualTo(Order.EQUAL);
        assertThat(VectorClocks.compare(Map.of(), Map.of("a", 1L))).isEqualTo(Order.BEFORE);
    }

    @Test
    void aClockThatSawMoreIsAfter() {
        assertThat(VectorClocks.compare(Map.of("a", 2L, "b", 1L), Map.of("a", 1L, "b", 1L)))
                .isEqualTo(Order.AFTER);
        assertThat(VectorClocks.compare(Map.of("a", 1L, "b", 1L), Map.of("a", 1L)))
                .isEqualTo(Order.AFTER);
    }

    @Test
    void aClockThatSawLessIsBefore() {
        assertThat(VectorClocks.compare(Map.of("a", 1L), Map.of("a", 1L, "b", 3L)))
                .isEqualTo(Order.BEFORE);
    }

    @Test
    void clocksThatEachSawAChangeTheOtherDidNotAreConcurrent() {
        assertThat(VectorClocks.compare(Map.of("a", 1L), Map.of("b", 1L)))
                .isEqualTo(Order.CONCURRENT);
        assertThat(VectorClocks.compare(Map.of("a", 3L, "b", 1L), Map.of("a", 2L, "b", 2L)))
                .isEqualTo(Order.CONCURRENT);
    }

    @Test
    void mergeTakesTheEntryWiseMaximumAndLeavesItsInputsAlone() {
        Map<String, Long> left = Map.of("a", 3L, "b", 1L);
        Map<String, Long> right = Map.of("b", 4L, "c", 2L);

        Map<String, Long> merged = VectorClocks.merge(left, right);

        assertThat(merged).isEqualTo(Map.of("a", 3L, "b", 4L, "c", 2L));
        assertThat(left).isEqualTo(Map.of("a", 3L, "b", 1L));
        assertThat(right).isEqualTo(Map.of("b", 4L, "c", 2L));
        assertThat(VectorClocks.compare(merged, left)).isEqualTo(Order.AFTER);
        assertThat(VectorClocks.compare(merged, right)).isEqualTo(Order.AFTER);
    }
}
