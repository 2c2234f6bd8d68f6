package io.syncline.operators.resolve;

import io.syncline.operators.change.ChangeEvents;
import io.syncline.operators.key.EntityKeys;
import io.syncline.schema.ChangeEvent;
import io.syncline.schema.ConflictDecision;
import io.syncline.schema.ConflictRecord;
import io.syncline.schema.ConflictStatus;
import io.syncline.schema.EntityVersion;
import io.syncline.schema.FieldValue;
import io.syncline.schema.Operation;
import io.syncline.schema.Resolution;
import io.syncline.schema.ResolutionOutcome;
import java.io.Serializable;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.HashMap;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * Decides what becomes of a change of an entity, given the version in force: applied, a no-op, an
 * echo of Syncline's own write, or a conflict decided by the entity type's {@link ConflictPolicy}.
 *
 * <p>Every strategy detects conflicts the same way: a change is in conflict when it is older than
 * what its own source already delivered (stale), or when its version vector does not show that it
 * saw the version in force (concurrent). Sources that do not see each other's writes are always
 * concurrent with each other. The strategies differ in how they decide a conflict.
 */
public final class EntityResolver implements Serializable {

    /** What became of a change. */
    public enum Outcome {
        /** No competing version: applied as it is. */
        APPLIED,
        /** The same state as the version in force: nothing to write. */
        UNCHANGED,
        /** Syncline's own write came back through a bidirectional source and matches. */
        ECHO,
        /** Syncline's write came back but the source holds another state: it gets repaired. */
        ECHO_DIVERGED,
        /** Won a conflict. */
        WON,
        /** Lost a conflict: the version in force stays. */
        LOST,
        /** A conflict whose result combines both versions. */
        MERGED,
        /** A manual conflict, parked until a person decides. */
        PARKED,
        /** A person decided a parked conflict. */
        DECIDED,
        /**
         * A row re-read from its source (backfill, re-sync) was sent to the targets again: its own
         * state, or the state in force when that is as new.
         */
        RESYNCED
    }

    /**
     * The result of resolving one change.
     *
     * @param next the entity's version afterwards
     * @param emitted the change the targets get (with the applied version), or null for none
     * @param conflict the conflict to record, or null when there was none
     */
    public record Resolved(
            Outcome outcome,
            EntityVersion next,
            ChangeEvent emitted,
            ConflictRecord conflict,
            boolean stale) {

        Resolved(
                Outcome outcome, EntityVersion next, ChangeEvent emitted, ConflictRecord conflict) {
            this(outcome, next, emitted, conflict, false);
        }

        Resolved asStale() {
            return new Resolved(outcome, next, emitted, conflict, true);
        }

        /** Whether the targets get a new state. */
        public boolean changesTargets() {
            return emitted != null;
        }
    }

    private static final long serialVersionUID = 1L;

    private final Map<String, ConflictPolicy> policies;
    private final SourcePrecedence precedence;

    /**
     * @param policies per entity type; others get {@link ConflictPolicy#lastWriterWins()}
     * @param precedence the sources' last-writer-wins order
     */
    public EntityResolver(Map<String, ConflictPolicy> policies, SourcePrecedence precedence) {
        this.policies = Map.copyOf(policies);
        this.precedence = Objects.requireNonNull(precedence, "precedence");
    }

    /** The policy of {@code entityType}. */
    public ConflictPolicy policyOf(String entityType) {
        return policies.getOrDefault(entityType, ConflictPolicy.lastWriterWins());
    }

    /** The sources' last-writer-wins order. */
    public SourcePrecedence precedence() {
        return precedence;
    }

