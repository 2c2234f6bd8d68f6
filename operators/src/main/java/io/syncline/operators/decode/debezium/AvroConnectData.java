package io.syncline.operators.decode.debezium;

import io.syncline.operators.decode.UnsupportedValueException;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.avro.LogicalType;
import org.apache.avro.LogicalTypes;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericFixed;
import org.apache.avro.generic.IndexedRecord;
import org.apache.kafka.connect.data.Date;
import org.apache.kafka.connect.data.Decimal;
import org.apache.kafka.connect.data.SchemaBuilder;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.data.Time;
import org.apache.kafka.connect.data.Timestamp;

/**
 * Turns Avro written by Confluent's AvroConverter back into the Kafka Connect schema and values the
 * connector emitted, as the converter's own reading side does: the Connect schema name (e.g. {@code
 * io.debezium.time.MicroTimestamp}), parameters (a decimal's {@code scale}) and the narrow integer
 * types travel in the {@code connect.name}, {@code connect.parameters} and {@code connect.type}
 * properties. Debezium JSON with schemas is read into the same Connect form, so both formats are
 * typed by one set of rules ({@link io.syncline.operators.decode.ConnectValues}).
 *
 * <p>Avro logical types without Connect properties (other producers) map to their Connect
 * counterparts: {@code decimal}, {@code date}, {@code time-millis}, {@code timestamp-millis}; and
 * {@code time-micros} and {@code timestamp-micros} to Debezium's {@code MicroTime} and {@code
 * MicroTimestamp}.
 */
final class AvroConnectData {

    static final String CONNECT_NAME = "connect.name";
    static final String CONNECT_VERSION = "connect.version";
    static final String CONNECT_PARAMETERS = "connect.parameters";
    static final String CONNECT_TYPE = "connect.type";
    static final String CONNECT_DOC = "connect.doc";

    private static final long MILLIS_PER_DAY = 86_400_000L;

    private AvroConnectData() {}

    /**
     * The Connect schema of values written with {@code avro}.
     *
     * @throws UnsupportedValueException the schema holds a union of several types, which Debezium
     *     does not write
     */
    static org.apache.kafka.connect.data.Schema toConnectSchema(Schema avro)
            throws UnsupportedValueException {
        return toConnectSchema(avro, false, avro.getFullName());
    }

    /**
     * {@code value}, read with {@code avro}, as the Connect value of {@code connect} (the schema
     * {@link #toConnectSchema} made of it).
     */
    static Object toConnectValue(
            Schema avro, org.apache.kafka.connect.data.Schema connect, Object value) {
        if (value == null) {
            return null;
        }
        switch (avro.getType()) {
            case UNION:
                Schema member = avro.getTypes().get(GenericData.get().resolveUnion(avro, value));
                return toConnectValue(member, connect, value);
            case RECORD:
                IndexedRecord record = (IndexedRecord) value;
                Struct struct = new Struct(connect);
                for (Schema.Field field : avro.getFields()) {
                    org.apache.kafka.connect.data.Field target = connect.field(field.name());
                    struct.put(
                            target,
                            toConnectValue(
                                    field.schema(), target.schema(), record.get(field.pos())));
                }
                return struct;
            case ARRAY:
                List<Object> items = new ArrayList<>();
                for (Object item : (Collection<?>) value) {
                    items.add(toConnectValue(avro.getElementType(), connect.valueSchema(), item));
                }
                return items;
            case MAP:
                Map<String, Object> entries = new LinkedHashMap<>();
                for (Map.Entry<?, ?> entry : ((Map<?, ?>) value).entrySet()) {
                    entries.put(
                            entry.getKey().toString(),
                            toConnectValue(
                                    avro.getValueType(), connect.valueSchema(), entry.getValue()));
                }
                return entries;
            case ENUM, STRING:
                return value.toString();
            case BYTES, FIXED:
                byte[] bytes = bytesOf(value);
                return Decimal.LOGICAL_NAME.equals(connect.name())
                        ? new BigDecimal(new BigInteger(bytes), decimalScale(connect))
                        : bytes;
            case INT:
                int number = (Integer) value;
                return switch (connect.type()) {
                    case INT8 -> (byte) number;
                    case INT16 -> (short) number;
                    default ->
                            Date.LOGICAL_NAME.equals(connect.name())
                                    ? new java.util.Date(number * MILLIS_PER_DAY)
                                    : Time.LOGICAL_NAME.equals(connect.name())
                                            ? new java.util.Date(number)
                                            : number;
                };
            case LONG:
                return Timestamp.LOGICAL_NAME.equals(connect.name())
                        ? new java.util.Date((Long) value)
                        : value;
            default:
                return value;
        }
    }

