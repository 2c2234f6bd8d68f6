package io.syncline.operators.http;

import io.syncline.operators.decode.CdcChangeDeserializer;
import io.syncline.schema.ChangeEvent;
import io.syncline.schema.ErrorRecord;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.connector.source.Boundedness;
import org.apache.flink.api.connector.source.Source;
import org.apache.flink.api.connector.source.SourceReader;
import org.apache.flink.api.connector.source.SourceReaderContext;
import org.apache.flink.api.connector.source.SplitEnumerator;
import org.apache.flink.api.connector.source.SplitEnumeratorContext;
import org.apache.flink.api.java.typeutils.ResultTypeQueryable;
import org.apache.flink.core.io.SimpleVersionedSerializer;
import org.apache.flink.types.Either;

/**
 * The unbounded source of an HTTP delta API: one split per resource whose state is the resource's
 * cursor; readers poll the API, follow its cursors and emit each page's items as changes, or
 * errors, the same type the CDC sources give the decode stage.
 *
 * <p>Metrics of each reader: {@value HttpDeltaReader#ITEMS_READ} and {@value
 * HttpDeltaReader#ITEM_ERRORS}.
 */
public final class HttpDeltaSource
        implements Source<Either<ErrorRecord, ChangeEvent>, HttpResourceSplit, HttpEnumeratorState>,
                ResultTypeQueryable<Either<ErrorRecord, ChangeEvent>> {

    private static final long serialVersionUID = 1L;

    private final HttpSourceSettings settings;
    private final Clock clock;

    /**
     * @param clock capture times, token expiry and poll intervals
     */
    public HttpDeltaSource(HttpSourceSettings settings, Clock clock) {
        this.settings = Objects.requireNonNull(settings, "settings");
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    public HttpSourceSettings settings() {
        return settings;
    }

    @Override
    public Boundedness getBoundedness() {
        return Boundedness.CONTINUOUS_UNBOUNDED;
    }

    @Override
    public SplitEnumerator<HttpResourceSplit, HttpEnumeratorState> createEnumerator(
            SplitEnumeratorContext<HttpResourceSplit> context) {
        return restoreEnumerator(context, new HttpEnumeratorState(List.of(), Set.of()));
    }

    /**
     * Restores the enumerator; resources configured since the checkpoint (neither assigned nor
     * waiting in it) start at the initial cursor.
     */
    @Override
    public SplitEnumerator<HttpResourceSplit, HttpEnumeratorState> restoreEnumerator(
            SplitEnumeratorContext<HttpResourceSplit> context, HttpEnumeratorState state) {
        List<HttpResourceSplit> unassigned = new ArrayList<>(state.unassigned());
        Set<String> known = new HashSet<>(state.assigned());
        unassigned.forEach(split -> known.add(split.path()));
        for (HttpResource resource : settings.resources()) {
            if (!known.contains(resource.path())) {
                unassigned.add(
                        new HttpResourceSplit(resource.path(), settings.api().cursor().initial()));
            }
        }
        return new HttpSplitEnumerator(
                context, new HttpEnumeratorState(unassigned, state.assigned()));
    }

    @Override
    public SimpleVersionedSerializer<HttpResourceSplit> getSplitSerializer() {
        return HttpResourceSplitSerializer.INSTANCE;
    }

    @Override
    public SimpleVersionedSerializer<HttpEnumeratorState> getEnumeratorCheckpointSerializer() {
        return new HttpResourceSplitSerializer.EnumeratorState();
    }

    @Override
    public SourceReader<Either<ErrorRecord, ChangeEvent>, HttpResourceSplit> createReader(
            SourceReaderContext context) {
        return new HttpDeltaReader(settings, clock, context);
    }

    @Override
    public TypeInformation<Either<ErrorRecord, ChangeEvent>> getProducedType() {
        return CdcChangeDeserializer.decodedType();
    }
}
