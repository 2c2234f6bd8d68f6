package io.syncline.operators.validate.schema;

import io.syncline.operators.validate.ExpectedType;
import io.syncline.operators.validate.FieldSpec;
import io.syncline.operators.validate.FieldValues;
import io.syncline.operators.validate.SchemaCheck;
import io.syncline.operators.validate.ValidationCodes;
import io.syncline.operators.validate.Violation;
import io.syncline.schema.FieldKind;
import io.syncline.schema.FieldValue;
import java.math.BigDecimal;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;
import org.apache.avro.AvroRuntimeException;
import org.apache.avro.LogicalType;
import org.apache.avro.LogicalTypes;
import org.apache.avro.Schema;

/**
 * An Avro record schema that checks a row image field by field; records are closed, so fields the
 * schema does not name are violations.
 *
 * <p>A field that is absent or SQL NULL is valid if its type is a union with {@code null} or it has
 * a default. Otherwise the value's {@link FieldKind} must fit the Avro type: {@code boolean} takes
 * BOOLEAN; {@code int} takes INT; {@code long} takes INT and LONG; {@code float} and {@code double}
 * take INT, LONG, FLOAT, DOUBLE and DECIMAL (numeric columns may be rounded); {@code string} takes
 * STRING, UUID and JSON; {@code bytes} takes BYTES, {@code fixed} BYTES of its size; an enum takes
 * a STRING that is one of its symbols; records, arrays and maps take JSON (not checked deeper).
 * Logical types come first: {@code decimal} takes DECIMAL, INT and LONG that fit its precision and
 * scale; {@code date} takes DATE; {@code time-millis} and {@code time-micros} take TIME; {@code
 * timestamp-*} and {@code local-timestamp-*} take TIMESTAMP and TIMESTAMP_TZ; {@code uuid} takes
 * UUID and a STRING that parses as a UUID. A union takes what any of its branches takes.
 */
public final class AvroSchemaCheck implements SchemaCheck {

    private static final Set<FieldKind> INTEGRAL = EnumSet.of(FieldKind.INT, FieldKind.LONG);
    private static final Set<FieldKind> NUMERIC =
            EnumSet.of(
                    FieldKind.INT,
                    FieldKind.LONG,
                    FieldKind.FLOAT,
                    FieldKind.DOUBLE,
                    FieldKind.DECIMAL);
    private static final Set<FieldKind> TEXT =
            EnumSet.of(FieldKind.STRING, FieldKind.UUID, FieldKind.JSON);
    private static final Set<FieldKind> TIMESTAMPS =
            EnumSet.of(FieldKind.TIMESTAMP, FieldKind.TIMESTAMP_TZ);
    private static final Set<FieldKind> DECIMALS =
            EnumSet.of(FieldKind.DECIMAL, FieldKind.INT, FieldKind.LONG);

    private final Schema record;
    private final Map<String, FieldSpec> fields;

    AvroSchemaCheck(String text) {
        Objects.requireNonNull(text, "Avro schema text must not be null");
        this.record = parse(text);
        Map<String, FieldSpec> specs = new LinkedHashMap<>();
        for (Schema.Field field : record.getFields()) {
            specs.put(field.name(), fieldSpec(field));
        }
        this.fields = Collections.unmodifiableMap(specs);
    }

    @Override
    public List<Violation> check(Map<String, FieldValue> image) {
        List<Violation> violations = new ArrayList<>();
        for (Schema.Field field : record.getFields()) {
            FieldValue value = image.get(field.name());
            if (FieldValues.isNull(value)) {
                if (!isNullable(field.schema()) && !field.hasDefaultValue()) {
                    violations.add(
                            new Violation(
                                    field.name(),
                                    ValidationCodes.SCHEMA_REQUIRED,
                                    image.containsKey(field.name())
                                            ? "must not be null"
                                            : "is required",
                                    null));
                }
            } else {
                valueViolation(field.name(), field.schema(), value).ifPresent(violations::add);
            }
        }
        image.forEach(
                (name, value) -> {
                    if (record.getField(name) == null) {
                        violations.add(
                                new Violation(
                                        name,
                                        ValidationCodes.SCHEMA_UNKNOWN_FIELD,
                                        "is not a field of Avro record " + record.getFullName(),
                                        FieldValues.text(value)));
                    }
                });
        return violations;
    }

    @Override
    public Map<String, FieldSpec> fields() {
        return fields;
    }

    @Override
    public boolean allowsUnknownFields() {
        return false;
    }

