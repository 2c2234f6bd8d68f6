package io.syncline.operators.resolve;

import io.syncline.schema.ChangeEvent;
import io.syncline.schema.FieldValue;
import io.syncline.schema.Operation;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * Builds the changes of entities for the resolve tests: {@code change("a", 3).at(20).update(img)}
 * is the change at position 3 of source {@code a}, committed 20 ms after {@link #EPOCH}.
 */
final class EntityChanges {

    static final String TENANT = "acme";
    static final String CUSTOMER = "customer";
    static final Instant EPOCH = Instant.parse("2024-05-01T10:00:00Z");

    private EntityChanges() {}

    /** A change of customer 1 at {@code position} of {@code sourceId}. */
    static Builder change(String sourceId, long position) {
        return new Builder(sourceId, position);
    }

    /** The time {@code millis} after {@link #EPOCH}. */
    static Instant at(long millis) {
        return EPOCH.plusMillis(millis);
    }

    /** The row image a change leaves: null for a delete. */
    static Map<String, FieldValue> imageOf(ChangeEvent change) {
        return change.getOp() == Operation.DELETE ? null : change.getAfter();
    }

    static final class Builder {
        private final String sourceId;
        private final long position;
        private String entityType = CUSTOMER;
        private String entityId = "1";
        private long commitMillis;
        private Map<String, Long> vectorClock = Map.of();
        private String origin;
        private Map<String, FieldValue> before;

        private Builder(String sourceId, long position) {
            this.sourceId = sourceId;
            this.position = position;
        }

        Builder of(String entityType, String entityId) {
            this.entityType = entityType;
            this.entityId = entityId;
            return this;
        }

        Builder entity(String entityId) {
            this.entityId = entityId;
            return this;
        }

        /** Committed {@code millis} after {@link #EPOCH}. */
        Builder at(long millis) {
            this.commitMillis = millis;
            return this;
        }

        /** The version vector its writer saw. */
        Builder saw(Map<String, Long> clock) {
            this.vectorClock = clock;
            return this;
        }

        /** Syncline's own write of a version that came from {@code originSource}. */
        Builder echoOf(String originSource) {
            this.origin = originSource;
            return this;
        }

        Builder before(Map<String, FieldValue> image) {
            this.before = image;
            return this;
        }

        ChangeEvent create(Map<String, FieldValue> after) {
            return build(Operation.CREATE, after);
        }

        ChangeEvent update(Map<String, FieldValue> after) {
            return build(Operation.UPDATE, after);
        }

        ChangeEvent delete() {
            return build(Operation.DELETE, null);
        }

        private ChangeEvent build(Operation op, Map<String, FieldValue> after) {
            String key = entityType + "/" + entityId;
            return ChangeEvent.newBuilder()
                    .setEventId(sourceId + "-" + position + "-" + key)
                    .setTenant(TENANT)
                    .setEntityType(entityType)
                    .setEntityId(entityId)
                    .setOp(op)
                    .setBefore(before)
                    .setAfter(after)
                    .setSourceCommitTime(EntityChanges.at(commitMillis))
                    .setCaptureTime(EntityChanges.at(commitMillis + 1_000))
                    .setSourceId(sourceId)
                    .setSourcePosition(String.valueOf(position))
                    .setVersion(position)
                    .setRemediations(List.of())
                    .setOrigin(origin)
                    .setVectorClock(vectorClock)
                    .build();
        }
    }
}
