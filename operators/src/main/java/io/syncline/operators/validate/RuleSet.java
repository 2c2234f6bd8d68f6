package io.syncline.operators.validate;

import io.syncline.operators.validate.Reference.ParentDeletePolicy;
import java.util.HashMap;
import java.util.List;
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

    private static final List<ParentDeletePolicy> BY_STRICTNESS =
            List.of(ParentDeletePolicy.ALLOW, ParentDeletePolicy.FLAG, ParentDeletePolicy.REJECT);

    private final int version;
    private final Map<String, EntityRules> entities;
    private final Map<String, ParentDeletePolicy> parentDeletePolicies;

    public RuleSet(int version, Map<String, EntityRules> entities) {
        this.version = version;
        this.entities = Map.copyOf(entities);
        Map<String, ParentDeletePolicy> policies = new HashMap<>();
        for (EntityRules entity : this.entities.values()) {
            for (Reference reference : entity.references()) {
                policies.merge(
                        reference.entityType(),
                        reference.onParentDelete(),
                        (a, b) -> BY_STRICTNESS.indexOf(a) >= BY_STRICTNESS.indexOf(b) ? a : b);
            }
        }
        this.parentDeletePolicies = Map.copyOf(policies);
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

    /**
     * What deleting an {@code entityType} that children still refer to does: the strictest policy
     * of the references to it; empty if no reference names it.
     */
    public Optional<ParentDeletePolicy> parentDeletePolicy(String entityType) {
        return Optional.ofNullable(parentDeletePolicies.get(entityType));
    }

    /** Every entity type the rule set names. */
    public Map<String, EntityRules> entities() {
        return entities;
    }
}
