package io.syncline.operators.validate;

import java.util.Map;
import java.util.Optional;

/**
 * A compiled, versioned rule set: the {@link EntityRules} of each entity type it names. Entity
 * types it does not name pass unchecked.
 */
public final class RuleSet {

    /** Version of the empty rule set in force when none is configured. */
    public static final int NO_RULES_VERSION = 0;

    private static final RuleSet EMPTY = new RuleSet(NO_RULES_VERSION, Map.of());

    private final int version;
    private final Map<String, EntityRules> entities;

    public RuleSet(int version, Map<String, EntityRules> entities) {
        this.version = version;
        this.entities = Map.copyOf(entities);
    }

    /** The rule set that checks nothing. */
    public static RuleSet empty() {
        return EMPTY;
    }

    public int version() {
        return version;
    }

    /** The rules of {@code entityType}, if the rule set names it. */
    public Optional<EntityRules> entity(String entityType) {
        return Optional.ofNullable(entities.get(entityType));
    }

    /** Every entity type the rule set names. */
    public Map<String, EntityRules> entities() {
        return entities;
    }
}
