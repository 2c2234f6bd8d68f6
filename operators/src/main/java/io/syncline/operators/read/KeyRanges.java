package io.syncline.operators.read;

import java.util.ArrayList;
import java.util.List;

/** Cuts a table's selected rows into key ranges of about the same number of rows. */
public final class KeyRanges {

    private KeyRanges() {}

    /**
     * The splits of table {@code table} from a {@link TableReader#sample} taken every {@code
     * rowsPerSplit} rows: the first from the start of the table to the first boundary, one from
     * each boundary to the next, the last to the end of the table. No split for an empty selection.
     *
     * @param runRows how many rows the whole run holds, carried by every split
     */
    public static List<TableSplit> split(
            int table, TableReader.KeySample sample, long rowsPerSplit, long runRows) {
        if (rowsPerSplit < 1) {
            throw new IllegalArgumentException(
                    "rowsPerSplit must be at least 1, was " + rowsPerSplit);
        }
        if (sample.rows() == 0) {
            return List.of();
        }
        List<List<String>> boundaries = sample.boundaries();
        List<TableSplit> splits = new ArrayList<>(boundaries.size() + 1);
        List<String> from = null;
        long remaining = sample.rows();
        for (int i = 0; i <= boundaries.size(); i++) {
            List<String> before = i < boundaries.size() ? boundaries.get(i) : null;
            long rows = before == null ? remaining : Math.min(rowsPerSplit, remaining);
            splits.add(new TableSplit(table + "-" + i, table, from, before, null, rows, runRows));
            remaining -= rows;
            from = before;
        }
        return splits;
    }
}