    private static Schema parse(String text) {
        Schema schema;
        try {
            schema = new Schema.Parser().parse(text);
        } catch (AvroRuntimeException e) {
            throw new IllegalArgumentException(
                    "Avro schema is invalid: "
                            + e.getMessage().replaceFirst("\\.$", "")
                            + ". Fix the schema text; it must be an Avro record schema such as"
                            + " {\"type\": \"record\", \"name\": \"Customer\", \"fields\":"
                            + " [{\"name\": \"id\", \"type\": \"long\"}]}.",
                    e);
        }
        if (schema.getType() != Schema.Type.RECORD) {
            throw new IllegalArgumentException(
                    "Avro schema must be a record describing the row's fields, but is of type '"
                            + schema.getType().getName()
                            + "'. Wrap the fields in {\"type\": \"record\", \"name\": ...,"
                            + " \"fields\": [...]}.");
        }
        return schema;
    }

    private static Optional<Violation> valueViolation(
            String name, Schema schema, FieldValue value) {
        if (schema.getType() != Schema.Type.UNION) {
            return branchViolation(name, schema, value);
        }
        List<Schema> branches = nonNullBranches(schema);
        if (branches.isEmpty()) {
            return Optional.of(mismatch(name, "null", value));
        }
        List<Violation> violations = new ArrayList<>();
        for (Schema branch : branches) {
            Optional<Violation> violation = branchViolation(name, branch, value);
            if (violation.isEmpty()) {
                return violation;
            }
            violations.add(violation.get());
        }
        if (violations.size() == 1) {
            return Optional.of(violations.get(0));
        }
        List<Violation> kindFits =
                violations.stream()
                        .filter(v -> !v.code().equals(ValidationCodes.SCHEMA_TYPE_MISMATCH))
                        .toList();
        if (kindFits.size() == 1) {
            return Optional.of(kindFits.get(0));
        }
        String expected =
                branches.stream()
                        .map(AvroSchemaCheck::typeName)
                        .collect(Collectors.joining(" or "));
        return Optional.of(mismatch(name, expected, value));
    }

    private static Optional<Violation> branchViolation(
            String name, Schema schema, FieldValue value) {
        FieldKind kind = value.getKind();
        LogicalType logical = schema.getLogicalType();
        if (logical instanceof LogicalTypes.Decimal decimal) {
            return DECIMALS.contains(kind)
                    ? decimalViolation(name, decimal, value)
                    : Optional.of(mismatch(name, typeName(schema), value));
        }
        if (logical != null) {
            switch (logical.getName()) {
                case "date":
                    return fits(name, schema, value, kind == FieldKind.DATE);
                case "time-millis", "time-micros":
                    return fits(name, schema, value, kind == FieldKind.TIME);
                case "timestamp-millis",
                        "timestamp-micros",
                        "local-timestamp-millis",
                        "local-timestamp-micros":
                    return fits(name, schema, value, TIMESTAMPS.contains(kind));
                case "uuid":
                    return uuidViolation(name, schema, value);
                default:
                    break;
            }
        }
        return switch (schema.getType()) {
            case BOOLEAN -> fits(name, schema, value, kind == FieldKind.BOOLEAN);
            case INT -> fits(name, schema, value, kind == FieldKind.INT);
            case LONG -> fits(name, schema, value, INTEGRAL.contains(kind));
            case FLOAT, DOUBLE -> fits(name, schema, value, NUMERIC.contains(kind));
            case STRING -> fits(name, schema, value, TEXT.contains(kind));
            case BYTES -> fits(name, schema, value, kind == FieldKind.BYTES);
            case FIXED -> fixedViolation(name, schema, value);
            case ENUM -> enumViolation(name, schema, value);
            case RECORD, ARRAY, MAP -> fits(name, schema, value, kind == FieldKind.JSON);
            case NULL, UNION -> Optional.of(mismatch(name, typeName(schema), value));
        };
    }

    private static Optional<Violation> fits(
            String name, Schema schema, FieldValue value, boolean fits) {
        return fits ? Optional.empty() : Optional.of(mismatch(name, typeName(schema), value));
    }

    private static Optional<Violation> decimalViolation(
            String name, LogicalTypes.Decimal decimal, FieldValue value) {
        BigDecimal number;
        try {
            number = new BigDecimal(FieldValues.text(value)).stripTrailingZeros();
        } catch (NumberFormatException e) {
            return Optional.of(
                    new Violation(
                            name,
                            ValidationCodes.SCHEMA_TYPE_MISMATCH,
                            "must be a decimal number",
                            FieldValues.text(value)));
        }
        int scale = decimal.getScale();
        int integerDigits = Math.max(number.precision() - number.scale(), 0);
        String description = null;
        if (number.scale() > scale) {
            description = "must have at most " + scale + " decimal places";
        } else if (integerDigits > decimal.getPrecision() - scale) {
            description =
                    "must have at most "
                            + (decimal.getPrecision() - scale)
                            + " digits before the decimal point";
        }
        return Optional.ofNullable(description)
                .map(
                        d ->
                                new Violation(
                                        name,
                                        ValidationCodes.SCHEMA_RANGE,
                                        d,
                                        FieldValues.text(value)));
    }

