package io.syncline.operators.decode.debezium;

import io.syncline.operators.decode.DecodeOutcome;
import io.syncline.operators.decode.SourceRecordDecoder;
import io.syncline.operators.decode.TableBinding;
import io.syncline.operators.decode.UnsupportedValueException;
import io.syncline.operators.errors.ErrorCodes;
import io.syncline.schema.ChangeEvent;
import io.syncline.schema.FieldValue;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericDatumReader;
import org.apache.avro.io.BinaryDecoder;
import org.apache.avro.io.DecoderFactory;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.errors.DataException;

/**
 * Turns one Kafka message of a Debezium topic written by Confluent's AvroConverter (the wire
 * format: a zero magic byte, the 4-byte big-endian id of the writer's schema in a schema registry,
 * then the Avro binary) into a {@link ChangeEvent}, by the same rules and with the same event ids
 * as {@link DebeziumJsonDecoder} and the Postgres decoder ({@link SourceRecordDecoder}).
 *
 * <p>Never throws for bad input and never returns null; it throws {@link SchemaRegistryException}
 * only when the registry cannot be asked, which no message can be blamed for and a restart may
 * cure.
 */
public final class DebeziumAvroDecoder implements DebeziumMessageDecoder {

    private static final long serialVersionUID = 1L;

    /** The first byte of every message in Confluent's wire format. */
    static final byte MAGIC_BYTE = 0;

    /** The magic byte and the schema id before the Avro body. */
    static final int HEADER_LENGTH = 5;

    private final DebeziumChangeRules rules;
    private final SchemaRegistrySettings registry;

    // An HTTP client and Avro readers are not serializable; each copy of the decoder makes its own.
    private transient SchemaRegistryClient client;
    private transient Map<Integer, AvroReader> readers;

    /**
     * @param sourceId configured id of the source, part of every event id
     * @param bindings the tables of this source: for Postgres {@code schema} is the table's schema
     *     (e.g. {@code public}), for MySQL and MariaDB it is the database
     * @param allowedTenants tenants accepted; empty accepts every tenant
     * @param registry the schema registry the messages' schema ids refer to
     */
    public DebeziumAvroDecoder(
            String sourceId,
            List<TableBinding> bindings,
            Set<String> allowedTenants,
            SchemaRegistrySettings registry) {
        this.rules = new DebeziumChangeRules(sourceId, bindings, allowedTenants);
        this.registry = Objects.requireNonNull(registry, "registry");
    }

    @Override
    public DecodeOutcome decode(
            String topic, int partition, long offset, byte[] key, byte[] value, Instant now) {
        if (value == null) {
            return new DecodeOutcome.Skipped("tombstone");
        }
        // Until the body is read, an error can only keep the bytes, as base64.
        DebeziumMessage raw =
                new DebeziumMessage(
                        topic,
                        partition,
                        offset,
                        () -> Base64.getEncoder().encodeToString(value),
                        now);
        if (value.length < HEADER_LENGTH || value[0] != MAGIC_BYTE) {
            return rules.reject(
                    raw,
                    ErrorCodes.DEBEZIUM_MALFORMED,
                    raw.describe()
                            + " is not in the Confluent Avro wire format ("
                            + (value.length < HEADER_LENGTH
                                    ? value.length + " bytes, fewer than the 5 of its header"
                                    : "magic byte " + value[0] + " instead of 0")
                            + "); write the topic with io.confluent.connect.avro.AvroConverter or"
                            + " set the source's format to json");
        }
        int schemaId = ByteBuffer.wrap(value, 1, 4).getInt();
        AvroReader reader;
        try {
            reader = reader(schemaId);
        } catch (UnknownSchemaException e) {
            return rules.reject(
                    raw,
                    ErrorCodes.DEBEZIUM_UNKNOWN_SCHEMA,
                    raw.describe()
                            + " cannot be read: "
                            + e.getMessage()
                            + "; point sources[].schemaRegistry.url at the registry the connector"
                            + " writes to, then replay the message from the error queue");
        } catch (UnsupportedValueException e) {
            return rules.reject(
                    raw,
                    ErrorCodes.UNSUPPORTED_TYPE,
                    raw.describe() + " has schema " + schemaId + ", in which " + e.getMessage());
        }
        Object datum;
        try {
            datum = reader.read(value);
        } catch (MalformedMessageException e) {
            return rules.reject(
                    raw,
                    ErrorCodes.DEBEZIUM_MALFORMED,
                    raw.describe()
                            + " does not match its schema "
                            + schemaId
                            + ": "
                            + e.getMessage()
                            + "; remove the message from the topic");
        }
        DebeziumMessage message =
                new DebeziumMessage(
                        topic, partition, offset, () -> GenericData.get().toString(datum), now);
        DebeziumEnvelope envelope;
        try {
            envelope = DebeziumEnvelope.of(reader.toStruct(datum));
        } catch (MalformedMessageException e) {
            return rules.reject(
                    message,
                    ErrorCodes.DEBEZIUM_MALFORMED,
                    message.describe() + " is not a Debezium change event: " + e.getMessage());
        } catch (UnsupportedValueException e) {
            return rules.reject(message, ErrorCodes.UNSUPPORTED_TYPE, e.getMessage());
        }
        return rules.decode(envelope, message, () -> readKey(key));
    }

