package io.syncline.operators.http;

import java.util.ArrayList;
import java.util.List;
import org.apache.flink.api.connector.source.SplitEnumerator;
import org.apache.flink.api.connector.source.SplitEnumeratorContext;

/**
 * Hands each resource's split to a reader once, spread over the readers by the resource's place in
 * the list; splits of a failed reader come back and go out again. Assigned splits live in the
 * readers' state, so only the unassigned ones are checkpointed here.
 */
final class HttpSplitEnumerator
        implements SplitEnumerator<HttpResourceSplit, List<HttpResourceSplit>> {

    private final SplitEnumeratorContext<HttpResourceSplit> context;
    private final List<HttpResourceSplit> unassigned;

    HttpSplitEnumerator(
            SplitEnumeratorContext<HttpResourceSplit> context, List<HttpResourceSplit> unassigned) {
        this.context = context;
        this.unassigned = new ArrayList<>(unassigned);
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
            } else {
                waiting.add(split);
            }
        }
        unassigned.clear();
        unassigned.addAll(waiting);
    }

    @Override
    public List<HttpResourceSplit> snapshotState(long checkpointId) {
        return new ArrayList<>(unassigned);
    }

    @Override
    public void close() {}
}
