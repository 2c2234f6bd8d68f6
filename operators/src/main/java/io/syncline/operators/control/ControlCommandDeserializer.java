package io.syncline.operators.control;

import io.syncline.operators.control.ControlCommands.UnreadableCommandException;
import io.syncline.schema.ControlCommand;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Objects;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.connector.kafka.source.reader.deserializer.KafkaRecordDeserializationSchema;
import org.apache.flink.formats.avro.typeutils.AvroTypeInfo;
import org.apache.flink.util.Collector;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Header;

/**
 * Reads the control topic. A record that is not a readable command does not fail the job (it would
 * fail again on every restart, as the record stays on the topic): it becomes a command of type
 * {@code UNKNOWN} saying why, which the job reports as an error.
 *
 * <p>Every record's signature and its signer's role are checked here, where the record's bytes and
 * headers are at hand: the command carries the verified {@code signer}, or the {@code rejection}
 * that keeps it from being applied. Both fields are always set by this reader, whatever the record
 * itself says in them.
 */
public final class ControlCommandDeserializer
        implements KafkaRecordDeserializationSchema<ControlCommand> {

    private static final long serialVersionUID = 1L;

    private final ControlAuth auth;

    /**
     * @param auth the signers and whether signatures are required; {@link
     *     ControlAuth#unauthenticated()} to accept every record
     */
    public ControlCommandDeserializer(ControlAuth auth) {
        this.auth = Objects.requireNonNull(auth, "auth");
    }

    @Override
    public void deserialize(ConsumerRecord<byte[], byte[]> record, Collector<ControlCommand> out) {
        ControlAuth.Verdict verdict =
                auth.authenticate(
                        record.topic(),
                        record.value(),
                        header(record, ControlSignatures.SIGNER_HEADER),
                        header(record, ControlSignatures.SIGNATURE_HEADER));
        ControlCommand command;
        try {
            command = ControlCommands.decode(record.value());
        } catch (UnreadableCommandException e) {
            command =
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
                                    + e.getMessage());
        }
        verdict = auth.authorize(verdict, command.getType());
        out.collect(
                ControlCommand.newBuilder(command)
                        .setSigner(verdict.signer())
                        .setRejection(verdict.rejection())
                        .build());
    }

    @Override
    public TypeInformation<ControlCommand> getProducedType() {
        return new AvroTypeInfo<>(ControlCommand.class);
    }

    /** The last value of header {@code key}, {@code null} if there is none. */
    private static String header(ConsumerRecord<byte[], byte[]> record, String key) {
        Header header = record.headers().lastHeader(key);
        return header == null || header.value() == null
                ? null
                : new String(header.value(), StandardCharsets.UTF_8);
    }
}
