package io.syncline.jobs.reconcile;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/** Decides how two sides disagree, from digests of a range or from the rows of one key. */
public final class RowComparison {

    private RowComparison() {}

    /**
     * The keys of a range that are missing from the target, extra in it, or whose hashes differ
     * (kind {@link Difference.Kind#DIFFERING}, columns not yet named), in source then target order.
     */
    public static List<Difference> diff(List<RowDigest> source, List<RowDigest> target) {
        Map<List<String>, Long> targetHashes = new HashMap<>();
        for (RowDigest row : target) {
            targetHashes.put(row.key(), row.hash());
        }
        List<Difference> differences = new ArrayList<>();
        for (RowDigest row : source) {
            Long targetHash = targetHashes.remove(row.key());
            if (targetHash == null) {
                differences.add(new Difference(row.key(), Difference.Kind.MISSING, List.of()));
            } else if (targetHash != row.hash()) {
                differences.add(new Difference(row.key(), Difference.Kind.DIFFERING, List.of()));
            }
        }
        for (RowDigest row : target) {
            if (targetHashes.containsKey(row.key())) {
                differences.add(new Difference(row.key(), Difference.Kind.EXTRA, List.of()));
            }
        }
        return differences;
    }

    /**
     * How the source's and the target's row of {@code key} disagree, with the differing columns
     * named in {@code columns} order; empty when they agree or neither side holds the key.
     */
    public static Optional<Difference> compare(
            List<String> key,
            List<String> columns,
            Optional<Map<String, String>> source,
            Optional<Map<String, String>> target) {
        if (source.isEmpty() && target.isEmpty()) {
            return Optional.empty();
        }
        if (target.isEmpty()) {
            return Optional.of(new Difference(key, Difference.Kind.MISSING, List.of()));
        }
        if (source.isEmpty()) {
            return Optional.of(new Difference(key, Difference.Kind.EXTRA, List.of()));
        }
        List<String> differing = new ArrayList<>();
        for (String column : columns) {
            if (!Objects.equals(source.get().get(column), target.get().get(column))) {
                differing.add(column);
            }
        }
        return differing.isEmpty()
                ? Optional.empty()
                : Optional.of(new Difference(key, Difference.Kind.DIFFERING, differing));
    }
}
