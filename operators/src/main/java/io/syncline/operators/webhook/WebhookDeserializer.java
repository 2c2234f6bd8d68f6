package io.syncline.operators.webhook;

import io.syncline.operators.decode.CdcChangeDeserializer;
import io.syncline.operators.decode.DecodedRecords;
import io.syncline.schema.ChangeEvent;
import io.syncline.schema.ErrorRecord;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.connector.kafka.source.reader.deserializer.KafkaRecordDeserializationSchema;
import org.apache.flink.types.Either;
import org.apache.flink.util.Collector;
import org.apache.kafka.clients.consumer.ConsumerRecord;

/** Decodes the landing topic's records inside the source, as the other sources decode theirs. */
public final class WebhookDeserializer
        implements KafkaRecordDeserializationSchema<Either<ErrorRecord, ChangeEvent>> {

    private static final long serialVersionUID = 1L;

    private final WebhookPayloadDecoder decoder;

    public WebhookDeserializer(WebhookPayloadDecoder decoder) {
        this.decoder = decoder;
    }

    @Override
    public void deserialize(
            ConsumerRecord<byte[], byte[]> record,
            Collector<Either<ErrorRecord, ChangeEvent>> out) {
        String key = record.key() == null ? null : new String(record.key(), StandardCharsets.UTF_8);
        DecodedRecords.collect(
                decoder.decode(key, record.value(), Instant.ofEpochMilli(record.timestamp())), out);
    }

    @Override
    public TypeInformation<Either<ErrorRecord, ChangeEvent>> getProducedType() {
        return CdcChangeDeserializer.decodedType();
    }
}
