package io.syncline.operators.resolve;

import java.io.Serializable;
import java.util.Objects;

/**
 * How one field of an entity type is decided in a conflict, overriding the entity's strategy for
 * that field: by the later commit time, or by a {@link ConflictResolver} whose decision picks the
 * version the field's value is taken from.
 *
 * @param resolver the resolver, or null for last-writer-wins
 */
public record FieldPolicy(ConflictResolver resolver) implements Serializable {

    /** The field goes to the version with the later source commit time. */
    public static FieldPolicy lastWriterWins() {
        return new FieldPolicy(null);
    }

    /** The field goes to the version {@code resolver} picks. */
    public static FieldPolicy custom(ConflictResolver resolver) {
        return new FieldPolicy(Objects.requireNonNull(resolver, "resolver"));
    }

    /** Name on resolutions. */
    public String name() {
        return resolver == null
                ? ConflictStrategy.LAST_WRITER_WINS.configName()
                : "custom:" + resolver.getClass().getName();
    }
}
