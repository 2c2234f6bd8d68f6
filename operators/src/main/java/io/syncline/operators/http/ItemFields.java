package io.syncline.operators.http;

import java.io.Serializable;

/**
 * Which fields of an item say what happened to its entity. The version is {@code versionField} when
 * set, else {@code updatedAtField} in microseconds; it must rise with every change of an entity.
 *
 * @param versionField a whole-number version field, or null to version by {@code updatedAtField}
 * @param updatedAtField an ISO-8601 timestamp of the change, the source commit time; may be null
 *     only when {@code versionField} is set
 * @param deletedField a boolean field that is true on deleted entities, or null
 * @param opField a field naming the operation ({@code create}, {@code update}, {@code delete} or
 *     {@code c}, {@code u}, {@code d}), or null; it wins over {@code deletedField}
 */
public record ItemFields(
        String versionField, String updatedAtField, String deletedField, String opField)
        implements Serializable {

    public ItemFields {
        if (versionField == null && updatedAtField == null) {
            throw new IllegalArgumentException(
                    "an item needs a version: set versionField or updatedAtField");
        }
    }

    /**
     * Versioned by {@code updated_at}, deleted by {@code deleted}, as many delta APIs name them.
     */
    public static ItemFields defaults() {
        return new ItemFields(null, "updated_at", "deleted", null);
    }
}
