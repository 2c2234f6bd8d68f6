package io.syncline.operators.resolve;

import io.syncline.operators.change.ChangeEvents;
import io.syncline.operators.errors.ErrorCodes;
import io.syncline.operators.errors.ErrorOutputs;
import io.syncline.operators.errors.ErrorRecords;
import io.syncline.operators.key.EntityKeys;
import io.syncline.operators.observe.ObservationOutputs;
import io.syncline.operators.observe.Observations;
import io.syncline.schema.ChangeEvent;
import io.syncline.schema.ConflictDecision;
import io.syncline.schema.ConflictRecord;
import io.syncline.schema.EntityVersion;
import io.syncline.schema.ErrorRecord;
import io.syncline.schema.ObservationOutcome;
import io.syncline.schema.ObservationStage;
import io.syncline.schema.Operation;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import org.apache.flink.api.common.state.ListState;
import org.apache.flink.api.common.state.ListStateDescriptor;
import org.apache.flink.api.common.state.MapState;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.state.StateTtlConfig;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.formats.avro.typeutils.AvroTypeInfo;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.MetricGroup;
import org.apache.flink.streaming.api.TimeDomain;
import org.apache.flink.streaming.api.functions.co.KeyedCoProcessFunction;
import org.apache.flink.util.Collector;
import org.apache.flink.util.OutputTag;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The resolve stage, keyed by entity: drops changes whose event id it has seen, holds back changes
 * that may arrive out of order and releases them in order on event-time timers, resolves each
 * against the entity's version in force with an {@link EntityResolver}, parks manual conflicts with
 * the entity's later changes behind them until a {@link ConflictDecision} arrives, and sends the
 * resolved state back to bidirectional sources.
 *
 * <p>Emits the changes the targets get; conflicts go to {@link #CONFLICTS}, writes to a source to
 * {@link #writeBackOf}, and changes that cannot wait to the error queue.
 */
public final class ResolveFunction
        extends KeyedCoProcessFunction<String, ChangeEvent, ConflictDecision, ChangeEvent> {

    /** Every conflict, decided or parked, for the conflicts topic and table. */
    public static final OutputTag<ConflictRecord> CONFLICTS =
            new OutputTag<>("syncline-conflicts", new AvroTypeInfo<>(ConflictRecord.class));

    /** Stage name on errors. */
    public static final String STAGE = "resolve";

    private static final long serialVersionUID = 1L;
    private static final Logger LOG = LoggerFactory.getLogger(ResolveFunction.class);

    private final EntityResolver resolver;
    private final Set<String> peers;
    private final Duration dedupTtl;
    private final long maxOutOfOrderMillis;
    private final int maxPendingPerEntity;
    private final int maxParkedPerEntity;

    private transient MapState<String, Boolean> seenEventIds;
    private transient ValueState<EntityVersion> entity;
    private transient ListState<ChangeEvent> pending;
    private transient ValueState<Integer> pendingCount;
    private transient ValueState<ConflictRecord> openConflict;
    private transient ListState<ChangeEvent> parked;
    private transient ValueState<Integer> parkedCount;
    private transient Map<String, OutputTag<ChangeEvent>> writeBackTags;
    private transient Map<String, Counter> counters;
    private transient Map<EntityResolver.Outcome, Counter> byOutcome;
    private transient MetricGroup metrics;

    /**
     * @param resolver decides each change
     * @param peers ids of the bidirectional sources the resolved state is written back to
     * @param dedupTtl how long an event id is remembered after it was last seen, to drop duplicates
     * @param maxOutOfOrder how long (in source commit time) changes are held back so that late ones
     *     can overtake them; zero applies every change as it arrives
     * @param maxPendingPerEntity changes held back per entity before the oldest is released early
     * @param maxParkedPerEntity changes that may wait behind a parked conflict of one entity
     */
    public ResolveFunction(
            EntityResolver resolver,
            Set<String> peers,
            Duration dedupTtl,
            Duration maxOutOfOrder,
            int maxPendingPerEntity,
            int maxParkedPerEntity) {
        if (dedupTtl.isNegative() || dedupTtl.isZero()) {
            throw new IllegalArgumentException(
                    "the dedup time to live must be positive: " + dedupTtl);
        }
        this.resolver = Objects.requireNonNull(resolver, "resolver");
        this.peers = Set.copyOf(peers);
        this.dedupTtl = dedupTtl;
        this.maxOutOfOrderMillis = maxOutOfOrder.toMillis();
        this.maxPendingPerEntity = maxPendingPerEntity;
        this.maxParkedPerEntity = maxParkedPerEntity;
    }

    /** The side output of the writes to bidirectional source {@code sourceId}. */
    public static OutputTag<ChangeEvent> writeBackOf(String sourceId) {
        return new OutputTag<>(
                "syncline-write-back-" + sourceId, new AvroTypeInfo<>(ChangeEvent.class));
    }

    /**
     * The event ids each entity has seen, kept for {@code dedupTtl} after they were last seen.
     * Public, as the stage's other state descriptors, so that tools read a savepoint as the stage
     * does.
     */
    public static MapStateDescriptor<String, Boolean> seenEventIdsState(Duration dedupTtl) {
        MapStateDescriptor<String, Boolean> seen =
                new MapStateDescriptor<>("seen-event-ids", Types.STRING, Types.BOOLEAN);
        seen.enableTimeToLive(
                StateTtlConfig.newBuilder(dedupTtl)
                        .setUpdateType(StateTtlConfig.UpdateType.OnCreateAndWrite)
                        .setStateVisibility(StateTtlConfig.StateVisibility.NeverReturnExpired)
                        .cleanupInRocksdbCompactFilter(1000)
                        .build());
        return seen;
    }

    /** The entity's version in force. */
    public static ValueStateDescriptor<EntityVersion> entityVersionState() {
        return new ValueStateDescriptor<>(
                "entity-version", new AvroTypeInfo<>(EntityVersion.class));
    }

    /** The entity's parked conflict, waiting for a person's decision. */
    public static ValueStateDescriptor<ConflictRecord> openConflictState() {
        return new ValueStateDescriptor<>(
                "open-conflict", new AvroTypeInfo<>(ConflictRecord.class));
    }

    @Override
    public void open(Configuration parameters) {
        AvroTypeInfo<ChangeEvent> changes = new AvroTypeInfo<>(ChangeEvent.class);
        seenEventIds = getRuntimeContext().getMapState(seenEventIdsState(dedupTtl));
        entity = getRuntimeContext().getState(entityVersionState());
        pending = getRuntimeContext().getListState(new ListStateDescriptor<>("pending", changes));
        pendingCount =
                getRuntimeContext()
                        .getState(new ValueStateDescriptor<>("pending-count", Types.INT));
        openConflict = getRuntimeContext().getState(openConflictState());
        parked = getRuntimeContext().getListState(new ListStateDescriptor<>("parked", changes));
        parkedCount =
                getRuntimeContext().getState(new ValueStateDescriptor<>("parked-count", Types.INT));
        writeBackTags = new HashMap<>();
        for (String peer : peers) {
            writeBackTags.put(peer, writeBackOf(peer));
        }
        metrics = getRuntimeContext().getMetricGroup();
        counters = new HashMap<>();
        byOutcome = new EnumMap<>(EntityResolver.Outcome.class);
        for (EntityResolver.Outcome outcome : EntityResolver.Outcome.values()) {
            byOutcome.put(outcome, metrics.counter("changes_" + nameOf(outcome)));
        }
    }

    @Override
    public void processElement1(ChangeEvent change, Context ctx, Collector<ChangeEvent> out)
            throws Exception {
        if (isDuplicate(change)) {
            counter("duplicatesDropped").inc();
            ctx.output(
                    ObservationOutputs.OBSERVATIONS,
                    Observations.of(
                            change,
                            ObservationStage.RESOLVE,
                            ObservationOutcome.DUPLICATE,
                            ctx.timerService().currentProcessingTime()));
            return;
        }
        long commitTime = change.getSourceCommitTime().toEpochMilli();
        if (maxOutOfOrderMillis == 0 || commitTime <= ctx.timerService().currentWatermark()) {
            handle(change, ctx, out);
            return;
        }
        int held = count(pendingCount);
        if (held == 0) {
            // The watermark stalls when no later change comes; this bounds the wait anyway.
            ctx.timerService()
                    .registerProcessingTimeTimer(
                            ctx.timerService().currentProcessingTime() + safetyDelayMillis());
        }
        pending.add(change);
        pendingCount.update(held + 1);
        ctx.timerService().registerEventTimeTimer(commitTime);
        if (held + 1 > maxPendingPerEntity) {
            counter("changesReleasedEarly").inc();
            release(1, Long.MAX_VALUE, ctx, out);
        }
    }

    /**
     * Whether this entity saw the change's event id (source, position and entity key) within the
     * time to live; each sighting starts the time to live again. A change delivered twice (a topic
     * read again, a webhook retried) is applied once.
     */
    private boolean isDuplicate(ChangeEvent change) throws Exception {
        String id = idOf(change);
        boolean seen = seenEventIds.contains(id);
        seenEventIds.put(id, Boolean.TRUE);
        return seen;
    }

    /**
     * A replay from the error queue keeps the event id of the change it repairs, which may have got
     * this far before it failed; it is a new delivery, told apart by the error it replays.
     */
    static String idOf(ChangeEvent change) {
        return change.getReplayOf() == null
                ? change.getEventId()
                : change.getEventId() + " replaying " + change.getReplayOf();
    }

    /**
     * How long a held-back change waits at most in processing time: twice the bound, and a second
     * more, so that it is the watermark that releases changes while changes keep coming.
     */
    private long safetyDelayMillis() {
        return 2 * maxOutOfOrderMillis + 1000;
    }

    @Override
    public void onTimer(long timestamp, OnTimerContext ctx, Collector<ChangeEvent> out)
            throws Exception {
        if (ctx.timeDomain() == TimeDomain.EVENT_TIME) {
            release(Integer.MAX_VALUE, timestamp, ctx, out);
        } else {
            release(Integer.MAX_VALUE, Long.MAX_VALUE, ctx, out);
        }
    }

    /** Resolves up to {@code limit} held-back changes committed by {@code until}, oldest first. */
    private void release(int limit, long until, Context ctx, Collector<ChangeEvent> out)
            throws Exception {
        List<ChangeEvent> held = new ArrayList<>();
        for (ChangeEvent change : pending.get()) {
            held.add(change);
        }
        if (held.isEmpty()) {
            return;
        }
        held.sort(resolver.precedence());
        List<ChangeEvent> ready = new ArrayList<>();
        List<ChangeEvent> keep = new ArrayList<>();
        for (ChangeEvent change : held) {
            boolean due = change.getSourceCommitTime().toEpochMilli() <= until;
            (due && ready.size() < limit ? ready : keep).add(change);
        }
        pending.update(keep);
        pendingCount.update(keep.size());
        for (ChangeEvent change : ready) {
            handle(change, ctx, out);
        }
    }

    @Override
    public void processElement2(ConflictDecision decision, Context ctx, Collector<ChangeEvent> out)
            throws Exception {
        ConflictRecord open = openConflict.value();
        if (open == null || !open.getConflictId().equals(decision.getConflictId())) {
            // Already decided (a command read again after a fresh start) or never parked here.
            LOG.warn(
                    "decision for conflict {} of {} ignored: it is not open",
                    decision.getConflictId(),
                    ctx.getCurrentKey());
            counter("decisionsIgnored").inc();
            return;
        }
        EntityResolver.Resolved resolved =
                resolver.decide(
                        entity.value(),
                        open,
                        decision,
                        now(ctx),
                        decision.getDecidedBy() == null
                                ? "syncline conflicts"
                                : decision.getDecidedBy());
        openConflict.clear();
        apply(resolved, open.getRight(), ctx, out);
        List<ChangeEvent> waiting = new ArrayList<>();
        for (ChangeEvent change : parked.get()) {
            waiting.add(change);
        }
        parked.clear();
        parkedCount.clear();
        for (ChangeEvent change : waiting) {
            handle(change, ctx, out);
        }
    }

    private void handle(ChangeEvent change, Context ctx, Collector<ChangeEvent> out)
            throws Exception {
        ConflictRecord open = openConflict.value();
        if (open != null) {
            park(change, open, ctx);
            return;
        }
        apply(resolver.resolve(entity.value(), change, now(ctx)), change, ctx, out);
    }

    private void park(ChangeEvent change, ConflictRecord open, Context ctx) throws Exception {
        int waiting = count(parkedCount);
        if (waiting >= maxParkedPerEntity) {
            counter("changesRejectedBacklogFull").inc();
            ctx.output(ErrorOutputs.ERRORS, backlogFull(change, open, now(ctx)));
            return;
        }
        parked.add(change);
        parkedCount.update(waiting + 1);
        counter("changesWaitingBehindConflict").inc();
    }

    private void apply(
            EntityResolver.Resolved resolved,
            ChangeEvent incoming,
            Context ctx,
            Collector<ChangeEvent> out)
            throws Exception {
        entity.update(resolved.next());
        count(resolved, incoming);
        observe(resolved, incoming, ctx);
        if (resolved.conflict() != null) {
            ctx.output(CONFLICTS, resolved.conflict());
            if (resolved.outcome() == EntityResolver.Outcome.PARKED) {
                openConflict.update(resolved.conflict());
            }
        }
        if (resolved.emitted() != null) {
            out.collect(resolved.emitted());
        }
        writeBack(resolved, incoming, ctx);
    }

    /**
     * Sends the state in force to every bidirectional source that does not hold it: all of them
     * after a new state, except the source whose own change it is; the incoming change's source
     * after it lost, or after its echo showed that it holds another state.
     */
    private void writeBack(EntityResolver.Resolved resolved, ChangeEvent incoming, Context ctx) {
        if (peers.isEmpty()) {
            return;
        }
        EntityVersion next = resolved.next();
        ChangeEvent write = toPeer(next);
        if (resolved.emitted() != null) {
            boolean sourceHoldsIt = sameImage(next.getChange(), incoming);
            for (String peer : peers) {
                if (!(sourceHoldsIt && peer.equals(incoming.getSourceId()))) {
                    ctx.output(writeBackTags.get(peer), write);
                }
            }
            return;
        }
        switch (resolved.outcome()) {
            case LOST, DECIDED, ECHO_DIVERGED -> {
                // The version in force stayed: only the incoming change's source lacks it.
                OutputTag<ChangeEvent> tag = writeBackTags.get(incoming.getSourceId());
                if (tag != null) {
                    ctx.output(tag, write);
                }
            }
            default -> {}
        }
    }

    /** The state in force as written to a source: marked with its origin, carrying its clock. */
    private static ChangeEvent toPeer(EntityVersion version) {
        ChangeEvent write = ChangeEvents.shallowCopy(version.getChange());
        write.setVersion(version.getAppliedVersion());
        write.setOrigin(version.getChange().getSourceId());
        write.setVectorClock(version.getClock());
        return write;
    }

    private static boolean sameImage(ChangeEvent inForce, ChangeEvent incoming) {
        boolean gone = inForce.getOp() == Operation.DELETE;
        return gone == (incoming.getOp() == Operation.DELETE)
                && (gone || Objects.equals(inForce.getAfter(), incoming.getAfter()));
    }

    private void count(EntityResolver.Resolved resolved, ChangeEvent incoming) {
        byOutcome.get(resolved.outcome()).inc();
        if (resolved.stale()) {
            counter("changesStale").inc();
            logStale(incoming, resolved);
        }
        if (resolved.conflict() != null) {
            String outcome = nameOf(resolved.outcome());
            String key =
                    incoming.getTenant() + '\u0000' + incoming.getEntityType() + '\u0000' + outcome;
            counters.computeIfAbsent(
                            key,
                            ignored ->
                                    metrics.addGroup("tenant", incoming.getTenant())
                                            .addGroup("entityType", incoming.getEntityType())
                                            .counter("conflicts_" + outcome))
                    .inc();
        }
    }

    /**
     * Observes what is not a plain application: stale changes, conflicts and parked ones. Plain
     * changes are observed when they are delivered. A stale change is recorded as a conflict it
     * lost too, so staleness is asked first, else it would never be observed as such. The decision
     * of a parked conflict is not observed again: the conflict was observed when it was parked.
     */
    private void observe(EntityResolver.Resolved resolved, ChangeEvent incoming, Context ctx) {
        if (resolved.outcome() == EntityResolver.Outcome.DECIDED) {
            return;
        }
        ObservationOutcome outcome =
                resolved.outcome() == EntityResolver.Outcome.PARKED
                        ? ObservationOutcome.PARKED
                        : resolved.stale()
                                ? ObservationOutcome.STALE
                                : resolved.conflict() != null ? ObservationOutcome.CONFLICT : null;
        if (outcome != null) {
            ctx.output(
                    ObservationOutputs.OBSERVATIONS,
                    Observations.of(
                            incoming,
                            ObservationStage.RESOLVE,
                            outcome,
                            ctx.timerService().currentProcessingTime()));
        }
    }

    /**
     * A stale change is a replay or a redelivery of something older than the version in force; when
     * that version was applied tells which (a restore, a replay from the error queue).
     */
    private static void logStale(ChangeEvent incoming, EntityResolver.Resolved resolved) {
        EntityVersion inForce = resolved.next();
        Instant appliedAt = inForce.getLastAppliedAt();
        LOG.info(
                "stale change {} of {} (source version {}, its source delivered {} already): {};"
                        + " the version in force was applied {}",
                incoming.getEventId(),
                EntityKeys.of(incoming),
                incoming.getVersion(),
                inForce.getSeen().get(incoming.getSourceId()),
                nameOf(resolved.outcome()),
                Instant.EPOCH.equals(appliedAt)
                        ? "before this Syncline version recorded it"
                        : "at " + appliedAt);
    }

    private static String nameOf(EntityResolver.Outcome outcome) {
        return outcome.name().toLowerCase(Locale.ROOT);
    }

    private Counter counter(String name) {
        return counters.computeIfAbsent(name, metrics::counter);
    }

    private static int count(ValueState<Integer> state) throws Exception {
        Integer value = state.value();
        return value == null ? 0 : value;
    }

    private static Instant now(Context ctx) {
        return Instant.ofEpochMilli(ctx.timerService().currentProcessingTime());
    }

    private ErrorRecord backlogFull(ChangeEvent change, ConflictRecord open, Instant time) {
        String message =
                change.getEntityType()
                        + " "
                        + EntityKeys.of(change)
                        + " has "
                        + maxParkedPerEntity
                        + " changes waiting behind conflict "
                        + open.getConflictId()
                        + " already (consistency.maxParkedPerEntity); decide it with 'syncline"
                        + " conflicts resolve "
                        + open.getConflictId()
                        + "', then replay this change with 'syncline errors replay'";
        ErrorRecord.Builder builder =
                ErrorRecords.permanent(
                                ErrorRecord.newBuilder(),
                                STAGE,
                                ErrorCodes.CONFLICT_BACKLOG_FULL,
                                message)
                        .setKey(EntityKeys.of(change))
                        .setTenant(change.getTenant())
                        .setEntityType(change.getEntityType())
                        .setSourceId(change.getSourceId())
                        .setSourcePosition(change.getSourcePosition())
                        .setChange(change);
        return ErrorRecords.build(
                builder,
                "{eventId=" + change.getEventId() + ", conflict=" + open.getConflictId() + "}",
                time);
    }
}
