package io.syncline.operators.protect;

import io.syncline.operators.validate.FieldValues;
import io.syncline.schema.ChangeEvent;
import io.syncline.schema.FieldValue;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * Encrypts the fields the classification marks {@code encrypt} in a change's images, under the
 * tenant's current data key, or the subject's own key where the entity type has per-subject keys.
 * An encrypted value is text ({@link FieldCipher}'s format) of kind STRING, whatever the field's
 * kind was: its plaintext is the value as {@link FieldValues#text} writes it.
 */
public final class FieldEncryption {

    private final Classification classification;
    private final FieldCipher cipher;

    public FieldEncryption(Classification classification, FieldCipher cipher) {
        this.classification = classification;
        this.cipher = cipher;
    }

    /**
     * {@code change} with its encrypted fields encrypted; the same instance if the entity type
     * encrypts none.
     *
     * @param subjectHash the change's subject hash, {@code null} if it has no subject
     * @throws SubjectErasedException if the entity type has per-subject keys and the subject's key
     *     was destroyed
     */
    public ChangeEvent encrypt(ChangeEvent change, String subjectHash, DataKeys keys) {
        EntityProtection entity = classification.of(change.getEntityType());
        Set<String> fields = entity.encrypted();
        if (fields.isEmpty()) {
            return change;
        }
        DataKey key =
                entity.subjectKeys() && subjectHash != null
                        ? keys.subjectKey(change.getTenant(), subjectHash)
                        : keys.current(change.getTenant());
        ChangeEvent.Builder encrypted = ChangeEvent.newBuilder(change);
        encrypted.setBefore(encrypt(change, change.getBefore(), fields, key));
        encrypted.setAfter(encrypt(change, change.getAfter(), fields, key));
        return encrypted.build();
    }

    private Map<String, FieldValue> encrypt(
            ChangeEvent change, Map<String, FieldValue> image, Set<String> fields, DataKey key) {
        if (image == null) {
            return null;
        }
        Map<String, FieldValue> result = new LinkedHashMap<>(image);
        for (String field : fields) {
            FieldValue value = image.get(field);
            if (FieldValues.isNull(value) || FieldCipher.isEncrypted(textOf(value))) {
                continue; // SQL NULL stays NULL; a value encrypted upstream is not encrypted twice
            }
            FieldContext context =
                    new FieldContext(change.getTenant(), change.getEntityType(), field);
            result.put(
                    field,
                    FieldValues.string(cipher.encrypt(FieldValues.text(value), context, key)));
        }
        return result;
    }

    private static String textOf(FieldValue value) {
        return value.getValue() instanceof CharSequence text ? text.toString() : null;
    }
}
