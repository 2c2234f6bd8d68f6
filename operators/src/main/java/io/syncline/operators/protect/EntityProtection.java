package io.syncline.operators.protect;

import java.io.Serializable;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * The protection of one entity type's fields, and the field that names the data subject a row is
 * about (for erasure).
 *
 * @param fields each classified field's protection; other fields are {@link
 *     FieldProtection#DEFAULT}
 * @param subjectField the field holding the data subject's id (e.g. {@code id} for customers,
 *     {@code customer_id} for their contracts); {@code null} if rows are about no subject
 * @param subjectKeys whether encrypted fields use a key of their own per subject, destroyed when
 *     the subject is erased (crypto-shredding), instead of the tenant's key
 */
public record EntityProtection(
        Map<String, FieldProtection> fields, String subjectField, boolean subjectKeys)
        implements Serializable {

    public EntityProtection {
        fields = Map.copyOf(fields);
        if (subjectKeys && subjectField == null) {
            throw new IllegalArgumentException("per-subject keys need a subject field");
        }
    }

    /** The protection of {@code field}. */
    public FieldProtection of(String field) {
        return fields.getOrDefault(field, FieldProtection.DEFAULT);
    }

    /** The fields whose values are masked, sorted. */
    public Set<String> masked() {
        Set<String> masked = new TreeSet<>();
        fields.forEach(
                (field, protection) -> {
                    if (protection.isMasked()) {
                        masked.add(field);
                    }
                });
        return masked;
    }

    /** The fields the protect stage encrypts, sorted. */
    public Set<String> encrypted() {
        Set<String> encrypted = new TreeSet<>();
        fields.forEach(
                (field, protection) -> {
                    if (protection.encrypt()) {
                        encrypted.add(field);
                    }
                });
        return encrypted;
    }
}