    /**
     * Resolves {@code incoming} against {@code current}.
     *
     * @param current the version in force, null when the entity has none yet
     * @param now when, for the conflict record
     */
    public Resolved resolve(EntityVersion current, ChangeEvent incoming, Instant now) {
        if (incoming.getResync() != null) {
            return reread(current, incoming, now);
        }
        if (current == null) {
            Map<String, Long> clock = clockOf(null, incoming);
            return applied(Outcome.APPLIED, null, incoming, clock, null, null, now);
        }
        if (incoming.getOrigin() != null) {
            EntityVersion next = seen(current, incoming, current.getClock(), false);
            Outcome outcome =
                    sameState(current.getChange(), incoming) ? Outcome.ECHO : Outcome.ECHO_DIVERGED;
            return new Resolved(outcome, next, null, null);
        }
        boolean stale = isStale(current, incoming);
        Map<String, Long> clock = stale ? incoming.getVectorClock() : clockOf(current, incoming);
        VectorClocks.Order order = VectorClocks.compare(clock, current.getClock());
        boolean sawCurrent = order == VectorClocks.Order.AFTER;
        if (!stale && sameState(current.getChange(), incoming)) {
            EntityVersion next = seen(current, incoming, clock, true);
            // The later writer's stamp, so last-writer-wins compares the next change with it.
            if (sawCurrent || precedence.compare(incoming, current.getChange()) > 0) {
                next.setChange(
                        inState(
                                stamped(
                                        incoming,
                                        current.getChange().getAfter(),
                                        next.getClock())));
            }
            return new Resolved(Outcome.UNCHANGED, next, null, null);
        }
        if (!stale && sawCurrent) {
            return applied(Outcome.APPLIED, current, incoming, clock, null, null, now);
        }
        ConflictPolicy policy = policyOf(incoming.getEntityType());
        Conflict conflict =
                new Conflict(
                        current,
                        incoming,
                        clock,
                        policy,
                        stale,
                        conflictId(current, incoming),
                        now);
        Resolved resolved =
                switch (policy.strategy()) {
                    case LAST_WRITER_WINS ->
                            stale ? conflict.lose(policy.name()) : conflict.byTime(policy.name());
                    case VECTOR_CLOCK -> stale ? conflict.lose(policy.name()) : conflict.fallback();
                    case CUSTOM -> conflict.decided(policy.resolver(), policy.name());
                    case MANUAL -> conflict.park(policy.name());
                };
        return stale ? resolved.asStale() : resolved;
    }

    /**
     * Applies a person's decision of the parked {@code open} conflict.
     *
     * @param decidedBy who decided, from the control command
     */
    public Resolved decide(
            EntityVersion current,
            ConflictRecord open,
            ConflictDecision decision,
            Instant now,
            String decidedBy) {
        ChangeEvent right = open.getRight();
        // The clock the parked change was resolved with: parking left the entity as it was.
        boolean stale = isStale(current, right);
        Map<String, Long> clock = stale ? right.getVectorClock() : clockOf(current, right);
        Conflict conflict =
                new Conflict(
                        current,
                        right,
                        clock,
                        policyOf(right.getEntityType()),
                        stale,
                        open.getConflictId(),
                        now);
        String strategy = open.getStrategy();
        return switch (decision.getPick()) {
            case LEFT ->
                    conflict.keep(
                            ResolutionOutcome.DECIDED,
                            Outcome.DECIDED,
                            strategy,
                            "left",
                            decidedBy);
            case RIGHT ->
                    conflict.take(
                            right.getAfter(),
                            ResolutionOutcome.DECIDED,
                            Outcome.DECIDED,
                            strategy,
                            "right",
                            decidedBy);
            case MERGED ->
                    conflict.take(
                            decision.getMerged(),
                            ResolutionOutcome.DECIDED,
                            Outcome.DECIDED,
                            strategy,
                            "merged",
                            decidedBy);
        };
    }

    /** One conflict being decided. */
    private final class Conflict {
        private final EntityVersion current;
        private final ChangeEvent incoming;
        private final Map<String, Long> clock;
        private final ConflictPolicy policy;
        private final boolean concurrent;
        private final boolean stale;
        private final String id;
        private final Instant now;

        /** A conflict that is not stale is concurrent: its change did not see the version. */
        Conflict(
                EntityVersion current,
                ChangeEvent incoming,
                Map<String, Long> clock,
                ConflictPolicy policy,
                boolean stale,
                String id,
                Instant now) {
            this.current = current;
            this.incoming = incoming;
            this.clock = clock;
            this.policy = policy;
            this.concurrent = !stale;
            this.stale = stale;
            this.id = id;
            this.now = now;
        }

