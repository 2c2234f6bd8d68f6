package io.syncline.jobs.reconcile;

import java.util.ArrayList;
import java.util.List;

/**
 * A range of primary keys: from {@code from} (inclusive) up to {@code to} (exclusive); a null bound
 * is open, so the first and last ranges of a table also cover keys beyond the rows they were split
 * at. Key values are the key columns' text, compared by the database as typed values.
 */
public record KeyRange(List<String> from, List<String> to) {

    /** Every key. */
    public static final KeyRange ALL = new KeyRange(null, null);

    public KeyRange {
        from = from == null ? null : List.copyOf(from);
        to = to == null ? null : List.copyOf(to);
    }

    /**
     * This range cut at {@code boundaries} (in key order, each inside the range): one range more
     * than there are boundaries, together covering exactly this range.
     */
    public List<KeyRange> split(List<List<String>> boundaries) {
        List<KeyRange> ranges = new ArrayList<>(boundaries.size() + 1);
        List<String> lower = from;
        for (List<String> boundary : boundaries) {
            ranges.add(new KeyRange(lower, boundary));
            lower = boundary;
        }
        ranges.add(new KeyRange(lower, to));
        return ranges;
    }
}
