package io.syncline.operators.http;

import com.fasterxml.jackson.databind.JsonNode;
import io.syncline.operators.decode.DecodeOutcome;
import io.syncline.operators.decode.EntityIds;
import io.syncline.operators.decode.JsonFieldValues;
import io.syncline.operators.decode.SourceRecordDecoder;
import io.syncline.operators.errors.ErrorCodes;
import io.syncline.operators.errors.ErrorRecords;
import io.syncline.operators.key.EntityKeys;
import io.syncline.schema.ChangeEvent;
import io.syncline.schema.ErrorRecord;
import io.syncline.schema.FieldValue;
import io.syncline.schema.Operation;
import java.io.Serializable;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Turns one item of a delta API's page into a {@link ChangeEvent}: the entity id from the key
 * fields, the tenant from its field or the resource's constant, the operation from the op field or
 * deleted flag, the version from the version field or the update time in microseconds. The event id
 * is {@code sourceId/resource/entityId/version}, so an item read again is the same change and the
 * resolve stage drops it. Never throws for bad input and never returns null.
 */
public final class DeltaItemDecoder implements Serializable {

    private static final long serialVersionUID = 1L;

    private final String sourceId;
    private final ItemFields fields;
    private final Set<String> allowedTenants;

    /**
     * @param allowedTenants tenants accepted; empty accepts every tenant
     */
    public DeltaItemDecoder(String sourceId, ItemFields fields, Set<String> allowedTenants) {
        this.sourceId = sourceId;
        this.fields = fields;
        // Sorted, so the error message that lists them is the same on every run.
        this.allowedTenants = Collections.unmodifiableSortedSet(new TreeSet<>(allowedTenants));
    }

    /**
     * Decodes {@code item} of {@code resource}, read from the page at {@code position}; {@code now}
     * is the capture time.
     */
    public DecodeOutcome decode(
            HttpResource resource, String position, JsonNode item, Instant now) {
        ErrorRecord.Builder error =
                ErrorRecord.newBuilder()
                        .setSourceId(sourceId)
                        .setSourcePosition(position)
                        .setEntityType(resource.entityType());
        if (item == null || !item.isObject()) {
            return reject(
                    error,
                    ErrorCodes.HTTP_MALFORMED_ITEM,
                    item,
                    now,
                    "an item of " + position + " is not a JSON object");
        }
        Map<String, FieldValue> image = JsonFieldValues.imageOf(item);
        String tenant = tenantOf(resource, item);
        if (tenant == null) {
            return reject(
                    error,
                    ErrorCodes.TENANT_MISSING,
                    item,
                    now,
                    "an item of "
                            + position
                            + " has no tenant in field '"
                            + resource.tenantField()
                            + "'; fix the item or the resource's tenantColumn");
        }
        error.setTenant(tenant);
        if (!allowedTenants.isEmpty() && !allowedTenants.contains(tenant)) {
            return reject(
                    error,
                    ErrorCodes.UNKNOWN_TENANT,
                    item,
                    now,
                    "tenant '"
                            + tenant
                            + "' of an item of "
                            + position
                            + " is not among the configured tenants "
                            + allowedTenants
                            + "; add it to 'tenants' or fix the item");
        }
        String entityId = entityIdOf(resource, item);
        if (entityId == null) {
            return reject(
                    error,
                    ErrorCodes.HTTP_MALFORMED_ITEM,
                    item,
                    now,
                    "an item of "
                            + position
                            + " has no value (or an object) in a key field of "
                            + resource.keyFields()
                            + "; fix the item or the resource's primaryKey");
        }
        error.setKey(EntityKeys.of(tenant, resource.entityType(), entityId));
        Instant updatedAt = null;
        if (fields.updatedAtField() != null) {
            updatedAt = ItemTimes.instantOrNull(item.get(fields.updatedAtField()));
            if (updatedAt == null
                    && (fields.versionField() == null || item.has(fields.updatedAtField()))) {
                return malformed(
                        error,
                        item,
                        now,
                        entityId,
                        position,
                        "has no ISO-8601 timestamp in field '"
                                + fields.updatedAtField()
                                + "' (e.g. 2026-01-31T12:00:00Z)");
            }
        }
        Long version = versionOf(item, updatedAt);
        if (version == null) {
            return malformed(
                    error,
                    item,
                    now,
                    entityId,
                    position,
                    "has no whole number in field '"
                            + fields.versionField()
                            + "'; it orders the entity's changes");
        }
        Operation op = operationOf(item);
        if (op == null) {
            return malformed(
                    error,
                    item,
                    now,
                    entityId,
                    position,
                    "has operation "
                            + item.get(fields.opField())
                            + " in field '"
                            + fields.opField()
                            + "' or a non-boolean '"
                            + fields.deletedField()
                            + "'; expected create, update or delete (c, u, d) and true or"
                            + " false");
        }
        ChangeEvent event =
                ChangeEvent.newBuilder()
                        .setEventId(
                                sourceId + "/" + resource.name() + "/" + entityId + "/" + version)
                        .setTenant(tenant)
                        .setEntityType(resource.entityType())
                        .setEntityId(entityId)
                        .setOp(op)
                        .setBefore(op == Operation.DELETE ? image : null)
                        .setAfter(op == Operation.DELETE ? null : image)
                        .setSourceCommitTime(updatedAt != null ? updatedAt : now)
                        .setCaptureTime(now)
                        .setSourceId(sourceId)
                        .setSourcePosition(position)
                        .setVersion(version)
                        .setSchemaVersion(1)
                        .build();
        return new DecodeOutcome.Decoded(event);
    }