        Resolved byTime(String strategy) {
            return precedence.compare(incoming, current.getChange()) > 0
                    ? withFieldPolicies(Decision.takeIncoming(), strategy)
                    : withFieldPolicies(Decision.keepApplied(), strategy);
        }

        Resolved fallback() {
            String strategy = policy.name();
            return switch (policy.fallback()) {
                case FIELD_MERGE -> fieldMerge(strategy);
                case LAST_WRITER_WINS -> byTime(strategy);
                case MANUAL -> park(strategy);
            };
        }

        Resolved fieldMerge(String strategy) {
            ChangeEvent applied = current.getChange();
            if (deleted(applied) || deleted(incoming) || incoming.getBefore() == null) {
                // Nothing to merge field by field: a delete, or no image of what the change saw.
                return byTime(strategy);
            }
            Set<String> fields = new HashSet<>(incoming.getAfter().keySet());
            fields.addAll(incoming.getBefore().keySet());
            Map<String, FieldValue> merged = new HashMap<>(applied.getAfter());
            for (String field : fields) {
                FieldValue after = incoming.getAfter().get(field);
                if (!Objects.equals(incoming.getBefore().get(field), after)) {
                    merged.put(field, after);
                }
            }
            return withFieldPolicies(Decision.merged(merged), strategy);
        }

        Resolved decided(ConflictResolver resolver, String strategy) {
            return withFieldPolicies(
                    resolver.resolve(candidate(current.getChange()), candidate(incoming)),
                    strategy);
        }

        Resolved lose(String strategy) {
            return keep(ResolutionOutcome.LOST, Outcome.LOST, strategy, "left", strategy);
        }

        Resolved park(String strategy) {
            ConflictRecord open =
                    record(
                                    strategy,
                                    ConflictStatus.OPEN,
                                    ResolutionOutcome.PARKED,
                                    null,
                                    null,
                                    null)
                            .build();
            return new Resolved(Outcome.PARKED, current, null, open);
        }

        /** Applies the per-field policies to the entity-level decision. */
        private Resolved withFieldPolicies(Decision decision, String strategy) {
            ChangeEvent applied = current.getChange();
            Map<String, FieldValue> result =
                    switch (decision.pick()) {
                        case APPLIED -> deleted(applied) ? null : applied.getAfter();
                        case INCOMING -> deleted(incoming) ? null : incoming.getAfter();
                        case MERGED -> decision.merged();
                    };
            if (result != null
                    && !policy.fields().isEmpty()
                    && !deleted(applied)
                    && !deleted(incoming)) {
                Map<String, FieldValue> fielded = new HashMap<>(result);
                policy.fields()
                        .forEach(
                                (field, fieldPolicy) ->
                                        fielded.put(field, fieldValue(field, fieldPolicy)));
                if (!fielded.equals(result)) {
                    decision = Decision.merged(fielded);
                    result = fielded;
                }
            }
            return switch (decision.pick()) {
                case APPLIED ->
                        keep(ResolutionOutcome.LOST, Outcome.LOST, strategy, "left", strategy);
                case INCOMING ->
                        take(
                                result,
                                ResolutionOutcome.WON,
                                Outcome.WON,
                                strategy,
                                "right",
                                strategy);
                case MERGED ->
                        take(
                                result,
                                ResolutionOutcome.MERGED,
                                Outcome.MERGED,
                                strategy,
                                "merged",
                                strategy);
            };
        }

        private FieldValue fieldValue(String field, FieldPolicy fieldPolicy) {
            boolean incomingWins =
                    fieldPolicy.resolver() == null
                            ? precedence.compare(incoming, current.getChange()) > 0
                            : fieldPolicy
                                            .resolver()
                                            .resolve(
                                                    candidate(current.getChange()),
                                                    candidate(incoming))
                                            .pick()
                                    == Decision.Pick.INCOMING;
            return (incomingWins ? incoming : current.getChange()).getAfter().get(field);
        }

