package io.syncline.operators.replay;

import io.syncline.operators.decode.CdcChangeDeserializer;
import io.syncline.operators.errors.ErrorCodes;
import io.syncline.operators.errors.ErrorRecords;
import io.syncline.schema.ChangeEvent;
import io.syncline.schema.ErrorRecord;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.Base64;
import org.apache.avro.AvroRuntimeException;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.connector.kafka.source.reader.deserializer.KafkaRecordDeserializationSchema;
import org.apache.flink.types.Either;
import org.apache.flink.util.Collector;
import org.apache.kafka.clients.consumer.ConsumerRecord;

/**
 * Reads the event topic's records back into changes. A record that is no readable change does not
 * fail the replay (it would fail again on every attempt): it becomes an error naming its partition
 * and offset, with its bytes in Base64.
 */
public final class EventStoreDeserializer
        implements KafkaRecordDeserializationSchema<Either<ErrorRecord, ChangeEvent>> {

    /** The stage replay errors are reported under. */
    public static final String STAGE = "replay";

    private static final long serialVersionUID = 1L;

    @Override
    public void deserialize(
            ConsumerRecord<byte[], byte[]> record,
            Collector<Either<ErrorRecord, ChangeEvent>> out) {
        try {
            out.collect(
                    Either.Right(ChangeEvent.getDecoder().decode(ByteBuffer.wrap(record.value()))));
        } catch (IOException | AvroRuntimeException | NullPointerException e) {
            out.collect(Either.Left(unreadable(record, e)));
        }
    }

    private static ErrorRecord unreadable(ConsumerRecord<byte[], byte[]> record, Exception e) {
        String position = record.partition() + ":" + record.offset();
        ErrorRecord.Builder error =
                ErrorRecords.permanent(
                                ErrorRecord.newBuilder(),
                                STAGE,
                                ErrorCodes.EVENT_STORE_UNREADABLE,
                                "the record at "
                                        + record.topic()
                                        + " partition "
                                        + record.partition()
                                        + " offset "
                                        + record.offset()
                                        + " is not an Avro ChangeEvent ("
                                        + e.getMessage()
                                        + "); only the sync job's event store sink may write to"
                                        + " the event topic")
                        .setSourceId(record.topic())
                        .setSourcePosition(position);
        String payload =
                record.value() == null ? "" : Base64.getEncoder().encodeToString(record.value());
        return ErrorRecords.build(
                error, payload, Instant.ofEpochMilli(Math.max(0, record.timestamp())));
    }

    @Override
    public TypeInformation<Either<ErrorRecord, ChangeEvent>> getProducedType() {
        return CdcChangeDeserializer.decodedType();
    }
}
