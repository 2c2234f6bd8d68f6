package io.syncline.operators.decode.debezium;

import io.syncline.operators.decode.DecodeOutcome;
import io.syncline.operators.decode.SourceRecordDecoder;
import io.syncline.operators.decode.TableBinding;
import io.syncline.operators.decode.UnsupportedValueException;
import io.syncline.operators.errors.ErrorCodes;
import io.syncline.schema.ChangeEvent;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Set;

/**
 * Turns one Kafka message of a Debezium topic, in Debezium's JSON format, into a {@link
 * ChangeEvent} by the same rules as the Postgres decoder ({@link SourceRecordDecoder}): the same
 * event ids, tenants, entity ids, versions and error codes, so nothing after decode can tell a
 * change read from a Debezium topic from one read from Postgres directly. Never throws for bad
 * input and never returns null.
 */
public final class DebeziumJsonDecoder implements DebeziumMessageDecoder {

    private static final long serialVersionUID = 1L;

    private final DebeziumChangeRules rules;

    // Kafka's JsonConverter is not serializable; each copy of the decoder makes its own.
    private transient DebeziumJsonReader reader;

    /**
     * @param sourceId configured id of the source, part of every event id
     * @param bindings the tables of this source: for Postgres {@code schema} is the table's schema
     *     (e.g. {@code public}), for MySQL and MariaDB it is the database
     * @param allowedTenants tenants accepted; empty accepts every tenant
     */
    public DebeziumJsonDecoder(
            String sourceId, List<TableBinding> bindings, Set<String> allowedTenants) {
        this.rules = new DebeziumChangeRules(sourceId, bindings, allowedTenants);
    }

    @Override
    public DecodeOutcome decode(
            String topic, int partition, long offset, byte[] key, byte[] value, Instant now) {
        if (value == null) {
            return new DecodeOutcome.Skipped("tombstone");
        }
        DebeziumMessage message =
                new DebeziumMessage(
                        topic,
                        partition,
                        offset,
                        () -> new String(value, StandardCharsets.UTF_8),
                        now);
        if (reader == null) {
            reader = new DebeziumJsonReader();
        }
        DebeziumEnvelope envelope;
        try {
            envelope = reader.read(topic, value);
        } catch (MalformedMessageException e) {
            return rules.reject(
                    message,
                    ErrorCodes.DEBEZIUM_MALFORMED,
                    message.describe()
                            + " is not a Debezium change event: "
                            + e.getMessage()
                            + "; read the topic with Kafka Connect's JsonConverter settings"
                            + " (key/value.converter=org.apache.kafka.connect.json.JsonConverter)"
                            + " or remove the message from the topic");
        } catch (UnsupportedValueException e) {
            return rules.reject(message, ErrorCodes.UNSUPPORTED_TYPE, e.getMessage());
        }
        if (envelope == null) {
            return new DecodeOutcome.Skipped("tombstone");
        }
        return rules.decode(envelope, message, () -> reader.readKey(topic, key));
    }
}
