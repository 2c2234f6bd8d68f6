package io.syncline.jobs.reconcile;

import java.time.Duration;
import java.util.Objects;

/**
 * How a reconciliation splits and compares.
 *
 * @param parallelism ranges compared at once, each with a connection to either side
 * @param rangeRows rows per range of the first split of a tenant's entity type
 * @param fanOut ranges a differing range is split into
 * @param leafRows a differing range with at most this many rows on either side is compared row by
 *     row (keys and hashes transferred) instead of split further
 * @param settle how long to wait before checking each difference again, so that changes still
 *     travelling through the sync job are not reported; zero checks nothing again
 */
public record ReconcileSettings(
        int parallelism, long rangeRows, int fanOut, int leafRows, Duration settle) {

    public static final ReconcileSettings DEFAULTS =
            new ReconcileSettings(4, 10_000, 16, 1024, Duration.ofSeconds(5));

    public ReconcileSettings {
        Objects.requireNonNull(settle, "settle");
        if (parallelism < 1) {
            throw new IllegalArgumentException("parallelism must be at least 1: " + parallelism);
        }
        if (rangeRows < 1) {
            throw new IllegalArgumentException("rangeRows must be at least 1: " + rangeRows);
        }
        if (fanOut < 2) {
            throw new IllegalArgumentException("fanOut must be at least 2: " + fanOut);
        }
        if (leafRows < 1) {
            throw new IllegalArgumentException("leafRows must be at least 1: " + leafRows);
        }
        if (settle.isNegative()) {
            throw new IllegalArgumentException("settle must not be negative: " + settle);
        }
    }

    /** These settings with {@code settle} instead. */
    public ReconcileSettings withSettle(Duration settle) {
        return new ReconcileSettings(parallelism, rangeRows, fanOut, leafRows, settle);
    }
}