        /** The version in force stays. */
        Resolved keep(
                ResolutionOutcome resolution,
                Outcome outcome,
                String strategy,
                String decision,
                String decidedBy) {
            EntityVersion next = seen(current, incoming, clock, !stale);
            ChangeEvent applied = current.getChange();
            ConflictRecord record =
                    record(
                                    strategy,
                                    ConflictStatus.RESOLVED,
                                    resolution,
                                    deleted(applied) ? null : applied.getAfter(),
                                    decision,
                                    decidedBy)
                            .build();
            return new Resolved(outcome, next, null, record);
        }

        /** The targets get {@code image} (null: a delete), based on the later writer. */
        Resolved take(
                Map<String, FieldValue> image,
                ResolutionOutcome resolution,
                Outcome outcome,
                String strategy,
                String decision,
                String decidedBy) {
            ChangeEvent applied = current.getChange();
            boolean merged = resolution == ResolutionOutcome.MERGED || "merged".equals(decision);
            ChangeEvent base =
                    merged && precedence.compare(applied, incoming) > 0 ? applied : incoming;
            ChangeEvent loser = base == incoming ? applied : incoming;
            Resolution stamp =
                    Resolution.newBuilder()
                            .setStrategy(strategy)
                            .setOutcome(resolution)
                            .setConflictId(id)
                            .setConcurrent(concurrent)
                            .setLosingEventId(merged ? null : loser.getEventId())
                            .setLosingSourceId(merged ? null : loser.getSourceId())
                            .setLosingVersion(merged ? null : loser.getVersion())
                            .setLosingCommitTime(merged ? null : loser.getSourceCommitTime())
                            .build();
            ChangeEvent winner = ChangeEvents.shallowCopy(base);
            if (image == null) {
                winner.setOp(Operation.DELETE);
                winner.setAfter(null);
                if (winner.getBefore() == null) {
                    winner.setBefore(applied.getAfter());
                }
            } else {
                winner.setOp(deleted(applied) ? Operation.CREATE : Operation.UPDATE);
                winner.setAfter(image);
            }
            winner.setResolution(stamp);
            ConflictRecord record =
                    record(
                                    strategy,
                                    ConflictStatus.RESOLVED,
                                    resolution,
                                    image,
                                    decision,
                                    decidedBy)
                            .build();
            Resolved result = applied(outcome, current, winner, clock, stamp, record, now);
            if (base != incoming) {
                // The incoming change was still seen: its source's position and count move on.
                String source = incoming.getSourceId();
                result.next().getSeen().merge(source, incoming.getVersion(), Math::max);
                result.next().getCounts().merge(source, clock.getOrDefault(source, 0L), Math::max);
            }
            return result;
        }

        private ConflictRecord.Builder record(
                String strategy,
                ConflictStatus status,
                ResolutionOutcome outcome,
                Map<String, FieldValue> result,
                String decision,
                String decidedBy) {
            boolean decided = status == ConflictStatus.RESOLVED;
            return ConflictRecord.newBuilder()
                    .setConflictId(id)
                    .setTenant(incoming.getTenant())
                    .setEntityType(incoming.getEntityType())
                    .setEntityId(incoming.getEntityId())
                    .setStrategy(strategy)
                    .setStatus(status)
                    .setOutcome(outcome)
                    .setLeft(current.getChange())
                    .setRight(incoming)
                    .setResult(result)
                    .setDetectedAt(now)
                    .setDecidedAt(decided ? now : null)
                    .setDecidedBy(decided ? decidedBy : null)
                    .setDecision(decided ? decision : null);
        }
    }

