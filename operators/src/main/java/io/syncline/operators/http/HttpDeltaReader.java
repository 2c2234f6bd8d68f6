package io.syncline.operators.http;

import io.syncline.schema.ChangeEvent;
import io.syncline.schema.ErrorRecord;
import java.time.Clock;
import java.util.Map;
import org.apache.flink.api.connector.source.SourceOutput;
import org.apache.flink.api.connector.source.SourceReaderContext;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.connector.base.source.reader.RecordEmitter;
import org.apache.flink.connector.base.source.reader.SingleThreadMultiplexSourceReaderBase;
import org.apache.flink.metrics.Counter;
import org.apache.flink.types.Either;

/**
 * Reads its resources' pages ({@link HttpPageSplitReader}) and emits each page whole, moving the
 * resource's cursor past it in the same step: a checkpoint falls between pages, never inside one,
 * so the checkpointed cursor is exactly what was emitted.
 */
final class HttpDeltaReader
        extends SingleThreadMultiplexSourceReaderBase<
                FetchedPage,
                Either<ErrorRecord, ChangeEvent>,
                HttpResourceSplit,
                HttpDeltaReader.Cursor> {

    /** Counter: items (and rejected answers) this reader emitted, changes and errors. */
    static final String ITEMS_READ = "httpItemsRead";

    /** Counter: items and answers this reader emitted as errors. */
    static final String ITEM_ERRORS = "httpItemErrors";

    /** A resource's split as far as it is emitted. */
    static final class Cursor {
        private HttpResourceSplit split;

        Cursor(HttpResourceSplit split) {
            this.split = split;
        }
    }

    HttpDeltaReader(HttpSourceSettings settings, Clock clock, SourceReaderContext context) {
        super(
                () -> new HttpPageSplitReader(settings, clock),
                new PageEmitter(
                        context.metricGroup().counter(ITEMS_READ),
                        context.metricGroup().counter(ITEM_ERRORS)),
                new Configuration(),
                context);
    }

    @Override
    public void start() {
        // The enumerator pushes the splits.
    }

    @Override
    protected void onSplitFinished(Map<String, Cursor> finished) {
        // Resources are never finished.
    }

    @Override
    protected Cursor initializedState(HttpResourceSplit split) {
        return new Cursor(split);
    }

    @Override
    protected HttpResourceSplit toSplitType(String splitId, Cursor cursor) {
        return cursor.split;
    }

    /** Emits a page's records and then moves the cursor past them, in one call. */
    private static final class PageEmitter
            implements RecordEmitter<FetchedPage, Either<ErrorRecord, ChangeEvent>, Cursor> {

        private final Counter itemsRead;
        private final Counter itemErrors;

        PageEmitter(Counter itemsRead, Counter itemErrors) {
            this.itemsRead = itemsRead;
            this.itemErrors = itemErrors;
        }

        @Override
        public void emitRecord(
                FetchedPage page,
                SourceOutput<Either<ErrorRecord, ChangeEvent>> output,
                Cursor cursor) {
            for (Either<ErrorRecord, ChangeEvent> record : page.records()) {
                output.collect(record);
                if (record.isLeft()) {
                    itemErrors.inc();
                }
            }
            itemsRead.inc(page.records().size());
            cursor.split = cursor.split.at(page.nextCursor());
        }
    }
}