    private Long versionOf(JsonNode item, Instant updatedAt) {
        if (fields.versionField() == null) {
            return ItemTimes.micros(updatedAt);
        }
        JsonNode version = item.get(fields.versionField());
        return version != null && version.isIntegralNumber() && version.canConvertToLong()
                ? version.longValue()
                : null;
    }

    /** The operation of {@code item}; null when its op field or deleted flag is unreadable. */
    private Operation operationOf(JsonNode item) {
        JsonNode op = fields.opField() == null ? null : item.get(fields.opField());
        if (op != null && !op.isNull()) {
            return switch (op.asText().toLowerCase(Locale.ROOT)) {
                case "c", "create", "created", "insert" -> Operation.CREATE;
                case "u", "update", "updated" -> Operation.UPDATE;
                case "d", "delete", "deleted" -> Operation.DELETE;
                default -> null;
            };
        }
        JsonNode deleted = fields.deletedField() == null ? null : item.get(fields.deletedField());
        if (deleted == null || deleted.isNull()) {
            return Operation.UPDATE;
        }
        if (!deleted.isBoolean()) {
            return null;
        }
        return deleted.booleanValue() ? Operation.DELETE : Operation.UPDATE;
    }

    private static String tenantOf(HttpResource resource, JsonNode item) {
        if (resource.constantTenant() != null) {
            return resource.constantTenant();
        }
        JsonNode tenant = item.get(resource.tenantField());
        return tenant == null
                        || !tenant.isValueNode()
                        || tenant.isNull()
                        || tenant.asText().isBlank()
                ? null
                : tenant.asText();
    }

    private static String entityIdOf(HttpResource resource, JsonNode item) {
        List<FieldValue> parts = new ArrayList<>(resource.keyFields().size());
        for (String field : resource.keyFields()) {
            JsonNode value = item.get(field);
            if (value == null || !value.isValueNode()) {
                return null;
            }
            parts.add(JsonFieldValues.of(value));
        }
        return EntityIds.of(parts);
    }

    /** An {@code HTTP_MALFORMED_ITEM} error for item {@code entityId}: it {@code problem}. */
    private static DecodeOutcome malformed(
            ErrorRecord.Builder error,
            JsonNode item,
            Instant now,
            String entityId,
            String position,
            String problem) {
        return reject(
                error,
                ErrorCodes.HTTP_MALFORMED_ITEM,
                item,
                now,
                "item " + entityId + " of " + position + " " + problem);
    }

    private static DecodeOutcome reject(
            ErrorRecord.Builder error, String code, JsonNode item, Instant now, String message) {
        ErrorRecords.permanent(error, SourceRecordDecoder.STAGE, code, message);
        return new DecodeOutcome.Rejected(
                ErrorRecords.build(error, item == null ? "null" : item.toString(), now));
    }
}
