package io.syncline.operators.read;

import java.io.Serializable;
import java.util.List;

/**
 * Which rows of a table to read: a tenant's (or every tenant's), optionally only those matching a
 * SQL condition, with keys in a range or among a list of entity ids.
 *
 * @param tenant the tenant, or null for every tenant
 * @param where a SQL condition on the table's columns, or null; it comes from the operator's
 *     command line, never from the control topic
 * @param ids entity ids (key values joined with '/'); empty for all rows
 * @param fromKey lowest key, inclusive, or null; single-column keys only
 * @param toKey highest key, inclusive, or null; single-column keys only
 */
public record RowSelection(
        String tenant, String where, List<String> ids, String fromKey, String toKey)
        implements Serializable {

    public RowSelection {
        ids = List.copyOf(ids);
    }

    /** Every row of {@code tenant} (every tenant when null). */
    public static RowSelection tenant(String tenant) {
        return new RowSelection(tenant, null, List.of(), null, null);
    }

    /** Whether the selection lists entity ids. */
    public boolean byIds() {
        return !ids.isEmpty();
    }
}
