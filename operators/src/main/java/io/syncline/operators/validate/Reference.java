package io.syncline.operators.validate;

import io.syncline.schema.FieldValue;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Referential integrity: {@code fields} of a child hold the key of an {@code entityType} parent
 * that must exist for the same tenant; several fields for a composite key, in the order of the
 * parent's primary key.
 *
 * @param onParentDelete what deleting a parent that still has such children does
 */
public record Reference(List<String> fields, String entityType, ParentDeletePolicy onParentDelete) {

    public Reference {
        if (fields.isEmpty()) {
            throw new IllegalArgumentException("a reference needs at least one field");
        }
        fields = List.copyOf(fields);
    }

    /** A reference through one field. */
    public Reference(String field, String entityType, ParentDeletePolicy onParentDelete) {
        this(List.of(field), entityType, onParentDelete);
    }

    /** The field, or the fields joined by commas, as errors name it. */
    public String field() {
        return String.join(",", fields);
    }

    /**
     * The parent's entity id {@code image} refers to (composite keys joined by {@code /}, as entity
     * ids are), or {@code null} if any of the fields is null: then it refers to no parent.
     */
    public String parentId(Map<String, FieldValue> image) {
        List<String> parts = new ArrayList<>(fields.size());
        for (String field : fields) {
            String part = FieldValues.text(image.get(field));
            if (part == null) {
                return null;
            }
            parts.add(part);
        }
        return String.join("/", parts);
    }

    /** What deleting a parent that still has children does. */
    public enum ParentDeletePolicy {
        /** The delete is applied and an error is raised for review. */
        FLAG,
        /** The delete goes to the error queue instead of the target. */
        REJECT,
        /** The delete is applied silently. */
        ALLOW
    }
}
