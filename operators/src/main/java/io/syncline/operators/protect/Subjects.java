package io.syncline.operators.protect;

import io.syncline.operators.validate.FieldValues;
import io.syncline.schema.ChangeEvent;
import io.syncline.schema.FieldValue;
import java.util.Map;

/** Finds whose data a change is: the value of its entity type's subject field. */
public final class Subjects {

    private final Classification classification;

    public Subjects(Classification classification) {
        this.classification = classification;
    }

    /** Whether changes of {@code entityType} name a subject. */
    public boolean hasSubject(String entityType) {
        return classification.of(entityType).subjectField() != null;
    }

    /**
     * The subject id of {@code change} as text, from its after image (its before image for a
     * delete); {@code null} if the entity type names no subject or the field is empty.
     */
    public String subjectOf(ChangeEvent change) {
        String field = classification.of(change.getEntityType()).subjectField();
        if (field == null) {
            return null;
        }
        String subject = valueOf(change.getAfter(), field);
        return subject != null ? subject : valueOf(change.getBefore(), field);
    }

    private static String valueOf(Map<String, FieldValue> image, String field) {
        return image == null ? null : FieldValues.text(image.get(field));
    }

    /** The key of an erased subject in the erased set: {@code <tenant>/<subject hash>}. */
    public static String erasedKey(String tenant, String subjectHash) {
        return tenant + "/" + subjectHash;
    }
}
