package io.syncline.operators.quality;

import io.syncline.schema.Observation;
import org.apache.flink.api.java.functions.KeySelector;

/**
 * Keys {@link Observation}s by tenant and entity type, the unit quality is measured for, as one
 * string so that the key needs no composite type. The parts are joined by the unit separator
 * (U+001F), a control character that names do not contain; the tenant ends at the first one.
 */
public final class ObservationKeys implements KeySelector<Observation, String> {

    private static final long serialVersionUID = 1L;

    /** Separates the tenant from the entity type in a key. */
    public static final char SEPARATOR = '\u001f';

    @Override
    public String getKey(Observation observation) {
        return of(observation.getTenant(), observation.getEntityType());
    }

    /** The key of {@code tenant}'s {@code entityType}. */
    public static String of(String tenant, String entityType) {
        return tenant + SEPARATOR + entityType;
    }

    /** The tenant of {@code key}. */
    public static String tenant(String key) {
        return key.substring(0, separatorOf(key));
    }

    /** The entity type of {@code key}. */
    public static String entityType(String key) {
        return key.substring(separatorOf(key) + 1);
    }

    private static int separatorOf(String key) {
        int separator = key.indexOf(SEPARATOR);
        if (separator < 0) {
            throw new IllegalArgumentException("not an observation key: " + key);
        }
        return separator;
    }
}
