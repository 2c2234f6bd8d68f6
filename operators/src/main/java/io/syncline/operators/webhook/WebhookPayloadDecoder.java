package io.syncline.operators.webhook;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import io.syncline.operators.decode.DecodeOutcome;
import io.syncline.operators.decode.EntityIds;
import io.syncline.operators.decode.JsonFieldValues;
import io.syncline.operators.decode.SourceRecordDecoder;
import io.syncline.operators.decode.TableBinding;
import io.syncline.operators.errors.ErrorCodes;
import io.syncline.operators.errors.ErrorRecords;
import io.syncline.operators.key.EntityKeys;
import io.syncline.schema.ChangeEvent;
import io.syncline.schema.ErrorRecord;
import io.syncline.schema.FieldKind;
import io.syncline.schema.FieldValue;
import io.syncline.schema.Operation;
import java.io.IOException;
import java.io.Serializable;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Turns one change a webhook received (a record of the source's landing topic, keyed by the
 * sender's event id) into a {@link ChangeEvent}. The event id is the source id, the sender's event
 * id and the entity key, so a delivery the sender retried is the same event and the resolve stage
 * drops it. Never throws for bad input and never returns null.
 *
 * <p>A change reads {@code {"eventId", "entityType", "tenant", "op", "version", "occurredAt",
 * "data"}}; see docs/sources/webhook.md.
 */
public final class WebhookPayloadDecoder implements Serializable {

    private static final long serialVersionUID = 1L;

    private static final ObjectMapper JSON =
            JsonMapper.builder().enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS).build();

    private final String sourceId;
    private final Map<String, TableBinding> bindingsByEntityType;
    private final Set<String> allowedTenants;

    /**
     * @param sourceId configured id of the source, part of every event id
     * @param bindings one per entity type the source accepts
     * @param allowedTenants tenants accepted; empty accepts every tenant
     */
    public WebhookPayloadDecoder(
            String sourceId, List<TableBinding> bindings, Set<String> allowedTenants) {
        this.sourceId = sourceId;
        this.bindingsByEntityType = new HashMap<>();
        for (TableBinding binding : bindings) {
            if (bindingsByEntityType.put(binding.entityType(), binding) != null) {
                throw new IllegalArgumentException(
                        "entity type " + binding.entityType() + " is mapped twice");
            }
        }
        this.allowedTenants = Collections.unmodifiableSortedSet(new TreeSet<>(allowedTenants));
    }

    /**
     * Decodes one landing record.
     *
     * @param key the sender's event id (the record's key)
     * @param value the change's JSON
     * @param receivedAt when the receiver wrote it (the record's timestamp): the capture time, and
     *     the commit time of a change without {@code occurredAt}
     */
    public DecodeOutcome decode(String key, byte[] value, Instant receivedAt) {
        if (value == null) {
            return new DecodeOutcome.Skipped("tombstone");
        }
        Rejections reject = new Rejections(key, value, receivedAt);
        JsonNode change;
        try {
            change = JSON.readTree(value);
        } catch (IOException e) {
            change = null;
        }
        if (change == null || !change.isObject()) {
            return reject.with(
                    ErrorCodes.WEBHOOK_MALFORMED,
                    "the change is not a JSON object; only Syncline's webhook receiver may"
                            + " write the landing topic");
        }
        JsonNode field = change.get(WebhookBody.EVENT_ID_FIELD);
        String eventId = field != null && !field.isNull() ? field.asText() : key;
        if (eventId == null || eventId.isBlank()) {
            return reject.with(
                    ErrorCodes.WEBHOOK_MALFORMED,
                    "the change has no event id; only Syncline's webhook receiver may write the"
                            + " landing topic");
        }
        reject.error.setSourcePosition(eventId);

        String entityType = textOrNull(change, "entityType");
        if (entityType == null) {
            return reject.with(
                    ErrorCodes.WEBHOOK_MALFORMED,
                    "change " + eventId + " has no 'entityType'; name one of " + entityTypes());
        }
        TableBinding binding = bindingsByEntityType.get(entityType);
        if (binding == null) {
            return reject.with(
                    ErrorCodes.WEBHOOK_UNKNOWN_ENTITY,
                    "entity type '"
                            + entityType
                            + "' of change "
                            + eventId
                            + " is not mapped by this source (it maps "
                            + entityTypes()
                            + "); add it under the source's tables in the configuration or fix"
                            + " the sender");
        }
        reject.error.setEntityType(entityType);

        Operation op = operationOf(textOrNull(change, "op"));
        if (op == null) {
            return reject.with(
                    ErrorCodes.WEBHOOK_MALFORMED,
                    "change "
                            + eventId
                            + " has 'op' "
                            + change.get("op")
                            + "; send one of upsert, create, update, delete");
        }
        JsonNode version = change.get("version");
        if (version == null
                || !version.isIntegralNumber()
                || !version.canConvertToLong()
                || version.longValue() < 0) {
            return reject.with(
                    ErrorCodes.WEBHOOK_MALFORMED,
                    "change "
                            + eventId
                            + " has no 'version' (a whole number >= 0 that rises with every"
                            + " change of the entity); the sender must send one");
        }
        Instant occurredAt;
        try {
            occurredAt = instantOr(change.get("occurredAt"), receivedAt);
        } catch (IllegalArgumentException e) {
            return reject.with(
                    ErrorCodes.WEBHOOK_MALFORMED,
                    "change "
                            + eventId
                            + " has 'occurredAt' "
                            + change.get("occurredAt")
                            + "; send an ISO-8601 instant (2024-01-15T10:31:00Z) or epoch"
                            + " milliseconds");
        }
        JsonNode data = change.get("data");
        if (data == null || !data.isObject()) {
            return reject.with(
                    ErrorCodes.WEBHOOK_MALFORMED,
                    "change "
                            + eventId
                            + " has no 'data' object; send the entity's fields (for a delete at"
                            + " least its key "
                            + binding.primaryKey()
                            + ")");
        }
        Map<String, FieldValue> image = JsonFieldValues.imageOf(data);

        String tenant = textOrNull(change, "tenant");
        String rowTenant =
                binding.constantTenant() != null
                        ? binding.constantTenant()
                        : textOf(image.get(binding.tenantColumn()));
        if (tenant != null && rowTenant != null && !tenant.equals(rowTenant)) {
            return reject.with(
                    ErrorCodes.WEBHOOK_MALFORMED,
                    "change "
                            + eventId
                            + " names tenant '"
                            + tenant
                            + "' but its data belongs to '"
                            + rowTenant
                            + "'; send one tenant");
        }
        tenant = tenant != null ? tenant : rowTenant;
        if (tenant == null || tenant.isBlank()) {
            return reject.with(
                    ErrorCodes.TENANT_MISSING,
                    "change "
                            + eventId
                            + " has no tenant; set 'tenant'"
                            + (binding.tenantColumn() == null
                                    ? ""
                                    : " or data." + binding.tenantColumn()));
        }
        reject.error.setTenant(tenant);
        if (!allowedTenants.isEmpty() && !allowedTenants.contains(tenant)) {
            return reject.with(
                    ErrorCodes.UNKNOWN_TENANT,
                    "tenant '"
                            + tenant
                            + "' of change "
                            + eventId
                            + " is not among the configured tenants "
                            + allowedTenants
                            + "; add it to 'tenants' or fix the sender");
        }
        if (binding.tenantColumn() != null && rowTenant == null) {
            // The target row keeps its tenant in the column, as the rows of other sources do.
            image.put(binding.tenantColumn(), new FieldValue(FieldKind.STRING, tenant));
        }
        List<FieldValue> keyParts = new ArrayList<>(binding.primaryKey().size());
        for (String column : binding.primaryKey()) {
            keyParts.add(image.get(column));
        }
        String entityId = EntityIds.of(keyParts);
        if (entityId == null) {
            return reject.with(
                    ErrorCodes.KEY_MISSING,
                    "change "
                            + eventId
                            + " has no value in a key field of "
                            + binding.primaryKey()
                            + " in 'data'; send the key, or fix primaryKey of "
                            + entityType
                            + " in the configuration");
        }
        String entityKey = EntityKeys.of(tenant, entityType, entityId);
        ChangeEvent event =
                ChangeEvent.newBuilder()
                        .setEventId(sourceId + "/" + eventId + "/" + entityKey)
                        .setTenant(tenant)
                        .setEntityType(entityType)
                        .setEntityId(entityId)
                        .setOp(op)
                        .setBefore(op == Operation.DELETE ? image : null)
                        .setAfter(op == Operation.DELETE ? null : image)
                        .setSourceCommitTime(occurredAt)
                        .setCaptureTime(receivedAt)
                        .setSourceId(sourceId)
                        .setSourcePosition(eventId)
                        .setVersion(version.longValue())
                        .setSchemaVersion(1)
                        .build();
        return new DecodeOutcome.Decoded(event);
    }

    private List<String> entityTypes() {
        return new ArrayList<>(new TreeSet<>(bindingsByEntityType.keySet()));
    }

    /** {@code upsert} is an update: targets write creates and updates alike. */
    private static Operation operationOf(String op) {
        if (op == null) {
            return null;
        }
        return switch (op.toLowerCase(Locale.ROOT)) {
            case "upsert", "update" -> Operation.UPDATE;
            case "create" -> Operation.CREATE;
            case "delete" -> Operation.DELETE;
            default -> null;
        };
    }

    private static Instant instantOr(JsonNode value, Instant fallback) {
        if (value == null || value.isNull()) {
            return fallback;
        }
        if (value.isIntegralNumber() && value.canConvertToLong()) {
            return Instant.ofEpochMilli(value.longValue());
        }
        if (value.isTextual()) {
            try {
                return Instant.parse(value.textValue());
            } catch (DateTimeParseException e) {
                throw new IllegalArgumentException(e);
            }
        }
        throw new IllegalArgumentException("not an instant");
    }

    private static String textOrNull(JsonNode node, String field) {
        JsonNode value = node.get(field);
        return value == null || value.isNull() || !value.isValueNode() ? null : value.asText();
    }

    private static String textOf(FieldValue value) {
        if (value == null || value.getValue() == null) {
            return null;
        }
        String text = value.getValue().toString();
        return text.isBlank() ? null : text;
    }

    /** The error record of the change being decoded, filled in as decoding learns more. */
    private final class Rejections {
        private final ErrorRecord.Builder error;
        private final byte[] value;
        private final Instant receivedAt;

        Rejections(String key, byte[] value, Instant receivedAt) {
            this.error = ErrorRecord.newBuilder().setSourceId(sourceId);
            // The sender's event id, so a retried bad delivery makes the same error id.
            this.error.setSourcePosition(key);
            this.value = value;
            this.receivedAt = receivedAt;
        }

        DecodeOutcome with(String code, String message) {
            ErrorRecords.permanent(error, SourceRecordDecoder.STAGE, code, message);
            return new DecodeOutcome.Rejected(
                    ErrorRecords.build(
                            error, new String(value, StandardCharsets.UTF_8), receivedAt));
        }
    }
}
