package io.syncline.operators.decode.debezium;

import io.syncline.operators.decode.CdcChangeDeserializer;
import io.syncline.operators.decode.DecodedRecords;
import io.syncline.schema.ChangeEvent;
import io.syncline.schema.ErrorRecord;
import java.time.Clock;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.connector.kafka.source.reader.deserializer.KafkaRecordDeserializationSchema;
import org.apache.flink.types.Either;
import org.apache.flink.util.Collector;
import org.apache.kafka.clients.consumer.ConsumerRecord;

/**
 * Plugs a {@link DebeziumMessageDecoder} (JSON or Avro) into a {@code KafkaSource}: each message of
 * a Debezium topic leaves the source as a change (right) or as the error that says why not (left).
 */
public final class DebeziumKafkaDeserializer
        implements KafkaRecordDeserializationSchema<Either<ErrorRecord, ChangeEvent>> {

    private static final long serialVersionUID = 1L;

    private final DebeziumMessageDecoder decoder;
    private final Clock clock;

    public DebeziumKafkaDeserializer(DebeziumMessageDecoder decoder, Clock clock) {
        this.decoder = decoder;
        this.clock = clock;
    }

    @Override
    public void deserialize(
            ConsumerRecord<byte[], byte[]> record,
            Collector<Either<ErrorRecord, ChangeEvent>> out) {
        DecodedRecords.collect(
                decoder.decode(
                        record.topic(),
                        record.partition(),
                        record.offset(),
                        record.key(),
                        record.value(),
                        clock.instant()),
                out);
    }

    @Override
    public TypeInformation<Either<ErrorRecord, ChangeEvent>> getProducedType() {
        return CdcChangeDeserializer.decodedType();
    }
}