    private static org.apache.kafka.connect.data.Schema toConnectSchema(
            Schema avro, boolean optional, String path) throws UnsupportedValueException {
        if (avro.getType() == Schema.Type.UNION) {
            List<Schema> members = avro.getTypes();
            List<Schema> nonNull =
                    members.stream().filter(s -> s.getType() != Schema.Type.NULL).toList();
            if (nonNull.size() != 1) {
                throw new UnsupportedValueException(
                        "'"
                                + path
                                + "' is a union of "
                                + nonNull.size()
                                + " types, which no Debezium connector writes; only a type or a"
                                + " type and null can be read");
            }
            return toConnectSchema(nonNull.get(0), optional || members.size() > 1, path);
        }
        SchemaBuilder builder = builderOf(avro, path);
        if (optional) {
            builder.optional();
        }
        if (builder.version() == null
                && avro.getObjectProp(CONNECT_VERSION) instanceof Number version) {
            builder.version(version.intValue());
        }
        if (avro.getObjectProp(CONNECT_PARAMETERS) instanceof Map<?, ?> parameters) {
            parameters.forEach((k, v) -> builder.parameter(k.toString(), String.valueOf(v)));
        }
        String doc = avro.getProp(CONNECT_DOC);
        if (doc != null) {
            builder.doc(doc);
        }
        return builder.build();
    }

    private static SchemaBuilder builderOf(Schema avro, String path)
            throws UnsupportedValueException {
        String name = avro.getProp(CONNECT_NAME);
        LogicalType logical = avro.getLogicalType();
        switch (avro.getType()) {
            case RECORD:
                SchemaBuilder struct =
                        SchemaBuilder.struct().name(name != null ? name : avro.getFullName());
                for (Schema.Field field : avro.getFields()) {
                    struct.field(
                            field.name(),
                            toConnectSchema(field.schema(), false, path + "." + field.name()));
                }
                return struct;
            case ARRAY:
                return named(
                        SchemaBuilder.array(
                                toConnectSchema(avro.getElementType(), false, path + "[]")),
                        name);
            case MAP:
                return named(
                        SchemaBuilder.map(
                                org.apache.kafka.connect.data.Schema.STRING_SCHEMA,
                                toConnectSchema(avro.getValueType(), false, path + "{}")),
                        name);
            case ENUM, STRING:
                return named(SchemaBuilder.string(), name);
            case BYTES, FIXED:
                if (Decimal.LOGICAL_NAME.equals(name) || logical instanceof LogicalTypes.Decimal) {
                    return Decimal.builder(scaleOf(avro, logical, path));
                }
                return named(SchemaBuilder.bytes(), name);
            case INT:
                if (Date.LOGICAL_NAME.equals(name)
                        || (name == null && logical instanceof LogicalTypes.Date)) {
                    return Date.builder();
                }
                if (Time.LOGICAL_NAME.equals(name)
                        || (name == null && logical instanceof LogicalTypes.TimeMillis)) {
                    return Time.builder();
                }
                String narrow = avro.getProp(CONNECT_TYPE);
                SchemaBuilder integer =
                        "int8".equals(narrow)
                                ? SchemaBuilder.int8()
                                : "int16".equals(narrow)
                                        ? SchemaBuilder.int16()
                                        : SchemaBuilder.int32();
                return named(integer, name);
            case LONG:
                if (Timestamp.LOGICAL_NAME.equals(name)
                        || (name == null && logical instanceof LogicalTypes.TimestampMillis)) {
                    return Timestamp.builder();
                }
                if (name == null && logical instanceof LogicalTypes.TimestampMicros) {
                    return SchemaBuilder.int64().name("io.debezium.time.MicroTimestamp");
                }
                if (name == null && logical instanceof LogicalTypes.TimeMicros) {
                    return SchemaBuilder.int64().name("io.debezium.time.MicroTime");
                }
                return named(SchemaBuilder.int64(), name);
            case FLOAT:
                return named(SchemaBuilder.float32(), name);
            case DOUBLE:
                return named(SchemaBuilder.float64(), name);
            case BOOLEAN:
                return named(SchemaBuilder.bool(), name);
            default:
                throw new UnsupportedValueException(
                        "'"
                                + path
                                + "' has the Avro type "
                                + avro.getType()
                                + ", which no Debezium connector writes");
        }
    }

    private static SchemaBuilder named(SchemaBuilder builder, String name) {
        return name == null ? builder : builder.name(name);
    }

    /** A decimal's scale: the Avro logical type's, else the Connect parameter's. */
    private static int scaleOf(Schema avro, LogicalType logical, String path)
            throws UnsupportedValueException {
        if (logical instanceof LogicalTypes.Decimal decimal) {
            return decimal.getScale();
        }
        if (avro.getObjectProp(CONNECT_PARAMETERS) instanceof Map<?, ?> parameters
                && parameters.get(Decimal.SCALE_FIELD) != null) {
            try {
                return Integer.parseInt(parameters.get(Decimal.SCALE_FIELD).toString());
            } catch (NumberFormatException e) {
                // Reported below.
            }
        }
        throw new UnsupportedValueException(
                "decimal '" + path + "' has no scale in its schema (connect.parameters.scale)");
    }

    private static int decimalScale(org.apache.kafka.connect.data.Schema connect) {
        return Integer.parseInt(connect.parameters().get(Decimal.SCALE_FIELD));
    }

    private static byte[] bytesOf(Object value) {
        if (value instanceof ByteBuffer buffer) {
            ByteBuffer copy = buffer.duplicate();
            byte[] bytes = new byte[copy.remaining()];
            copy.get(bytes);
            return bytes;
        }
        return ((GenericFixed) value).bytes();
    }
}