    /**
     * A row re-read from its source: the source's state at the read's position, not a change. It
     * goes to the targets again, under a higher applied version, so a target that lost or changed
     * the row gets it back. When the entity's source has already delivered a change from that
     * position on, or the state in force is the same, the state in force is what is sent. A re-read
     * never counts as delivered by its source (what the entity has seen and its version vector stay
     * as they were), so the streamed changes committed before the read that are still on their way
     * apply after it, in order, and no change is lost to it.
     */
    private Resolved reread(EntityVersion current, ChangeEvent incoming, Instant now) {
        if (current == null) {
            EntityVersion next =
                    new EntityVersion(
                            null, 0L, new HashMap<>(), new HashMap<>(), new HashMap<>(), now);
            return resent(
                    next,
                    stamped(incoming, incoming.getAfter(), Map.of()),
                    incoming.getResync(),
                    now);
        }
        Long seen = current.getSeen().get(incoming.getSourceId());
        boolean inForceIsNewer = seen != null && seen >= incoming.getVersion();
        ChangeEvent state =
                inForceIsNewer || sameState(current.getChange(), incoming)
                        ? withKeyImage(current.getChange(), incoming)
                        : stamped(incoming, incoming.getAfter(), current.getClock());
        EntityVersion next =
                new EntityVersion(
                        null,
                        current.getAppliedVersion(),
                        new HashMap<>(current.getClock()),
                        new HashMap<>(current.getSeen()),
                        new HashMap<>(current.getCounts()),
                        now);
        return resent(next, state, incoming.getResync(), now);
    }

    /**
     * {@code state} in force again and sent to the targets under the next applied version, marked
     * with the re-read's {@code resync}.
     */
    private Resolved resent(EntityVersion next, ChangeEvent state, String resync, Instant now) {
        ChangeEvent emitted = ChangeEvents.shallowCopy(state);
        next.setChange(inState(emitted));
        next.setAppliedVersion(
                AppliedVersions.next(
                        next.getAppliedVersion(),
                        state.getSourceCommitTime().toEpochMilli(),
                        precedence.rank(state.getSourceId())));
        emitted.setVersion(next.getAppliedVersion());
        emitted.setResync(resync);
        next.setLastAppliedAt(now);
        return new Resolved(Outcome.RESYNCED, next, emitted, null);
    }

    /**
     * The state in force as the targets get it again; a delete needs its key, which the state keeps
     * no image of, so it takes the re-read row's.
     */
    private static ChangeEvent withKeyImage(ChangeEvent inForce, ChangeEvent reread) {
        ChangeEvent copy = ChangeEvents.shallowCopy(inForce);
        if (deleted(inForce) && copy.getBefore() == null) {
            copy.setBefore(deleted(reread) ? reread.getBefore() : reread.getAfter());
        }
        return copy;
    }

    /**
     * {@code change} in force, with the applied version its targets get.
     *
     * @param current the version before, null for none
     * @param now when, the entity's {@code lastAppliedAt} from now on
     */
    private Resolved applied(
            Outcome outcome,
            EntityVersion current,
            ChangeEvent change,
            Map<String, Long> clock,
            Resolution resolution,
            ConflictRecord conflict,
            Instant now) {
        EntityVersion next;
        if (current == null) {
            next =
                    new EntityVersion(
                            null, 0L, new HashMap<>(), new HashMap<>(), new HashMap<>(), now);
            next.getSeen().put(change.getSourceId(), change.getVersion());
            next.getCounts()
                    .put(change.getSourceId(), clock.getOrDefault(change.getSourceId(), 1L));
            next.setClock(new HashMap<>(clock));
        } else {
            next = seen(current, change, clock, true);
        }
        ChangeEvent emitted = stamped(change, change.getAfter(), next.getClock());
        emitted.setResolution(resolution);
        next.setChange(inState(emitted));
        long previous = current == null ? 0L : current.getAppliedVersion();
        next.setAppliedVersion(
                AppliedVersions.next(
                        previous,
                        change.getSourceCommitTime().toEpochMilli(),
                        precedence.rank(change.getSourceId())));
        emitted.setVersion(next.getAppliedVersion());
        next.setLastAppliedAt(now);
        return new Resolved(outcome, next, emitted, conflict);
    }

    /** Whether {@code change} is no later in its source than what its source already delivered. */
    private static boolean isStale(EntityVersion current, ChangeEvent change) {
        Long seen = current.getSeen().get(change.getSourceId());
        return seen != null && change.getVersion() <= seen;
    }

