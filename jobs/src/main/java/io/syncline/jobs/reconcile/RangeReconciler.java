package io.syncline.jobs.reconcile;

import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Compares the two sides of one tenant's entity type by checksums over key ranges: ranges with
 * equal checksums are done without moving a row; a differing range is split into smaller ranges,
 * down to ranges small enough to compare row by row by key and hash. Ranges run on {@code
 * executor}, none waiting for another, so a bounded pool cannot deadlock.
 */
public final class RangeReconciler {

    /** Deeper than this a range is compared row by row whatever its size: a guard, not a rule. */
    static final int MAX_DEPTH = 32;

    /** Keys whose rows one query reads when differences are checked again. */
    static final int RECHECK_BATCH = 500;

    private final TableSide source;
    private final TableSide target;
    private final List<String> columns;
    private final ReconcileSettings settings;
    private final Executor executor;
    private final ReconcileProgress progress;

    private final AtomicInteger pending = new AtomicInteger();
    private final AtomicReference<Throwable> failure = new AtomicReference<>();
    private final List<Difference> differences = Collections.synchronizedList(new ArrayList<>());
    private final CompletableFuture<Void> done = new CompletableFuture<>();

    /**
     * @param columns the compared columns, in the order differing ones are named
     */
    public RangeReconciler(
            TableSide source,
            TableSide target,
            List<String> columns,
            ReconcileSettings settings,
            Executor executor,
            ReconcileProgress progress) {
        this.source = Objects.requireNonNull(source, "source");
        this.target = Objects.requireNonNull(target, "target");
        this.columns = List.copyOf(columns);
        this.settings = Objects.requireNonNull(settings, "settings");
        this.executor = Objects.requireNonNull(executor, "executor");
        this.progress = Objects.requireNonNull(progress, "progress");
    }

    /**
     * Starts comparing the sides on the executor and returns at once; {@link #await()} waits for
     * the differences. Call once.
     *
     * @param sourceRows the source's row count, {@link TableSide#count()}
     * @param targetRows the target's live row count
     */
    public void start(long sourceRows, long targetRows) {
        // The task that splits the table is pending until it has submitted every first-level
        // range, so that pending cannot reach zero early.
        pending.incrementAndGet();
        run(
                () -> {
                    long larger = Math.max(sourceRows, targetRows);
                    TableSide splitter = sourceRows >= targetRows ? source : target;
                    long parts = Math.max(1, ceilDiv(larger, settings.rangeRows()));
                    List<KeyRange> ranges =
                            parts == 1
                                    ? List.of(KeyRange.ALL)
                                    : KeyRange.ALL.split(
                                            splitter.boundaries(
                                                    KeyRange.ALL,
                                                    larger,
                                                    (int) Math.min(Integer.MAX_VALUE, parts)));
                    for (KeyRange range : ranges) {
                        submit(range, 0);
                    }
                });
    }

    /** The differences between the sides, ordered by kind and entity id, once all are compared. */
    public List<Difference> await() throws InterruptedException {
        try {
            done.get();
        } catch (ExecutionException e) {
            // done only completes normally; failures are kept in failure.
            throw new IllegalStateException(e.getCause());
        }
        Throwable failed = failure.get();
        if (failed instanceof RuntimeException runtime) {
            throw runtime;
        }
        if (failed instanceof Error error) {
            throw error;
        }
        if (failed != null) {
            throw new IllegalStateException(failed);
        }
        List<Difference> sorted = new ArrayList<>(differences);
        sorted.sort(ORDER);
        return sorted;
    }

    /** {@link #start} and {@link #await}. */
    public List<Difference> compare(long sourceRows, long targetRows) throws InterruptedException {
        start(sourceRows, targetRows);
        return await();
    }

    /** Differences in report order: by kind, then entity id. */
    public static final Comparator<Difference> ORDER =
            Comparator.comparing(Difference::kind).thenComparing(Difference::entityId);

    private void submit(KeyRange range, int depth) {
        pending.incrementAndGet();
        run(() -> compareRange(range, depth));
    }

    /**
     * Runs {@code work} on the executor unless something failed already, keeping its failure, and
     * then counts one pending task finished.
     */
    private void run(Runnable work) {
        Runnable task =
                () -> {
                    try {
                        if (failure.get() == null) {
                            work.run();
                        }
                    } catch (Throwable e) {
                        failure.compareAndSet(null, e);
                    } finally {
                        finishOne();
                    }
                };
        try {
            executor.execute(task);
        } catch (RuntimeException e) {
            failure.compareAndSet(null, e);
            finishOne();
        }
    }

    private void finishOne() {
        if (pending.decrementAndGet() == 0) {
            done.complete(null);
        }
    }

    private void compareRange(KeyRange range, int depth) {
        RangeChecksum sourceSum = source.checksum(range);
        RangeChecksum targetSum = target.checksum(range);
        progress.rangeHashed(depth, sourceSum.rows() + targetSum.rows());
        if (sourceSum.equals(targetSum)) {
            return;
        }
        long larger = Math.max(sourceSum.rows(), targetSum.rows());
        if (larger <= settings.leafRows() || depth >= MAX_DEPTH) {
            compareRows(range);
            return;
        }
        TableSide splitter = sourceSum.rows() >= targetSum.rows() ? source : target;
        for (KeyRange part : range.split(splitter.boundaries(range, larger, settings.fanOut()))) {
            submit(part, depth + 1);
        }
    }

    private void compareRows(KeyRange range) {
        List<Difference> found = new ArrayList<>();
        List<Difference> differing = new ArrayList<>();
        for (Difference candidate :
                RowComparison.diff(source.digests(range), target.digests(range))) {
            (candidate.kind() == Difference.Kind.DIFFERING ? differing : found).add(candidate);
        }
        // Name the columns; a row that changed back meanwhile is no difference.
        found.addAll(recheck(differing));
        progress.differencesFound(found.size());
        differences.addAll(found);
    }

    /**
     * The {@code candidates} that still differ now, the same way, with the differing columns named
     * again; each side's rows are read {@value #RECHECK_BATCH} keys a query.
     */
    public List<Difference> recheck(List<Difference> candidates) {
        List<Difference> persisting = new ArrayList<>();
        for (int from = 0; from < candidates.size(); from += RECHECK_BATCH) {
            List<Difference> batch =
                    candidates.subList(from, Math.min(candidates.size(), from + RECHECK_BATCH));
            List<List<String>> keys = batch.stream().map(Difference::key).toList();
            Map<List<String>, Map<String, String>> sourceRows = source.rows(keys);
            Map<List<String>, Map<String, String>> targetRows = target.rows(keys);
            for (Difference candidate : batch) {
                RowComparison.compare(
                                candidate.key(),
                                columns,
                                Optional.ofNullable(sourceRows.get(candidate.key())),
                                Optional.ofNullable(targetRows.get(candidate.key())))
                        .filter(now -> now.kind() == candidate.kind())
                        .ifPresent(persisting::add);
            }
        }
        return persisting;
    }

    private static long ceilDiv(long dividend, long divisor) {
        return (dividend + divisor - 1) / divisor;
    }
}
