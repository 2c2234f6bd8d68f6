package io.syncline.operators.quality;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Map;

/**
 * A mergeable quantile sketch of lags in milliseconds (DDSketch-style logarithmic buckets), kept
 * directly in the Avro map {@code QualityAccumulator.lagBuckets}: bucket index as decimal text to
 * count. Its size grows with the spread of the lags, not their number (at most 2,186 buckets).
 *
 * <p>Accuracy: bucket {@code i} holds the lags in {@code (γ^(i-1), γ^i]} with {@code γ = (1 + a) /
 * (1 - a)}, {@code a = 0.01}, and reports them as {@code 2·γ^i / (γ + 1)}, which is within 1 % of
 * every value in the bucket. The reported quantile is that value rounded to whole milliseconds, so
 * it differs from the exact nearest-rank quantile {@code v} by at most {@code 0.01·v + 0.5} ms:
 * exactly right below 50 ms, within 2 % above. Merging loses nothing: the merge of two sketches is
 * the sketch of all their lags.
 */
public final class LagSketch {

    /** The relative accuracy {@code a}. */
    public static final double RELATIVE_ACCURACY = 0.01;

    private static final double GAMMA = (1 + RELATIVE_ACCURACY) / (1 - RELATIVE_ACCURACY);
    private static final double LOG_GAMMA = Math.log(GAMMA);

    /**
     * The bucket of lags of 0 ms, and of negative lags (source and Syncline clocks disagree). Lags
     * are whole milliseconds, so the lowest bucket of a positive lag is 0 (1 ms) and -1 is free.
     */
    public static final String ZERO_BUCKET = "-1";

    // add() runs for every delivered change: look the key text up instead of formatting it.
    private static final String[] KEYS = keys(indexOf(Long.MAX_VALUE));

    private LagSketch() {}

    /** Adds one lag of {@code millis} to {@code buckets}. */
    public static void add(Map<String, Long> buckets, long millis) {
        String key = millis <= 0 ? ZERO_BUCKET : KEYS[indexOf(millis)];
        buckets.merge(key, 1L, Long::sum);
    }

    /** Adds every lag of {@code from} to {@code into}. */
    public static void mergeInto(Map<String, Long> into, Map<String, Long> from) {
        from.forEach((key, count) -> into.merge(key, count, Long::sum));
    }

    /** How many lags {@code buckets} holds. */
    public static long count(Map<String, Long> buckets) {
        long count = 0;
        for (long bucketCount : buckets.values()) {
            count += bucketCount;
        }
        return count;
    }

    /**
     * The nearest-rank {@code q}-quantile: the value of the bucket holding the {@code ceil(q·n)}-th
     * smallest of the {@code n} lags, never more than {@code exactMax}.
     *
     * @param buckets a sketch holding at least one lag
     * @param q the quantile, from 0 to 1
     * @param exactMax the largest lag added, kept exactly beside the sketch
     */
    public static long quantile(Map<String, Long> buckets, double q, long exactMax) {
        if (!(q >= 0 && q <= 1)) {
            throw new IllegalArgumentException("quantile must be between 0 and 1: " + q);
        }
        long count = count(buckets);
        if (count == 0) {
            throw new IllegalArgumentException("the sketch holds no lags");
        }
        // Decimal arithmetic, so that e.g. 0.07 × 100 is rank 7, not 8.
        long rank =
                Math.max(
                        1,
                        new BigDecimal(Double.toString(q))
                                .multiply(BigDecimal.valueOf(count))
                                .setScale(0, RoundingMode.CEILING)
                                .longValueExact());
        List<Map.Entry<String, Long>> ascending =
                buckets.entrySet().stream()
                        .sorted(
                                Comparator.comparingInt(
                                        bucket -> Integer.parseInt(bucket.getKey())))
                        .toList();
        long seen = 0;
        for (Map.Entry<String, Long> bucket : ascending) {
            seen += bucket.getValue();
            if (seen >= rank) {
                return Math.min(valueOf(Integer.parseInt(bucket.getKey())), exactMax);
            }
        }
        throw new IllegalStateException("rank " + rank + " beyond " + count + " lags");
    }

    /** The bucket of a lag of at least 1 ms. */
    static int indexOf(long millis) {
        return (int) Math.ceil(Math.log(millis) / LOG_GAMMA);
    }

    /** The value bucket {@code index} reports, in whole milliseconds. */
    static long valueOf(int index) {
        if (index < 0) {
            return 0;
        }
        return Math.round(2 * Math.pow(GAMMA, index) / (GAMMA + 1));
    }

    private static String[] keys(int maxIndex) {
        String[] keys = new String[maxIndex + 1];
        Arrays.setAll(keys, Integer::toString);
        return keys;
    }
}
