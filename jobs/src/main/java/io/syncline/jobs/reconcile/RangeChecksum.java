package io.syncline.jobs.reconcile;

import java.math.BigInteger;
import java.util.Objects;

/**
 * What one side holds in a key range, in three numbers: its row count and the sums of two
 * differently seeded 64-bit hashes of its rows. Equal checksums mean equal rows, but for hash
 * collisions of about 2^-128.
 */
public record RangeChecksum(long rows, BigInteger hashSum, BigInteger seededHashSum) {

    public RangeChecksum {
        Objects.requireNonNull(hashSum, "hashSum");
        Objects.requireNonNull(seededHashSum, "seededHashSum");
    }
}
