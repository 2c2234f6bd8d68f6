package io.syncline.operators.protect;

import java.nio.charset.StandardCharsets;
import java.util.Objects;

/**
 * Where an encrypted value belongs: tenant, entity type and field. It is authenticated with the
 * value (AES-GCM associated data), so a value copied to another tenant, entity type or field does
 * not decrypt.
 */
public record FieldContext(String tenant, String entityType, String field) {

    public FieldContext {
        Objects.requireNonNull(tenant, "tenant");
        Objects.requireNonNull(entityType, "entityType");
        Objects.requireNonNull(field, "field");
    }

    /** The associated data of a value under {@code keyId} version {@code version}. */
    byte[] associatedData(String keyId, int version) {
        return String.join(
                        "\u0000",
                        "syncline-field-v1",
                        tenant,
                        entityType,
                        field,
                        keyId,
                        Integer.toString(version))
                .getBytes(StandardCharsets.UTF_8);
    }

    @Override
    public String toString() {
        return tenant + "/" + entityType + "." + field;
    }
}
