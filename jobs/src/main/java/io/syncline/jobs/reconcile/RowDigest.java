package io.syncline.jobs.reconcile;

import java.util.List;

/** One row of a key range as the leaf comparison sees it: its key and the hash of its columns. */
public record RowDigest(List<String> key, long hash) {

    public RowDigest {
        key = List.copyOf(key);
    }
}
