package io.syncline.operators.quality;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;

/** The lag sketch's quantiles against exact nearest-rank quantiles of known lags. */
class LagSketchTest {

    @Test
    void quantilesOfOneToAThousandAreWithinTheGuarantee() {
        long[] lags = LongStream.rangeClosed(1, 1000).toArray();
        Map<String, Long> sketch = sketchOf(lags);

        // The sketch's values for the buckets holding 500, 950, 990 and (capped) 1000.
        assertThat(LagSketch.quantile(sketch, 0.50, 1000)).isEqualTo(498);
        assertThat(LagSketch.quantile(sketch, 0.95, 1000)).isEqualTo(944);
        assertThat(LagSketch.quantile(sketch, 0.99, 1000)).isEqualTo(983);
        assertThat(LagSketch.quantile(sketch, 1.00, 1000)).isEqualTo(1000);
        for (int percent = 0; percent <= 100; percent++) {
            assertWithinGuarantee(
                    LagSketch.quantile(sketch, percent / 100.0, 1000),
                    exactPercentile(lags, percent));
        }
    }

    @Test
    void everySingleLagComesBackWithinTheGuaranteeAndExactBelowFiftyMillis() {
        for (long lag = 1; lag <= 200_000; lag++) {
            Map<String, Long> sketch = sketchOf(lag);

            long estimate = LagSketch.quantile(sketch, 0.5, lag);

            assertWithinGuarantee(estimate, lag);
            if (lag < 50) {
                assertThat(estimate).isEqualTo(lag);
            }
        }
    }

    @Test
    void aConstantLagIsItsOwnQuantileWhenTheMaxCapsTheBucketValue() {
        long[] lags = new long[1000];
        Arrays.fill(lags, 250);
        Map<String, Long> sketch = sketchOf(lags);

        // 250 ms falls in a bucket worth 252 ms; the exact max caps it.
        assertThat(sketch).containsExactly(Map.entry("277", 1000L));
        assertThat(LagSketch.quantile(sketch, 0.01, 250)).isEqualTo(250);
        assertThat(LagSketch.quantile(sketch, 0.99, 250)).isEqualTo(250);
    }

    @Test
    void zeroAndNegativeLagsCountAsZero() {
        Map<String, Long> sketch = sketchOf(0, -15, -1, 0, 8);

        assertThat(sketch).containsOnly(Map.entry(LagSketch.ZERO_BUCKET, 4L), Map.entry("104", 1L));
        assertThat(LagSketch.quantile(sketch, 0.50, 8)).isZero();
        assertThat(LagSketch.quantile(sketch, 0.80, 8)).isZero();
        assertThat(LagSketch.quantile(sketch, 0.81, 8)).isEqualTo(8);
    }

    @Test
    void aSingleSampleIsEveryQuantile() {
        Map<String, Long> sketch = sketchOf(1234);

        assertThat(LagSketch.quantile(sketch, 0.0, 1234)).isEqualTo(1224);
        assertThat(LagSketch.quantile(sketch, 0.5, 1234)).isEqualTo(1224);
        assertThat(LagSketch.quantile(sketch, 1.0, 1234)).isEqualTo(1224);
    }

    @Test
    void rankIsComputedInDecimalsSoSevenPercentOfAHundredIsTheSeventh() {
        long[] lags = LongStream.rangeClosed(1, 100).toArray();

        // In binary floating point 0.07 × 100 is 7.000000000000001, which would round up to 8.
        assertThat(LagSketch.quantile(sketchOf(lags), 0.07, 100)).isEqualTo(7);
    }

    @Test
    void quantileNeverExceedsTheExactMax() {
        for (long max = 1; max <= 20_000; max++) {
            Map<String, Long> sketch = sketchOf(max / 2, max);

            assertThat(LagSketch.quantile(sketch, 1.0, max)).isLessThanOrEqualTo(max);
        }
    }

    @Test
    void mergedSketchesEqualTheSketchOfAllLags() {
        long[] early = {0, 3, 17, 250, 250, 1200, 7000};
        long[] late = {-4, 3, 99, 250, 86_400_000};
        Map<String, Long> merged = sketchOf(early);

        LagSketch.mergeInto(merged, sketchOf(late));

        assertThat(merged)
                .isEqualTo(sketchOf(0, 3, 17, 250, 250, 1200, 7000, -4, 3, 99, 250, 86_400_000));
        assertThat(LagSketch.count(merged)).isEqualTo(12);
    }

    @Test
    void theLargestLagHasABucket() {
        Map<String, Long> sketch = sketchOf(Long.MAX_VALUE);

        assertThat(LagSketch.quantile(sketch, 1.0, Long.MAX_VALUE)).isEqualTo(Long.MAX_VALUE);
    }

    @Test
    void emptySketchOrQuantileOutsideZeroToOneIsRefused() {
        assertThatThrownBy(() -> LagSketch.quantile(new HashMap<>(), 0.5, 0))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("the sketch holds no lags");
        assertThatThrownBy(() -> LagSketch.quantile(sketchOf(5), 1.5, 5))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("quantile must be between 0 and 1: 1.5");
        assertThatThrownBy(() -> LagSketch.quantile(sketchOf(5), Double.NaN, 5))
                .isInstanceOf(IllegalArgumentException.class);
    }

    private static Map<String, Long> sketchOf(long... lags) {
        Map<String, Long> sketch = new HashMap<>();
        for (long lag : lags) {
            LagSketch.add(sketch, lag);
        }
        return sketch;
    }

    /** The ceil(percent·n / 100)-th smallest lag (the first for 0 %), in integer arithmetic. */
    private static long exactPercentile(long[] lags, int percent) {
        long[] sorted = lags.clone();
        Arrays.sort(sorted);
        int rank = Math.max(1, (percent * sorted.length + 99) / 100);
        return sorted[rank - 1];
    }

    /** The documented guarantee: 1 % of the exact value, plus rounding to whole milliseconds. */
    private static void assertWithinGuarantee(long estimate, long exact) {
        assertThat((double) Math.abs(estimate - exact))
                .as("estimate %d of %d", estimate, exact)
                .isLessThanOrEqualTo(0.01 * exact + 0.5);
    }
}
