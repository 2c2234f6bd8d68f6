package io.syncline.operators.read;

import java.util.List;
import java.util.Objects;
import org.apache.flink.api.connector.source.SourceSplit;

/**
 * A primary-key range of one table that one reader reads chunk by chunk; its state is the key of
 * the last row read, so a restored split goes on after it.
 *
 * @param id unique within the run, e.g. {@code 0-3}: the table's index and the range's
 * @param table index of the table in the source's list of tables
 * @param from lowest key, inclusive; null for the start of the table
 * @param before highest key, exclusive; null for the end of the table
 * @param after key of the last row read, null before the first chunk
 * @param rows how many rows the range held when the run was planned
 * @param runRows how many rows the whole run held when it was planned, shown beside the rows read
 */
public record TableSplit(
        String id,
        int table,
        List<String> from,
        List<String> before,
        List<String> after,
        long rows,
        long runRows)
        implements SourceSplit {

    public TableSplit {
        Objects.requireNonNull(id, "id");
        from = from == null ? null : List.copyOf(from);
        before = before == null ? null : List.copyOf(before);
        after = after == null ? null : List.copyOf(after);
    }

    @Override
    public String splitId() {
        return id;
    }

    /** The bounds of the next chunk. */
    public TableReader.KeyBounds bounds() {
        return new TableReader.KeyBounds(from, after, before);
    }

    /** This split, read up to and including {@code lastKey}. */
    public TableSplit readTo(List<String> lastKey) {
        return new TableSplit(id, table, from, before, lastKey, rows, runRows);
    }
}
