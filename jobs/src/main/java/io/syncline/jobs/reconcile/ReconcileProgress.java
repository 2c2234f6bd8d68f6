package io.syncline.jobs.reconcile;

import java.util.Locale;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

/**
 * How far a reconciliation is: rows whose first-level range has been hashed out of all rows of both
 * sides, ranges compared, and the rate and time left derived from them. Thread-safe.
 */
public final class ReconcileProgress {

    private final LongSupplier nanoTime;
    private final long startNanos;
    private final AtomicLong totalRows = new AtomicLong();
    private final AtomicLong hashedRows = new AtomicLong();
    private final AtomicLong rehashedRows = new AtomicLong();
    private final AtomicLong ranges = new AtomicLong();
    private final AtomicLong differences = new AtomicLong();

    /**
     * @param nanoTime the clock rates are measured with, e.g. {@code System::nanoTime}
     */
    public ReconcileProgress(LongSupplier nanoTime) {
        this.nanoTime = nanoTime;
        this.startNanos = nanoTime.getAsLong();
    }

    /** Adds rows to compare, counted on both sides. */
    public void addTotal(long rows) {
        totalRows.addAndGet(rows);
    }

    /** A range of both sides' {@code rows} was hashed; {@code depth} 0 is a first-level range. */
    public void rangeHashed(int depth, long rows) {
        ranges.incrementAndGet();
        (depth == 0 ? hashedRows : rehashedRows).addAndGet(rows);
    }

    /** Candidate differences found in a leaf range. */
    public void differencesFound(int count) {
        differences.addAndGet(count);
    }

    public long hashedRows() {
        return hashedRows.get();
    }

    public long rehashedRows() {
        return rehashedRows.get();
    }

    /** Rows hashed in first-level ranges per second since the start. */
    public double rowsPerSecond() {
        double seconds = (nanoTime.getAsLong() - startNanos) / 1e9;
        return seconds <= 0 ? 0 : hashedRows.get() / seconds;
    }

    /**
     * One line, e.g. {@code 120,000 of 400,000 rows (30%), 85 ranges, 3 differences, 60,000 rows/s,
     * ETA 5s}.
     */
    public String line() {
        long total = totalRows.get();
        long hashed = hashedRows.get();
        double rate = rowsPerSecond();
        String eta =
                rate <= 0 || total <= hashed
                        ? "-"
                        : Math.max(1, Math.round((total - hashed) / rate)) + "s";
        return String.format(
                Locale.ROOT,
                "%,d of %,d rows (%d%%), %,d ranges, %,d differences, %,.0f rows/s, ETA %s",
                hashed,
                total,
                total == 0 ? 100 : Math.min(100, hashed * 100 / total),
                ranges.get(),
                differences.get(),
                rate,
                eta);
    }
}
