package io.syncline.operators.resolve;

import io.syncline.schema.FieldValue;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * What a {@link ConflictResolver} decided: keep the applied version, take the incoming one, or
 * apply a merged row image.
 */
public record Decision(Pick pick, Map<String, FieldValue> merged) {

    /** Which version the decision keeps. */
    public enum Pick {
        APPLIED,
        INCOMING,
        MERGED
    }

    public Decision {
        Objects.requireNonNull(pick, "pick");
        if (pick == Pick.MERGED) {
            Objects.requireNonNull(merged, "a merged decision needs the merged image");
            merged = Map.copyOf(merged);
        } else {
            merged = null;
        }
    }

    /** The applied version stays; the incoming one is not applied. */
    public static Decision keepApplied() {
        return new Decision(Pick.APPLIED, null);
    }

    /** The incoming version replaces the applied one. */
    public static Decision takeIncoming() {
        return new Decision(Pick.INCOMING, null);
    }

    /** The targets get {@code image}. */
    public static Decision merged(Map<String, FieldValue> image) {
        return new Decision(Pick.MERGED, image);
    }

    /** The {@code base} version's image with {@code fields} taken from {@code other}. */
    public static Decision merged(Candidate base, Candidate other, Set<String> fields) {
        Map<String, FieldValue> image = new HashMap<>(base.image());
        for (String field : fields) {
            FieldValue value = other.image().get(field);
            if (value != null) {
                image.put(field, value);
            }
        }
        return merged(image);
    }
}
