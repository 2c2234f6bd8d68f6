package io.syncline.operators.http;

import java.util.List;
import java.util.Set;

/**
 * What the enumerator checkpoints: the splits no reader holds yet, and the resources handed out
 * before (their cursors are in the readers' state), so a resource added to the configuration later
 * is recognised as new.
 */
record HttpEnumeratorState(List<HttpResourceSplit> unassigned, Set<String> assigned) {

    HttpEnumeratorState {
        unassigned = List.copyOf(unassigned);
        assigned = Set.copyOf(assigned);
    }
}
