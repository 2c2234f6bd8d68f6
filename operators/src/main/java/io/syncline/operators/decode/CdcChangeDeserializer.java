package io.syncline.operators.decode;

import io.syncline.schema.ChangeEvent;
import io.syncline.schema.ErrorRecord;
import java.time.Clock;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.java.typeutils.EitherTypeInfo;
import org.apache.flink.cdc.debezium.DebeziumDeserializationSchema;
import org.apache.flink.formats.avro.typeutils.AvroTypeInfo;
import org.apache.flink.types.Either;
import org.apache.flink.util.Collector;
import org.apache.kafka.connect.source.SourceRecord;

/**
 * Plugs {@link SourceRecordDecoder} into the Flink CDC source: each record leaves the source either
 * as a change (right) or as the error that says why it could not be decoded (left), which {@link
 * DecodeRouter} sends to the error side output.
 */
public final class CdcChangeDeserializer
        implements DebeziumDeserializationSchema<Either<ErrorRecord, ChangeEvent>> {

    private static final long serialVersionUID = 1L;

    private final SourceRecordDecoder decoder;
    private final Clock clock;
    // The snapshot chunk whose rows the source emits now; null while it streams.
    private transient SnapshotChunk chunk;

    public CdcChangeDeserializer(SourceRecordDecoder decoder, Clock clock) {
        this.decoder = decoder;
        this.clock = clock;
    }

    @Override
    public void deserialize(SourceRecord record, Collector<Either<ErrorRecord, ChangeEvent>> out) {
        DecodedRecords.collect(decoder.decode(record, clock.instant(), chunk), out);
    }

    /**
     * The source emits the rows of {@code chunk} from now on, or, with null, no more snapshot rows.
     * Called by the source's record emitter, on the thread that deserializes.
     */
    public void emitting(SnapshotChunk chunk) {
        this.chunk = chunk;
    }

    @Override
    public TypeInformation<Either<ErrorRecord, ChangeEvent>> getProducedType() {
        return decodedType();
    }

    /** The type of decoded records: an error or a change. */
    public static TypeInformation<Either<ErrorRecord, ChangeEvent>> decodedType() {
        return new EitherTypeInfo<>(
                new AvroTypeInfo<>(ErrorRecord.class), new AvroTypeInfo<>(ChangeEvent.class));
    }
}
