package io.syncline.operators.read;

import io.syncline.schema.ChangeEvent;
import io.syncline.schema.ErrorRecord;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.flink.api.connector.source.SourceOutput;
import org.apache.flink.api.connector.source.SourceReaderContext;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.connector.base.source.reader.RecordEmitter;
import org.apache.flink.connector.base.source.reader.SingleThreadMultiplexSourceReaderBase;
import org.apache.flink.metrics.Counter;
import org.apache.flink.types.Either;

/**
 * Reads the key ranges it is given, one at a time, a chunk per fetch ({@link ChunkSplitReader}),
 * asking the enumerator for the next range when one is done. Counts the rows it emits.
 */
final class BackfillReader
        extends SingleThreadMultiplexSourceReaderBase<
                BackfillReader.ReadChunk,
                Either<ErrorRecord, ChangeEvent>,
                TableSplit,
                BackfillReader.SplitProgress> {

    /** Counter: rows this reader emitted, changes and errors. */
    static final String ROWS_READ = "backfillRowsRead";

    /** Counter: rows this reader emitted as errors (to the error queue). */
    static final String ROW_ERRORS = "backfillRowErrors";

    /** Gauge: rows of the whole run when it was planned (every reader shows the same number). */
    static final String ROWS_TOTAL = "backfillRowsTotal";

    /** One chunk's rows and the key of its last row, null when it had none. */
    record ReadChunk(List<Either<ErrorRecord, ChangeEvent>> rows, List<String> lastKey) {}

    /** A split as far as it is read. */
    static final class SplitProgress {
        private TableSplit split;

        SplitProgress(TableSplit split) {
            this.split = split;
        }
    }

    BackfillReader(BackfillRun run, Clock clock, SourceReaderContext context) {
        this(run, clock, context, new AtomicLong());
    }

    private BackfillReader(
            BackfillRun run, Clock clock, SourceReaderContext context, AtomicLong runRows) {
        super(
                () -> new ChunkSplitReader(run, clock),
                new ChunkEmitter(
                        context.metricGroup().counter(ROWS_READ),
                        context.metricGroup().counter(ROW_ERRORS),
                        runRows),
                new Configuration(),
                context);
        context.metricGroup().gauge(ROWS_TOTAL, runRows::get);
    }

    @Override
    public void start() {
        // A reader restored with splits reads them first and then asks.
        if (getNumberOfCurrentlyAssignedSplits() == 0) {
            context.sendSplitRequest();
        }
    }

    @Override
    protected void onSplitFinished(Map<String, SplitProgress> finished) {
        context.sendSplitRequest();
    }

    @Override
    protected SplitProgress initializedState(TableSplit split) {
        return new SplitProgress(split);
    }

    @Override
    protected TableSplit toSplitType(String splitId, SplitProgress progress) {
        return progress.split;
    }

    /**
     * Emits a chunk's rows and moves its split past them in one step, so a checkpoint never falls
     * between a row emitted and the split's position.
     */
    private static final class ChunkEmitter
            implements RecordEmitter<ReadChunk, Either<ErrorRecord, ChangeEvent>, SplitProgress> {

        private final Counter rowsRead;
        private final Counter rowErrors;
        private final AtomicLong runRows;

        ChunkEmitter(Counter rowsRead, Counter rowErrors, AtomicLong runRows) {
            this.rowsRead = rowsRead;
            this.rowErrors = rowErrors;
            this.runRows = runRows;
        }

        @Override
        public void emitRecord(
                ReadChunk chunk,
                SourceOutput<Either<ErrorRecord, ChangeEvent>> output,
                SplitProgress progress) {
            runRows.set(progress.split.runRows());
            for (Either<ErrorRecord, ChangeEvent> row : chunk.rows()) {
                output.collect(row);
                if (row.isLeft()) {
                    rowErrors.inc();
                }
            }
            rowsRead.inc(chunk.rows().size());
            if (chunk.lastKey() != null) {
                progress.split = progress.split.readTo(chunk.lastKey());
            }
        }
    }
}
