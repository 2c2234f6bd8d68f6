package io.syncline.operators.protect;

import io.syncline.operators.validate.FieldValues;
import io.syncline.schema.ChangeEvent;
import io.syncline.schema.ErrorRecord;
import io.syncline.schema.FieldValue;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Takes confidential and restricted values out of an error record before it is written to the error
 * topic and table: they are masked in its message and payload, and sealed in its change (so a
 * replay still gets them back), or masked there too when no key service is configured. The error id
 * stays, so a replayed input still maps to the same error.
 */
public final class ErrorProtection {

    private final Classification classification;
    private final Sealing sealing;
    private final Subjects subjects;
    private final Set<String> maskedAnywhere;
    private final Masking masking;

    public ErrorProtection(Classification classification, FieldCipher cipher) {
        this.classification = classification;
        this.sealing = new Sealing(cipher);
        this.subjects = new Subjects(classification);
        this.maskedAnywhere = classification.maskedAnywhere();
        this.masking = new Masking(maskedAnywhere);
    }

    /** Whether any field is masked at all; if not, errors go out as they are. */
    public boolean masksAny() {
        return !maskedAnywhere.isEmpty();
    }

    /**
     * {@code error} without plaintext of masked fields.
     *
     * @param keys the data keys to seal with; {@code null} masks the change's values instead
     */
    public ErrorRecord protect(ErrorRecord error, DataKeys keys) {
        if (!masksAny()) {
            return error;
        }
        ChangeEvent change = error.getChange();
        Set<String> masked =
                change == null ? Set.of() : classification.of(change.getEntityType()).masked();
        List<String> values = new ArrayList<>();
        if (!masked.isEmpty()) {
            collect(change.getBefore(), masked, values);
            collect(change.getAfter(), masked, values);
        }
        ErrorRecord.Builder protectedError = ErrorRecord.newBuilder(error);
        protectedError.setMessage(masking.mask(error.getMessage(), values));
        protectedError.setPayload(masking.mask(error.getPayload(), values));
        if (!masked.isEmpty()) {
            protectedError.setChange(seal(change, masked, keys));
        }
        return protectedError.build();
    }

    private ChangeEvent seal(ChangeEvent change, Set<String> masked, DataKeys keys) {
        DataKey key = keys == null ? null : keyOf(change, keys);
        ChangeEvent.Builder sealed = ChangeEvent.newBuilder(change);
        sealed.setBefore(seal(change, change.getBefore(), masked, key));
        sealed.setAfter(seal(change, change.getAfter(), masked, key));
        return sealed.build();
    }

    /** The key to seal with; {@code null} (mask instead) if the subject was erased. */
    private DataKey keyOf(ChangeEvent change, DataKeys keys) {
        EntityProtection entity = classification.of(change.getEntityType());
        String subject = entity.subjectKeys() ? subjects.subjectOf(change) : null;
        try {
            return subject == null
                    ? keys.current(change.getTenant())
                    : keys.subjectKey(
                            change.getTenant(), keys.subjectHash(change.getTenant(), subject));
        } catch (SubjectErasedException e) {
            return null;
        }
    }

    private Map<String, FieldValue> seal(
            ChangeEvent change, Map<String, FieldValue> image, Set<String> masked, DataKey key) {
        if (image == null) {
            return null;
        }
        Map<String, FieldValue> result = new LinkedHashMap<>(image);
        for (String field : masked) {
            FieldValue value = image.get(field);
            if (FieldValues.isNull(value)) {
                continue;
            }
            result.put(
                    field,
                    key == null
                            ? FieldValues.string(Masking.MASK)
                            : sealing.seal(
                                    value,
                                    new FieldContext(
                                            change.getTenant(), change.getEntityType(), field),
                                    key));
        }
        return result;
    }

    private static void collect(
            Map<String, FieldValue> image, Set<String> masked, List<String> values) {
        if (image == null) {
            return;
        }
        for (String field : masked) {
            String text = FieldValues.text(image.get(field));
            if (text != null) {
                values.add(text);
            }
        }
    }
}
