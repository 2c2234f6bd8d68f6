package io.syncline.operators.observe;

import io.syncline.schema.Observation;
import io.syncline.schema.ObservationOutcome;
import io.syncline.schema.SourceLag;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.MetricGroup;
import org.apache.flink.runtime.execution.SuppressRestartsException;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keyed by source: remembers each source's newest heartbeat and reports its {@link SourceLag} every
 * check interval on a processing-time timer, heartbeat or not, so that a source that stops
 * delivering shows lag rising. The lag is also a gauge {@code sourceLagMillis} per source.
 *
 * <p>It also makes sure the source's replication skipped nothing. It follows the heartbeats'
 * sequence numbers ({@link HeartbeatSequence}, the last one in state, also the gauge {@code
 * heartbeatSequence}), and at every check reads the source's replication slot ({@link
 * ReplicationSlotProbe}). A slot that is gone or has lost its WAL fails the job at once. Heartbeats
 * missing after the job resumed from a checkpoint mean the slot no longer held the position of that
 * checkpoint: the monitor sends a critical reading to the alerts and fails the job {@link
 * #ALERT_GRACE} later. Either failure is a {@link SuppressRestartsException}, so the job ends
 * FAILED instead of restarting into the same loss.
 *
 * <p>Heartbeats missing while the job kept reading are not a loss: a slot can only be dropped or
 * lose its WAL once nothing reads it, which fails the source and with it this operator (one
 * failover region), so after that it resumes from state. The heartbeat table was left out of the
 * publication for a while; the jump is logged and counted ({@code heartbeatsMissed}).
 */
public final class SourceLagMonitor extends KeyedProcessFunction<String, Observation, SourceLag> {

    /**
     * How long the job goes on after heartbeats went missing, so that the critical alert reaches
     * the alerts table and the notifiers before the job fails.
     */
    public static final Duration ALERT_GRACE = Duration.ofSeconds(2);

    /** The longest a check of a slot may wait for its database. */
    private static final Duration MAX_SLOT_CHECK_TIMEOUT = Duration.ofSeconds(5);

    private static final long serialVersionUID = 1L;

    private static final Logger LOG = LoggerFactory.getLogger(SourceLagMonitor.class);

    private final Duration heartbeatInterval;
    private final Duration checkInterval;
    private final Map<String, ReplicationSlotProbe.Slot> slots;

    private transient SourceLagTracker tracker;
    private transient ValueState<Long> newestCommit;
    private transient ValueState<Long> newestArrivalLag;
    private transient ValueState<Long> nextCheck;
    private transient ValueState<Long> lastSequence;
    private transient ValueState<String> lossMessage;
    private transient ValueState<Long> failAt;
    private transient Map<String, Long> latestLag;
    private transient Map<String, Long> latestSequence;
    private transient Set<String> followedSinceOpen;
    private transient Set<String> slotsUnchecked;
    private transient Set<String> slotsUnreserved;
    private transient ReplicationSlotProbe probe;
    private transient Counter heartbeatsMissed;
    private transient Counter slotChecksFailed;

    /**
     * A monitor that does not read the sources' replication slots.
     *
     * @param heartbeatInterval how often each source commits a heartbeat
     * @param checkInterval how often the lag is reported
     */
    public SourceLagMonitor(Duration heartbeatInterval, Duration checkInterval) {
        this(heartbeatInterval, checkInterval, Map.of());
    }

    /**
     * @param heartbeatInterval how often each source commits a heartbeat
     * @param checkInterval how often the lag is reported and the slots are read
     * @param slots each source's replication slot, by source id
     */
    public SourceLagMonitor(
            Duration heartbeatInterval,
            Duration checkInterval,
            Map<String, ReplicationSlotProbe.Slot> slots) {
        this.heartbeatInterval = heartbeatInterval;
        this.checkInterval = checkInterval;
        this.slots = Map.copyOf(slots);
    }

    @Override
    public void open(OpenContext openContext) {
        tracker = new SourceLagTracker(heartbeatInterval);
        newestCommit = state("newest-heartbeat", Types.LONG);
        newestArrivalLag = state("newest-arrival-lag", Types.LONG);
        nextCheck = state("next-check", Types.LONG);
        lastSequence = state("heartbeat-sequence", Types.LONG);
        lossMessage = state("replication-loss", Types.STRING);
        failAt = state("fail-at", Types.LONG);
        latestLag = new HashMap<>();
        latestSequence = new HashMap<>();
        followedSinceOpen = new HashSet<>();
        slotsUnchecked = new HashSet<>();
        slotsUnreserved = new HashSet<>();
        Duration timeout =
                checkInterval.compareTo(MAX_SLOT_CHECK_TIMEOUT) < 0
                        ? checkInterval
                        : MAX_SLOT_CHECK_TIMEOUT;
        probe = new ReplicationSlotProbe(timeout);
        heartbeatsMissed = getRuntimeContext().getMetricGroup().counter("heartbeatsMissed");
        slotChecksFailed = getRuntimeContext().getMetricGroup().counter("slotChecksFailed");
    }

    private <T> ValueState<T> state(String name, TypeInformation<T> type) {
        return getRuntimeContext().getState(new ValueStateDescriptor<>(name, type));
    }

    @Override
    public void processElement(Observation observation, Context ctx, Collector<SourceLag> out)
            throws Exception {
        if (observation.getOutcome() != ObservationOutcome.HEARTBEAT) {
            return;
        }
        long commit = observation.getSourceCommitTime().toEpochMilli();
        Long newest = newestCommit.value();
        if (newest == null || commit > newest) {
            newestCommit.update(commit);
            newestArrivalLag.update(observation.getObservedTime().toEpochMilli() - commit);
        }
        Long sequence = observation.getHeartbeatSequence();
        if (sequence != null && lossMessage.value() == null) {
            follow(sequence, newest, observation, ctx, out);
        }
        if (nextCheck.value() == null) {
            long next = ctx.timerService().currentProcessingTime() + checkInterval.toMillis();
            ctx.timerService().registerProcessingTimeTimer(next);
            nextCheck.update(next);
        }
    }

    /**
     * Checks a heartbeat's sequence number against the last one delivered.
     *
     * @param previousCommit commit time of the newest heartbeat before this one, null if none
     */
    private void follow(
            long sequence,
            Long previousCommit,
            Observation heartbeat,
            Context ctx,
            Collector<SourceLag> out)
            throws Exception {
        String sourceId = ctx.getCurrentKey();
        Long last = lastSequence.value();
        switch (HeartbeatSequence.step(last, sequence)) {
            case FIRST, NEXT -> advance(sourceId, sequence);
            case REPLAY -> {
                // Delivered again around the position the source resumed from.
            }
            case GAP -> {
                if (followedSinceOpen.contains(sourceId)) {
                    heartbeatsMissed.inc(sequence - last - 1);
                    LOG.warn(
                            "source '{}': heartbeats {} to {} were committed but not replicated,"
                                    + " while the job kept reading its replication slot: the"
                                    + " heartbeat table was left out of the publication for a"
                                    + " while. Check that the publication still covers every"
                                    + " configured table",
                            sourceId,
                            last + 1,
                            sequence - 1);
                    advance(sourceId, sequence);
                    return;
                }
                lose(
                        ReplicationLoss.walGap(
                                sourceId,
                                slotNameOf(sourceId),
                                last,
                                previousCommit == null
                                        ? null
                                        : Instant.ofEpochMilli(previousCommit),
                                sequence,
                                heartbeat.getSourceCommitTime()),
                        ctx,
                        out);
            }
        }
    }

    private void advance(String sourceId, long sequence) throws Exception {
        lastSequence.update(sequence);
        latestSequence.put(sourceId, sequence);
        followedSinceOpen.add(sourceId);
    }

    /** Raises the critical reading now and fails the job {@link #ALERT_GRACE} later. */
    private void lose(ReplicationLoss loss, Context ctx, Collector<SourceLag> out)
            throws Exception {
        LOG.error(loss.message());
        long now = ctx.timerService().currentProcessingTime();
        long failure = now + ALERT_GRACE.toMillis();
        lossMessage.update(loss.message());
        failAt.update(failure);
        ctx.timerService().registerProcessingTimeTimer(failure);
        out.collect(reading(ctx.getCurrentKey(), now, loss));
    }

    @Override
    public void onTimer(long timestamp, OnTimerContext ctx, Collector<SourceLag> out)
            throws Exception {
        String loss = lossMessage.value();
        if (loss != null && timestamp >= failAt.value()) {
            throw new SuppressRestartsException(new IllegalStateException(loss));
        }
        String sourceId = ctx.getCurrentKey();
        if (loss == null) {
            checkSlot(sourceId);
        }
        SourceLag reading = reading(sourceId, timestamp, null);
        if (latestLag.put(sourceId, reading.getLagMillis()) == null) {
            // First report of this source since the task started (or restored).
            MetricGroup source = getRuntimeContext().getMetricGroup().addGroup("source", sourceId);
            source.gauge("sourceLagMillis", () -> latestLag.get(sourceId));
            source.gauge("heartbeatSequence", () -> latestSequence.getOrDefault(sourceId, -1L));
        }
        out.collect(reading);
        long next = timestamp + checkInterval.toMillis();
        ctx.timerService().registerProcessingTimeTimer(next);
        nextCheck.update(next);
    }

    /**
     * Reads the source's slot; fails the job at once if it is gone or lost its WAL. This happens
     * when a restarted job meets a broken slot, and its source soon fails again: an alert would not
     * get out, and waiting would let the job restart once more.
     */
    private void checkSlot(String sourceId) {
        ReplicationSlotProbe.Slot slot = slots.get(sourceId);
        if (slot == null) {
            return;
        }
        ReplicationSlotProbe.SlotState state;
        try {
            state = probe.check(slot);
        } catch (SQLException e) {
            // An unreachable database says nothing about the slot: its heartbeats tell.
            slotChecksFailed.inc();
            if (slotsUnchecked.add(sourceId)) {
                LOG.warn(
                        "cannot read {} ({}); checking again every {}",
                        slot,
                        e.getMessage(),
                        checkInterval);
            }
            return;
        }
        if (slotsUnchecked.remove(sourceId)) {
            LOG.info("{} can be read again", slot);
        }
        switch (state) {
            case MISSING, LOST -> {
                ReplicationLoss loss = ReplicationLoss.slotLost(slot, state);
                LOG.error(loss.message());
                throw new SuppressRestartsException(new IllegalStateException(loss.message()));
            }
            case UNRESERVED -> {
                if (slotsUnreserved.add(sourceId)) {
                    LOG.warn(
                            "{} holds more WAL than max_slot_wal_keep_size allows: the server drops"
                                    + " that WAL at its next checkpoint unless the job catches up,"
                                    + " and the job then stops",
                            slot);
                }
            }
            case HEALTHY -> slotsUnreserved.remove(sourceId);
        }
    }

    private SourceLag reading(String sourceId, long now, ReplicationLoss loss) throws Exception {
        long commit = newestCommit.value();
        return SourceLag.newBuilder()
                .setSourceId(sourceId)
                .setLagMillis(tracker.lagAt(now, commit, newestArrivalLag.value()))
                .setLastHeartbeat(Instant.ofEpochMilli(commit))
                .setTime(Instant.ofEpochMilli(now))
                .setLossCode(loss == null ? null : loss.code())
                .setLossMessage(loss == null ? null : loss.message())
                .build();
    }

    private String slotNameOf(String sourceId) {
        ReplicationSlotProbe.Slot slot = slots.get(sourceId);
        return slot == null ? null : slot.name();
    }

    @Override
    public void close() throws Exception {
        if (probe != null) {
            probe.close();
        }
        super.close();
    }
}
