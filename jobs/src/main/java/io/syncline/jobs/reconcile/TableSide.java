package io.syncline.jobs.reconcile;

import java.util.List;
import java.util.Map;

/**
 * One side of a comparison: the rows of one tenant and entity type in the source, or the live rows
 * of the same in the target. Key values are the key columns' text; ranges and boundaries follow the
 * side's own key order, which both sides share. Implementations are called from several threads at
 * once.
 */
public interface TableSide {

    /** How many rows the side holds. */
    long count();

    /** Count and hash sums of the rows in {@code range}. */
    RangeChecksum checksum(KeyRange range);

    /**
     * Keys that cut the {@code rows} rows of {@code range} into about {@code parts} ranges of equal
     * size, in key order; none of them the range's own lower bound.
     */
    List<List<String>> boundaries(KeyRange range, long rows, int parts);

    /** Key and hash of every row in {@code range}. */
    List<RowDigest> digests(KeyRange range);

    /**
     * The rows with {@code keys} that the side holds, by key: each row's compared columns as text
     * (null for SQL NULL).
     */
    Map<List<String>, Map<String, String>> rows(List<List<String>> keys);
}
