package io.syncline.operators.http;

import io.syncline.operators.decode.DecodeOutcome;
import io.syncline.operators.retry.Sleeper;
import io.syncline.schema.ChangeEvent;
import io.syncline.schema.ErrorRecord;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.flink.connector.base.source.reader.RecordsBySplits;
import org.apache.flink.connector.base.source.reader.RecordsWithSplitIds;
import org.apache.flink.connector.base.source.reader.splitreader.SplitReader;
import org.apache.flink.connector.base.source.reader.splitreader.SplitsAddition;
import org.apache.flink.connector.base.source.reader.splitreader.SplitsChange;
import org.apache.flink.types.Either;

/**
 * Fetches the next page of whichever of its resources is due, on the fetcher thread: at once while
 * the API has more, after the poll interval once a resource is caught up. Its own cursors run ahead
 * of the emitted ones; only the emitter moves a split's checkpointed cursor.
 */
final class HttpPageSplitReader implements SplitReader<FetchedPage, HttpResourceSplit> {

    /** A resource being read: where the next page starts and when to ask for it. */
    private static final class Progress {
        private final HttpResource resource;
        private String cursor;
        private Instant due;

        Progress(HttpResource resource, String cursor, Instant due) {
            this.resource = resource;
            this.cursor = cursor;
            this.due = due;
        }
    }

    private final HttpSourceSettings settings;
    private final DeltaApiClient client;
    private final DeltaItemDecoder decoder;
    private final Clock clock;
    private final Map<String, Progress> resources = new LinkedHashMap<>();
    private final Object wakeUps = new Object();
    private boolean wokenUp;

    HttpPageSplitReader(HttpSourceSettings settings, Clock clock) {
        this.settings = settings;
        this.clock = clock;
        this.client = new DeltaApiClient(settings, clock, Sleeper.SYSTEM);
        this.decoder =
                new DeltaItemDecoder(
                        settings.sourceId(), settings.api().fields(), settings.allowedTenants());
    }

    @Override
    public RecordsWithSplitIds<FetchedPage> fetch() throws IOException {
        Progress next = null;
        for (Progress progress : resources.values()) {
            if (next == null || progress.due.isBefore(next.due)) {
                next = progress;
            }
        }
        if (next == null || waitUntil(next.due)) {
            return new RecordsBySplits.Builder<FetchedPage>().build();
        }
        Page page;
        try {
            page = client.fetch(next.resource, next.cursor);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted reading " + next.resource.path());
        }
        Instant now = clock.instant();
        List<Either<ErrorRecord, ChangeEvent>> records =
                new ArrayList<>(page.items().size() + page.rejectedAnswers().size());
        page.rejectedAnswers().forEach(error -> records.add(Either.Left(error)));
        String position = page.position();
        for (var item : page.items()) {
            DecodeOutcome outcome = decoder.decode(next.resource, position, item, now);
            if (outcome instanceof DecodeOutcome.Decoded decoded) {
                records.add(Either.Right(decoded.event()));
            } else if (outcome instanceof DecodeOutcome.Rejected rejected) {
                records.add(Either.Left(rejected.error()));
            }
        }
        next.cursor = page.nextCursor();
        next.due = page.caughtUp() ? now.plus(settings.api().pollInterval()) : now;
        RecordsBySplits.Builder<FetchedPage> fetched = new RecordsBySplits.Builder<>();
        fetched.add(next.resource.path(), new FetchedPage(records, page.nextCursor()));
        return fetched.build();
    }

    /**
     * Waits until {@code due} or a wake-up, whichever comes first.
     *
     * @return true when the wait ended before {@code due}
     */
    private boolean waitUntil(Instant due) throws InterruptedIOException {
        synchronized (wakeUps) {
            while (!wokenUp) {
                Duration left = Duration.between(clock.instant(), due);
                if (left.isNegative() || left.isZero()) {
                    return false;
                }
                try {
                    // Short waits, so a clock moved by a test is noticed.
                    wakeUps.wait(Math.max(1, Math.min(left.toMillis(), 200)));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new InterruptedIOException("interrupted waiting to poll");
                }
            }
            wokenUp = false;
            return true;
        }
    }

    @Override
    public void handleSplitsChanges(SplitsChange<HttpResourceSplit> changes) {
        if (!(changes instanceof SplitsAddition)) {
            throw new UnsupportedOperationException(
                    "HTTP resources are only ever added to a reader: " + changes);
        }
        Instant now = clock.instant();
        for (HttpResourceSplit split : changes.splits()) {
            HttpResource resource = settings.resource(split.path());
            if (resource == null) {
                throw new IllegalStateException(
                        "resource "
                                + split.path()
                                + " of the restored state is no longer configured in source '"
                                + settings.sourceId()
                                + "'; add it back, or start without the checkpoint");
            }
            resources.put(split.path(), new Progress(resource, split.cursor(), now));
        }
    }

    @Override
    public void wakeUp() {
        synchronized (wakeUps) {
            wokenUp = true;
            wakeUps.notifyAll();
        }
    }

    @Override
    public void close() {}
}
