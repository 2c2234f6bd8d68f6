package io.syncline.operators.http;

import io.syncline.operators.decode.CdcChangeDeserializer;
import io.syncline.schema.ChangeEvent;
import io.syncline.schema.ErrorRecord;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
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
        implements Source<
                        Either<ErrorRecord, ChangeEvent>,
                        HttpResourceSplit,
                        List<HttpResourceSplit>>,
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
    public SplitEnumerator<HttpResourceSplit, List<HttpResourceSplit>> createEnumerator(
            SplitEnumeratorContext<HttpResourceSplit> context) {
        List<HttpResourceSplit> splits = new ArrayList<>();
        for (HttpResource resource : settings.resources()) {
            splits.add(new HttpResourceSplit(resource.path(), settings.api().cursor().initial()));
        }
        return new HttpSplitEnumerator(context, splits);
    }

    @Override
    public SplitEnumerator<HttpResourceSplit, List<HttpResourceSplit>> restoreEnumerator(
            SplitEnumeratorContext<HttpResourceSplit> context, List<HttpResourceSplit> unassigned) {
        return new HttpSplitEnumerator(context, unassigned);
    }

    @Override
    public SimpleVersionedSerializer<HttpResourceSplit> getSplitSerializer() {
        return HttpResourceSplitSerializer.INSTANCE;
    }

    @Override
    public SimpleVersionedSerializer<List<HttpResourceSplit>> getEnumeratorCheckpointSerializer() {
        return new HttpResourceSplitSerializer.Unassigned();
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