    private static Optional<Violation> uuidViolation(String name, Schema schema, FieldValue value) {
        if (value.getKind() == FieldKind.UUID) {
            return Optional.empty();
        }
        if (value.getKind() != FieldKind.STRING) {
            return Optional.of(mismatch(name, typeName(schema), value));
        }
        try {
            UUID.fromString(value.getValue().toString());
            return Optional.empty();
        } catch (IllegalArgumentException e) {
            return Optional.of(
                    new Violation(
                            name,
                            ValidationCodes.SCHEMA_FORMAT,
                            "must be a UUID",
                            FieldValues.text(value)));
        }
    }

    private static Optional<Violation> fixedViolation(
            String name, Schema schema, FieldValue value) {
        if (value.getKind() != FieldKind.BYTES) {
            return Optional.of(mismatch(name, typeName(schema), value));
        }
        int size = ((ByteBuffer) value.getValue()).remaining();
        return size == schema.getFixedSize()
                ? Optional.empty()
                : Optional.of(
                        new Violation(
                                name,
                                ValidationCodes.SCHEMA_RANGE,
                                "must be exactly " + schema.getFixedSize() + " bytes long",
                                FieldValues.text(value)));
    }

    private static Optional<Violation> enumViolation(String name, Schema schema, FieldValue value) {
        if (value.getKind() != FieldKind.STRING) {
            return Optional.of(mismatch(name, typeName(schema), value));
        }
        return schema.hasEnumSymbol(value.getValue().toString())
                ? Optional.empty()
                : Optional.of(
                        new Violation(
                                name,
                                ValidationCodes.SCHEMA_ENUM,
                                "must be one of " + schema.getEnumSymbols(),
                                FieldValues.text(value)));
    }

    private static Violation mismatch(String name, String expected, FieldValue value) {
        return new Violation(
                name,
                ValidationCodes.SCHEMA_TYPE_MISMATCH,
                "must be of Avro type " + expected + ", but the value is " + value.getKind(),
                FieldValues.text(value));
    }

    private static String typeName(Schema schema) {
        LogicalType logical = schema.getLogicalType();
        String type =
                switch (schema.getType()) {
                    case ENUM, FIXED, RECORD ->
                            schema.getType().getName() + " " + schema.getFullName();
                    default -> schema.getType().getName();
                };
        return logical == null ? type : type + " (" + logical.getName() + ")";
    }

    private static boolean isNullable(Schema schema) {
        return schema.getType() == Schema.Type.NULL
                || (schema.getType() == Schema.Type.UNION && schema.isNullable());
    }

    private static List<Schema> nonNullBranches(Schema union) {
        return union.getTypes().stream().filter(s -> s.getType() != Schema.Type.NULL).toList();
    }

    private static FieldSpec fieldSpec(Schema.Field field) {
        Schema schema = field.schema();
        boolean nullable = isNullable(schema);
        List<Schema> branches =
                schema.getType() == Schema.Type.UNION ? nonNullBranches(schema) : List.of(schema);
        Schema single = branches.size() == 1 ? branches.get(0) : null;
        ExpectedType type = single == null ? ExpectedType.ANY : expectedType(single);
        List<String> symbols =
                single != null && single.getType() == Schema.Type.ENUM
                        ? single.getEnumSymbols()
                        : List.of();
        return new FieldSpec(
                field.name(), type, !nullable && !field.hasDefaultValue(), nullable, symbols);
    }

    private static ExpectedType expectedType(Schema schema) {
        LogicalType logical = schema.getLogicalType();
        if (logical != null) {
            switch (logical.getName()) {
                case "date":
                    return ExpectedType.DATE;
                case "timestamp-millis",
                        "timestamp-micros",
                        "local-timestamp-millis",
                        "local-timestamp-micros":
                    return ExpectedType.DATE_TIME;
                case "decimal":
                    return ExpectedType.NUMBER;
                case "uuid":
                    return ExpectedType.STRING;
                case "time-millis", "time-micros":
                    return ExpectedType.ANY;
                default:
                    break;
            }
        }
        return switch (schema.getType()) {
            case BOOLEAN -> ExpectedType.BOOLEAN;
            case INT, LONG -> ExpectedType.INTEGER;
            case FLOAT, DOUBLE -> ExpectedType.NUMBER;
            case STRING, ENUM -> ExpectedType.STRING;
            default -> ExpectedType.ANY;
        };
    }
}