    /**
     * The fields of a record key in the wire format; empty when there is none or it is not Avro
     * (e.g. a key written by the StringConverter).
     */
    private Map<String, FieldValue> readKey(byte[] key)
            throws MalformedMessageException, UnsupportedValueException {
        if (key == null || key.length < HEADER_LENGTH || key[0] != MAGIC_BYTE) {
            return Map.of();
        }
        AvroReader reader;
        try {
            reader = reader(ByteBuffer.wrap(key, 1, 4).getInt());
        } catch (UnknownSchemaException e) {
            throw new MalformedMessageException("its key cannot be read: " + e.getMessage());
        }
        Object datum = reader.read(key);
        return reader.connectSchema.type() == org.apache.kafka.connect.data.Schema.Type.STRUCT
                ? DebeziumEnvelope.imageOf(reader.toStruct(datum))
                : Map.of();
    }

    private AvroReader reader(int schemaId)
            throws UnknownSchemaException, UnsupportedValueException {
        if (readers == null) {
            readers = new HashMap<>();
            client = new SchemaRegistryClient(registry);
        }
        AvroReader reader = readers.get(schemaId);
        if (reader == null) {
            Schema schema = client.schema(schemaId);
            reader = new AvroReader(schema, AvroConnectData.toConnectSchema(schema));
            readers.put(schemaId, reader);
        }
        return reader;
    }

    /** Reads the bodies written with one schema, and turns them into Connect values. */
    private static final class AvroReader {
        private final Schema schema;
        private final org.apache.kafka.connect.data.Schema connectSchema;
        private final GenericDatumReader<Object> datumReader;
        private BinaryDecoder decoder;

        AvroReader(Schema schema, org.apache.kafka.connect.data.Schema connectSchema) {
            this.schema = schema;
            this.connectSchema = connectSchema;
            this.datumReader = new GenericDatumReader<>(schema);
        }

        /** The Avro body after the header of {@code message}, which must end with it. */
        Object read(byte[] message) throws MalformedMessageException {
            decoder =
                    DecoderFactory.get()
                            .binaryDecoder(
                                    message,
                                    HEADER_LENGTH,
                                    message.length - HEADER_LENGTH,
                                    decoder);
            Object datum;
            try {
                datum = datumReader.read(null, decoder);
                if (!decoder.isEnd()) {
                    throw new MalformedMessageException(
                            "bytes are left after its Avro body was read");
                }
            } catch (IOException | RuntimeException e) {
                // Truncated or garbled binary makes Avro hit the end, or read nonsense lengths
                // and union indexes (AvroRuntimeException, ArrayIndexOutOfBounds, ...).
                throw new MalformedMessageException("its Avro body cannot be read (" + e + ")");
            }
            return datum;
        }

        Struct toStruct(Object datum) throws MalformedMessageException {
            if (schema.getType() != Schema.Type.RECORD) {
                throw new MalformedMessageException(
                        "its value is an Avro " + schema.getType() + ", not a record");
            }
            try {
                return (Struct) AvroConnectData.toConnectValue(schema, connectSchema, datum);
            } catch (DataException e) {
                throw new MalformedMessageException(
                        "its values do not fit their Connect types (" + e.getMessage() + ")");
            }
        }
    }
}
