package io.syncline.operators.http;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.apache.flink.api.connector.source.SplitEnumerator;
import org.apache.flink.api.connector.source.SplitEnumeratorContext;

/**
 * Hands each resource's split to a reader once, spread over the readers by the hash of its path;
 * splits of a failed reader come back and go out again. Assigned splits live in the readers' state,
 * so only the unassigned ones and the paths handed out are checkpointed here.
 */
final class HttpSplitEnumerator implements SplitEnumerator<HttpResourceSplit, HttpEnumeratorState> {

    private final SplitEnumeratorContext<HttpResourceSplit> context;
    private final List<HttpResourceSplit> unassigned;
    private final Set<String> assigned;

    HttpSplitEnumerator(
            SplitEnumeratorContext<HttpResourceSplit> context, HttpEnumeratorState state) {
        this.context = context;
        this.unassigned = new ArrayList<>(state.unassigned());
        this.assigned = new HashSet<>(state.assigned());
    }

    @Override
    public void start() {}

    @Override
    public void handleSplitRequest(int subtask, String requesterHostname) {
        // Splits are pushed when readers register.
    }

    @Override
    public void addSplitsBack(List<HttpResourceSplit> splits, int subtask) {
        unassigned.addAll(splits);
        if (context.registeredReaders().containsKey(subtask)) {
            assign();
        }
    }

    @Override
    public void addReader(int subtask) {
        assign();
    }

    /** Gives every unassigned split to its reader, when that reader is registered. */
    private void assign() {
        int readers = context.currentParallelism();
        List<HttpResourceSplit> waiting = new ArrayList<>();
        for (HttpResourceSplit split : unassigned) {
            int owner = Math.floorMod(split.path().hashCode(), readers);
            if (context.registeredReaders().containsKey(owner)) {
                context.assignSplit(split, owner);
                assigned.add(split.path());
            } else {
                waiting.add(split);
            }
        }
        unassigned.clear();
        unassigned.addAll(waiting);
    }

    @Override
    public HttpEnumeratorState snapshotState(long checkpointId) {
        return new HttpEnumeratorState(unassigned, assigned);
    }

    @Override
    public void close() {}
}
