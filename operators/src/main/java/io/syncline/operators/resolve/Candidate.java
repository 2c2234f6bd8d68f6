package io.syncline.operators.resolve;

import io.syncline.operators.validate.FieldValues;
import io.syncline.schema.FieldValue;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.Map;

/**
 * One of two competing versions of an entity, as a {@link ConflictResolver} sees it.
 *
 * @param sourceId the source the version came from
 * @param commitTime when the source committed it
 * @param deleted whether the version deletes the entity
 * @param image the row image; empty for a delete
 */
public record Candidate(
        String sourceId, Instant commitTime, boolean deleted, Map<String, FieldValue> image) {

    public Candidate {
        image = image == null ? Map.of() : Map.copyOf(image);
    }

    /** The field's value as text (numbers plainly, dates in ISO-8601); null when absent or NULL. */
    public String text(String field) {
        return FieldValues.text(image.get(field));
    }

    /** The field's value as a number; null when absent, NULL or not a number. */
    public BigDecimal number(String field) {
        FieldValue value = image.get(field);
        if (!FieldValues.isNumeric(value)) {
            return null;
        }
        return new BigDecimal(FieldValues.text(value));
    }
}
