package io.syncline.operators.validate;

import io.syncline.schema.ChangeEvent;
import io.syncline.schema.FieldKind;
import io.syncline.schema.FieldValue;
import io.syncline.schema.Operation;
import io.syncline.schema.RuleSetDocument;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Builds field values, row images, changes and rule sets for the validation tests. */
public final class Changes {

    public static final String TENANT = "acme";

    private Changes() {}

    /** An image from alternating names and values; a value may be null (the field is SQL NULL). */
    public static Map<String, FieldValue> image(Object... namesAndValues) {
        Map<String, FieldValue> image = new LinkedHashMap<>();
        for (int i = 0; i < namesAndValues.length; i += 2) {
            image.put((String) namesAndValues[i], (FieldValue) namesAndValues[i + 1]);
        }
        return image;
    }

    public static FieldValue text(String text) {
        return new FieldValue(FieldKind.STRING, text);
    }

    public static FieldValue intValue(int number) {
        return new FieldValue(FieldKind.INT, number);
    }

    public static FieldValue longValue(long number) {
        return new FieldValue(FieldKind.LONG, number);
    }

    public static FieldValue floatValue(float number) {
        return new FieldValue(FieldKind.FLOAT, number);
    }

    public static FieldValue doubleValue(double number) {
        return new FieldValue(FieldKind.DOUBLE, number);
    }

    public static FieldValue decimal(String plain) {
        return new FieldValue(FieldKind.DECIMAL, plain);
    }

    public static FieldValue bool(boolean value) {
        return new FieldValue(FieldKind.BOOLEAN, value);
    }

    /** A DATE: days since the epoch. */
    public static FieldValue date(String iso) {
        return new FieldValue(FieldKind.DATE, (int) LocalDate.parse(iso).toEpochDay());
    }

    /** A TIMESTAMP: microseconds since the epoch, without a zone. */
    public static FieldValue timestamp(String iso) {
        LocalDateTime time = LocalDateTime.parse(iso);
        long micros = time.toEpochSecond(ZoneOffset.UTC) * 1_000_000L + time.getNano() / 1_000;
        return new FieldValue(FieldKind.TIMESTAMP, micros);
    }

    /** A TIMESTAMP_TZ: ISO-8601 text with an offset. */
    public static FieldValue timestampTz(String iso) {
        return new FieldValue(FieldKind.TIMESTAMP_TZ, iso);
    }

    public static FieldValue nullOf(FieldKind kind) {
        return new FieldValue(kind, null);
    }

    /** A create of {@code entityType/entityId} for tenant {@link #TENANT}. */
    public static ChangeEvent create(
            String entityType, String entityId, Map<String, FieldValue> after) {
        return change(TENANT, entityType, entityId, Operation.CREATE, 1, after);
    }

    /** An update of {@code entityType/entityId} at {@code version}. */
    public static ChangeEvent update(
            String entityType, String entityId, long version, Map<String, FieldValue> after) {
        return change(TENANT, entityType, entityId, Operation.UPDATE, version, after);
    }

    /** A delete of {@code entityType/entityId}: no after image. */
    public static ChangeEvent delete(String entityType, String entityId, long version) {
        return ChangeEvent.newBuilder(
                        change(TENANT, entityType, entityId, Operation.DELETE, version, null))
                .setBefore(image("id", text(entityId)))
                .build();
    }

    public static ChangeEvent change(
            String tenant,
            String entityType,
            String entityId,
            Operation op,
            long version,
            Map<String, FieldValue> after) {
        String position = entityType + "-" + entityId + "-" + version;
        return ChangeEvent.newBuilder()
                .setEventId(tenant + "-" + position)
                .setTenant(tenant)
                .setEntityType(entityType)
                .setEntityId(entityId)
                .setOp(op)
                .setAfter(after)
                .setSourceCommitTime(Instant.parse("2024-05-01T10:00:00Z"))
                .setCaptureTime(Instant.parse("2024-05-01T10:00:01Z"))
                .setSourceId("crm")
                .setSourcePosition(position)
                .setVersion(version)
                .setRemediations(List.of())
                .build();
    }

    /** The compiled rule set of {@code yaml}, which names no schema files. */
    public static RuleSet ruleSet(String yaml) {
        return RuleSetParser.parse(document(yaml));
    }

    public static RuleSetDocument document(String yaml) {
        return RuleSetParser.document(yaml, name -> null);
    }
}
