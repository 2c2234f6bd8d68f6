package io.syncline.operators.read;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.apache.flink.api.connector.source.SplitEnumerator;
import org.apache.flink.api.connector.source.SplitEnumeratorContext;

/**
 * Splits the backfill's tables into key ranges once, off the coordinator thread, then hands them
 * out one at a time to readers that ask, so faster readers take more.
 */
final class BackfillEnumerator implements SplitEnumerator<TableSplit, BackfillPlan> {

    private final BackfillRun run;
    private final SplitEnumeratorContext<TableSplit> context;
    private final Deque<TableSplit> unassigned;
    private final Set<Integer> waiting = new LinkedHashSet<>();
    private boolean planned;

    BackfillEnumerator(
            BackfillRun run, SplitEnumeratorContext<TableSplit> context, BackfillPlan plan) {
        this.run = run;
        this.context = context;
        this.unassigned = new ArrayDeque<>(plan.unassigned());
        this.planned = plan.planned();
    }

    @Override
    public void start() {
        if (!planned) {
            context.callAsync(this::plan, this::planned);
        }
    }

    /** Every table's splits, each table sampled in a snapshot of its own. */
    private List<TableSplit> plan() throws SQLException {
        List<TableReader.KeySample> samples = new ArrayList<>();
        long runRows = 0;
        for (BackfillRun.Table table : run.tables()) {
            try (Connection connection = table.database().connect()) {
                TableReader.KeySample sample =
                        new TableReader(table.table(), run.runId())
                                .sample(connection, run.selection(), run.rowsPerSplit());
                samples.add(sample);
                runRows += sample.rows();
            } catch (SQLException e) {
                throw new SQLException(
                        "cannot split "
                                + table.table().binding().qualifiedName()
                                + " at "
                                + table.database().dependency()
                                + " for backfill "
                                + run.runId()
                                + ": "
                                + e.getMessage(),
                        e.getSQLState(),
                        e);
            }
        }
        List<TableSplit> splits = new ArrayList<>();
        for (int i = 0; i < samples.size(); i++) {
            splits.addAll(KeyRanges.split(i, samples.get(i), run.rowsPerSplit(), runRows));
        }
        return splits;
    }

    private void planned(List<TableSplit> splits, Throwable failure) {
        if (failure != null) {
            // The job fails with the database's message; a restart may find the database back.
            throw new IllegalStateException(failure.getMessage(), failure);
        }
        unassigned.addAll(splits);
        planned = true;
        List<Integer> asked = new ArrayList<>(waiting);
        waiting.clear();
        asked.forEach(subtask -> handleSplitRequest(subtask, null));
    }

    @Override
    public void handleSplitRequest(int subtask, String requesterHostname) {
        if (!context.registeredReaders().containsKey(subtask)) {
            return;
        }
        if (!planned) {
            waiting.add(subtask);
            return;
        }
        TableSplit next = unassigned.poll();
        if (next != null) {
            context.assignSplit(next, subtask);
        } else {
            context.signalNoMoreSplits(subtask);
        }
    }

    @Override
    public void addSplitsBack(List<TableSplit> splits, int subtask) {
        splits.forEach(unassigned::addFirst);
    }

    @Override
    public void addReader(int subtask) {
        // Readers ask for splits themselves.
    }

    @Override
    public BackfillPlan snapshotState(long checkpointId) {
        return new BackfillPlan(planned, new ArrayList<>(unassigned));
    }

    @Override
    public void close() {}
}