    /** A copy of {@code current} that has seen {@code change} (its position, clock and count). */
    private static EntityVersion seen(
            EntityVersion current, ChangeEvent change, Map<String, Long> clock, boolean counted) {
        String source = change.getSourceId();
        Map<String, Long> seen = new HashMap<>(current.getSeen());
        seen.merge(source, change.getVersion(), Math::max);
        Map<String, Long> counts = new HashMap<>(current.getCounts());
        if (counted) {
            counts.merge(source, clock.getOrDefault(source, 0L), Math::max);
        }
        return new EntityVersion(
                current.getChange(),
                current.getAppliedVersion(),
                VectorClocks.merge(current.getClock(), clock),
                seen,
                counts,
                current.getLastAppliedAt());
    }

    /**
     * The version vector of {@code incoming}: the clock its writer saw (from the row) and one more
     * change of its own source. A source whose own version is in force, unmerged, holds that
     * version, so its next change has seen everything the version in force had.
     */
    private static Map<String, Long> clockOf(EntityVersion current, ChangeEvent incoming) {
        String source = incoming.getSourceId();
        Map<String, Long> clock = new HashMap<>(incoming.getVectorClock());
        if (current != null && holdsVersionInForce(current, source)) {
            clock = VectorClocks.merge(current.getClock(), clock);
        }
        long count = current == null ? 0L : current.getCounts().getOrDefault(source, 0L);
        clock.put(source, Math.max(count, clock.getOrDefault(source, 0L)) + 1);
        return clock;
    }

    /** Whether the version in force is {@code source}'s own change, as that source wrote it. */
    private static boolean holdsVersionInForce(EntityVersion current, String source) {
        ChangeEvent inForce = current.getChange();
        if (!inForce.getSourceId().equals(source)) {
            return false;
        }
        Resolution resolution = inForce.getResolution();
        // A merge, whether by a strategy or a person, is no source's own version.
        return resolution == null
                || (resolution.getOutcome() != ResolutionOutcome.MERGED
                        && resolution.getLosingEventId() != null);
    }

    /**
     * The change as the entity's state keeps it: without its before image and corrections, which no
     * decision reads. Every change rewrites the state, so its size is the stage's cost.
     */
    private static ChangeEvent inState(ChangeEvent change) {
        ChangeEvent kept = ChangeEvents.shallowCopy(change);
        kept.setBefore(null);
        kept.setRemediations(List.of());
        return kept;
    }

    private static ChangeEvent stamped(
            ChangeEvent change, Map<String, FieldValue> image, Map<String, Long> clock) {
        ChangeEvent copy = ChangeEvents.shallowCopy(change);
        copy.setAfter(deleted(change) ? null : image);
        copy.setVectorClock(clock);
        copy.setOrigin(null);
        return copy;
    }

    private static boolean sameState(ChangeEvent applied, ChangeEvent incoming) {
        boolean gone = deleted(applied);
        return gone == deleted(incoming)
                && (gone || Objects.equals(applied.getAfter(), incoming.getAfter()));
    }

    private static boolean deleted(ChangeEvent change) {
        return change.getOp() == Operation.DELETE;
    }

    private static Candidate candidate(ChangeEvent change) {
        return new Candidate(
                change.getSourceId(),
                change.getSourceCommitTime(),
                deleted(change),
                deleted(change) ? null : change.getAfter());
    }

    /** Deterministic, so a replay after a restore records the same conflict under the same id. */
    static String conflictId(EntityVersion current, ChangeEvent incoming) {
        String key =
                EntityKeys.of(
                                incoming.getTenant(),
                                incoming.getEntityType(),
                                incoming.getEntityId())
                        + "|"
                        + current.getChange().getEventId()
                        + "|"
                        + incoming.getEventId();
        try {
            byte[] digest =
                    MessageDigest.getInstance("SHA-256")
                            .digest(key.getBytes(StandardCharsets.UTF_8));
            return "c-" + HexFormat.of().formatHex(digest, 0, 10);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JDK", e);
        }
    }
}
