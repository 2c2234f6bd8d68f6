package io.syncline.operators.control;

import io.syncline.operators.control.ControlCommands.UnreadableCommandException;
import io.syncline.schema.ControlCommand;
import java.time.Instant;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.connector.kafka.source.reader.deserializer.KafkaRecordDeserializationSchema;
import org.apache.flink.formats.avro.typeutils.AvroTypeInfo;
import org.apache.flink.util.Collector;
import org.apache.kafka.clients.consumer.ConsumerRecord;

/**
 * Reads the control topic. A record that is not a readable command does not fail the job (it would
 * fail again on every restart, as the record stays on the topic): it becomes a command of type
 * {@code UNKNOWN} saying why, which the job reports as an error.
 */
public final class ControlCommandDeserializer
        implements KafkaRecordDeserializationSchema<ControlCommand> {

    private static final long serialVersionUID = 1L;

    @Override
    public void deserialize(ConsumerRecord<byte[], byte[]> record, Collector<ControlCommand> out) {
        try {
            out.collect(ControlCommands.decode(record.value()));
        } catch (UnreadableCommandException e) {
            out.collect(
                    ControlCommands.unreadable(
                            record.topic(),
                            record.partition(),
                            record.offset(),
                            Instant.ofEpochMilli(Math.max(0, record.timestamp())),
                            "cannot read the control record at "
                                    + record.topic()
                                    + "-"
                                    + record.partition()
                                    + " offset "
                                    + record.offset()
                                    + ": "
                                    + e.getMessage()));
        }
    }

    @Override
    public TypeInformation<ControlCommand> getProducedType() {
        return new AvroTypeInfo<>(ControlCommand.class);
    }
}
