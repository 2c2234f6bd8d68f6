package io.syncline.operators.validate;

import io.syncline.operators.validate.Reference.ParentDeletePolicy;
import io.syncline.schema.ChangeEvent;
import io.syncline.schema.Operation;
import io.syncline.schema.WaitingChange;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Referential integrity within one tenant: which entities exist, which children refer to which
 * parents, and which changes wait for a parent that has not arrived yet. Plain Java over a {@link
 * State} that the Flink operator backs with keyed state (keyed by tenant) and tests with maps.
 *
 * <p>Every entity's key is kept (not only those of parent types), so that a rule set published
 * later can refer to entity types seen before it. A change waits while any parent it refers to is
 * missing, and so does every later change of the same entity, to keep their order; it is released
 * when the parent arrives or rejected with {@link ValidationCodes#RI_MISSING_PARENT} when its wait
 * expires or the tenant's wait room is full.
 */
public final class ReferentialIntegrity {

    /** The per-tenant state; keys are {@code entityType/entityId}. */
    public interface State {
        boolean exists(String entityKey);

        void setExists(String entityKey, boolean exists);

        int childCount(String parentKey);

        void setChildCount(String parentKey, int count);

        /** Parent keys the child's last accepted change referred to; empty if none. */
        List<String> parentsOf(String childKey);

        void setParentsOf(String childKey, List<String> parentKeys);

        List<WaitingChange> waitingFor(String parentKey);

        void setWaitingFor(String parentKey, List<WaitingChange> changes);

        /** The parent key the entity's earlier change waits for, {@code null} if none does. */
        String waitingEntity(String entityKey);

        void setWaitingEntity(String entityKey, String parentKey);

        /** Every parent key changes wait for. */
        Iterable<String> awaitedParents();

        int waitingCount();

        void setWaitingCount(int count);
    }

    /** Where verdicts go. */
    public interface Output {
        void accept(ChangeEvent change);

        void reject(ChangeEvent change, Violation violation, EntityRules rules);

        /** A change waits until {@code deadline}: call {@link #expire} then. */
        void waitUntil(long deadline);
    }

    private final long maxWaitMillis;
    private final int maxWaiting;

    public ReferentialIntegrity(Duration maxWait, int maxWaiting) {
        this.maxWaitMillis = maxWait.toMillis();
        this.maxWaiting = maxWaiting;
    }

    /** Checks an otherwise valid change at {@code now} (epoch millis). */
    public void process(ChangeEvent change, RuleSet rules, long now, State state, Output out) {
        String entityKey = keyOf(change);
        // The count is cheap to read; nothing waits for most tenants most of the time.
        String queuedBehind = state.waitingCount() == 0 ? null : state.waitingEntity(entityKey);
        if (queuedBehind != null) {
            if (state.waitingCount() >= maxWaiting) {
                int slash = queuedBehind.indexOf('/');
                out.reject(
                        change,
                        new Violation(
                                null,
                                ValidationCodes.RI_MISSING_PARENT,
                                "waits behind an earlier change of the same entity, which waits"
                                        + " for "
                                        + queuedBehind.substring(0, slash)
                                        + " "
                                        + queuedBehind.substring(slash + 1)
                                        + ", and the tenant already has "
                                        + maxWaiting
                                        + " changes waiting for parents"
                                        + " (validation.maxWaitingChildren)",
                                null),
                        rules.entity(change.getEntityType()).orElse(null));
                return;
            }
            enqueue(change, queuedBehind, now, state, out);
            return;
        }
        Optional<EntityRules> entityRules = rules.entity(change.getEntityType());
        List<String> parents = parentKeys(change, entityRules);
        if (change.getOp() != Operation.DELETE) {
            for (String parent : parents) {
                if (!state.exists(parent)) {
                    // The first missing parent; the change is checked again when it arrives.
                    if (state.waitingCount() >= maxWaiting) {
                        out.reject(
                                change,
                                missingParent(
                                        change,
                                        rules,
                                        parent,
                                        "and the tenant already has "
                                                + maxWaiting
                                                + " changes waiting for parents"
                                                + " (validation.maxWaitingChildren)"),
                                entityRules.orElse(null));
                        return;
                    }
                    enqueue(change, parent, now, state, out);
                    return;
                }
            }
        }
        if (change.getOp() == Operation.DELETE && !deleteAllowed(change, rules, state, out)) {
            return;
        }
        apply(change, entityKey, parents, hasReferences(entityRules), state);
        out.accept(change);
        if (change.getOp() != Operation.DELETE) {
            release(entityKey, rules, now, state, out);
        }
    }

    /**
     * Rejects every waiting change whose deadline is at or before {@code now}. A later change of
     * the same entity that waited only to keep its place behind a rejected one is checked again.
     */
    public void expire(long now, RuleSet rules, State state, Output out) {
        List<String> parents = new ArrayList<>();
        state.awaitedParents().forEach(parents::add);
        for (String parent : parents) {
            List<WaitingChange> waiting = state.waitingFor(parent);
            List<WaitingChange> kept = new ArrayList<>();
            List<WaitingChange> unblocked = new ArrayList<>();
            Set<String> expiredEntities = new HashSet<>();
            for (WaitingChange entry : waiting) {
                ChangeEvent change = entry.getChange();
                if (entry.getDeadline().toEpochMilli() <= now) {
                    out.reject(
                            change,
                            missingParent(
                                    change,
                                    rules,
                                    parent,
                                    "after waiting "
                                            + Duration.ofMillis(maxWaitMillis).toSeconds()
                                            + " s for it (validation.maxParentWait)"),
                            rules.entity(change.getEntityType()).orElse(null));
                    expiredEntities.add(keyOf(change));
                } else if (expiredEntities.contains(keyOf(change))) {
                    // It may refer to another parent, or none; it must not be rejected for this
                    // one.
                    unblocked.add(entry);
                } else {
                    kept.add(entry);
                }
            }
            if (kept.size() != waiting.size()) {
                state.setWaitingFor(parent, kept);
                state.setWaitingCount(state.waitingCount() - (waiting.size() - kept.size()));
                resetWaitingEntities(waiting, kept, parent, state);
                for (WaitingChange entry : unblocked) {
                    process(entry.getChange(), rules, now, state, out);
                }
            }
        }
    }

    private static void resetWaitingEntities(
            List<WaitingChange> before, List<WaitingChange> kept, String parent, State state) {
        for (WaitingChange entry : before) {
            state.setWaitingEntity(keyOf(entry.getChange()), null);
        }
        for (WaitingChange entry : kept) {
            state.setWaitingEntity(keyOf(entry.getChange()), parent);
        }
    }

    private void enqueue(ChangeEvent change, String parent, long now, State state, Output out) {
        List<WaitingChange> waiting = new ArrayList<>(state.waitingFor(parent));
        long deadline = now + maxWaitMillis;
        waiting.add(
                WaitingChange.newBuilder()
                        .setChange(change)
                        .setParentKey(parent)
                        .setDeadline(java.time.Instant.ofEpochMilli(deadline))
                        .build());
        state.setWaitingFor(parent, waiting);
        state.setWaitingEntity(keyOf(change), parent);
        state.setWaitingCount(state.waitingCount() + 1);
        out.waitUntil(deadline);
    }

    /** Re-checks, in arrival order, the changes that waited for {@code parent}. */
    private void release(String parent, RuleSet rules, long now, State state, Output out) {
        List<WaitingChange> waiting = state.waitingFor(parent);
        if (waiting.isEmpty()) {
            return;
        }
        state.setWaitingFor(parent, List.of());
        state.setWaitingCount(state.waitingCount() - waiting.size());
        for (WaitingChange entry : waiting) {
            state.setWaitingEntity(keyOf(entry.getChange()), null);
        }
        for (WaitingChange entry : waiting) {
            process(entry.getChange(), rules, now, state, out);
        }
    }

    private boolean deleteAllowed(ChangeEvent change, RuleSet rules, State state, Output out) {
        Optional<ParentDeletePolicy> referenced = rules.parentDeletePolicy(change.getEntityType());
        if (referenced.isEmpty()) {
            return true; // no rule refers to it: no state to read
        }
        String key = keyOf(change);
        int children = state.childCount(key);
        if (children == 0) {
            return true;
        }
        ParentDeletePolicy policy = referenced.get();
        if (policy == ParentDeletePolicy.ALLOW) {
            return true;
        }
        Violation violation =
                new Violation(
                        null,
                        ValidationCodes.RI_PARENT_HAS_CHILDREN,
                        change.getEntityType()
                                + " "
                                + change.getEntityId()
                                + " was deleted while "
                                + children
                                + " children still refer to it"
                                + (policy == ParentDeletePolicy.FLAG
                                        ? " (applied and flagged for review)"
                                        : " (not applied: onParentDelete is reject)"),
                        null);
        out.reject(change, violation, rules.entity(change.getEntityType()).orElse(null));
        return policy == ParentDeletePolicy.FLAG;
    }

    private static void apply(
            ChangeEvent change,
            String entityKey,
            List<String> parents,
            boolean tracksReferences,
            State state) {
        boolean deleted = change.getOp() == Operation.DELETE;
        state.setExists(entityKey, !deleted);
        if (!tracksReferences) {
            return;
        }
        List<String> previous = state.parentsOf(entityKey);
        List<String> current = deleted ? List.of() : parents;
        if (previous.equals(current)) {
            return;
        }
        for (String parent : previous) {
            state.setChildCount(parent, Math.max(0, state.childCount(parent) - 1));
        }
        for (String parent : current) {
            state.setChildCount(parent, state.childCount(parent) + 1);
        }
        state.setParentsOf(entityKey, current);
    }

    private static boolean hasReferences(Optional<EntityRules> rules) {
        return rules.isPresent() && !rules.get().references().isEmpty();
    }

    private static List<String> parentKeys(ChangeEvent change, Optional<EntityRules> rules) {
        if (rules.isEmpty() || rules.get().references().isEmpty() || change.getAfter() == null) {
            return List.of();
        }
        List<String> keys = new ArrayList<>();
        String self = keyOf(change);
        for (Reference reference : rules.get().references()) {
            String id = reference.parentId(change.getAfter());
            String key = reference.entityType() + "/" + id;
            // The root of a hierarchy may refer to itself (manager_id = id).
            if (id != null && !key.equals(self)) {
                keys.add(key);
            }
        }
        return keys;
    }

    /** The violation of {@code change}'s reference to the missing {@code parentKey}. */
    private static Violation missingParent(
            ChangeEvent change, RuleSet rules, String parentKey, String detail) {
        int slash = parentKey.indexOf('/');
        String parentType = parentKey.substring(0, slash);
        String parentId = parentKey.substring(slash + 1);
        String field =
                rules.entity(change.getEntityType()).stream()
                        .flatMap(entity -> entity.references().stream())
                        .filter(reference -> reference.entityType().equals(parentType))
                        .filter(
                                reference ->
                                        change.getAfter() != null
                                                && parentId.equals(
                                                        reference.parentId(change.getAfter())))
                        .map(Reference::field)
                        .findFirst()
                        .orElse(null);
        return new Violation(
                field,
                ValidationCodes.RI_MISSING_PARENT,
                "refers to "
                        + parentType
                        + " "
                        + parentId
                        + ", which does not exist for the tenant, "
                        + detail,
                parentId);
    }

    /** {@code entityType/entityId}: an entity's key within its tenant. */
    public static String keyOf(ChangeEvent change) {
        return change.getEntityType() + "/" + change.getEntityId();
    }
}
