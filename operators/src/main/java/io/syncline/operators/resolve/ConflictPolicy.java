package io.syncline.operators.resolve;

import java.io.Serializable;
import java.util.Map;
import java.util.Objects;

/**
 * How conflicts of one entity type are decided.
 *
 * @param strategy the entity's strategy
 * @param fallback for {@link ConflictStrategy#VECTOR_CLOCK}: how concurrent versions are decided
 * @param resolver for {@link ConflictStrategy#CUSTOM}: the user's resolver
 * @param fields per-field overrides, applied to a conflict the strategy decided
 */
public record ConflictPolicy(
        ConflictStrategy strategy,
        ConflictStrategy.Fallback fallback,
        ConflictResolver resolver,
        Map<String, FieldPolicy> fields)
        implements Serializable {

    public ConflictPolicy {
        Objects.requireNonNull(strategy, "strategy");
        if (strategy == ConflictStrategy.CUSTOM) {
            Objects.requireNonNull(resolver, "the custom strategy needs a resolver");
        }
        if (strategy == ConflictStrategy.VECTOR_CLOCK && fallback == null) {
            fallback = ConflictStrategy.Fallback.LAST_WRITER_WINS;
        }
        fields = fields == null ? Map.of() : Map.copyOf(fields);
    }

    /** Last-writer-wins for every field: the default of every entity type. */
    public static ConflictPolicy lastWriterWins() {
        return new ConflictPolicy(ConflictStrategy.LAST_WRITER_WINS, null, null, Map.of());
    }

    /** The name on resolutions, e.g. {@code vector-clock/field-merge}. */
    public String name() {
        return switch (strategy) {
            case VECTOR_CLOCK -> strategy.configName() + "/" + fallback.configName();
            case CUSTOM -> "custom:" + resolver.getClass().getName();
            default -> strategy.configName();
        };
    }
}
