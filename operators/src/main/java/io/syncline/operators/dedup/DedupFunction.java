package io.syncline.operators.dedup;

import io.syncline.schema.ChangeEvent;
import java.time.Duration;
import org.apache.flink.api.common.state.MapState;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.state.StateTtlConfig;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;

/**
 * Drops a change whose event id (source, position and entity key) this entity has already seen, so
 * a change delivered twice — a source read again after a restart, a replayed topic, a retried
 * webhook — is applied once. Ids are remembered for a configured time to live; duplicates are
 * counted, not errors.
 */
public final class DedupFunction extends KeyedProcessFunction<String, ChangeEvent, ChangeEvent> {

    private static final long serialVersionUID = 1L;

    private final Duration ttl;

    private transient MapState<String, Boolean> seen;
    private transient Counter duplicates;

    /**
     * @param ttl how long an event id is remembered after it was last seen
     */
    public DedupFunction(Duration ttl) {
        if (ttl.isNegative() || ttl.isZero()) {
            throw new IllegalArgumentException("the dedup time to live must be positive: " + ttl);
        }
        this.ttl = ttl;
    }

    @Override
    public void open(Configuration parameters) {
        MapStateDescriptor<String, Boolean> descriptor =
                new MapStateDescriptor<>("seen-event-ids", Types.STRING, Types.BOOLEAN);
        descriptor.enableTimeToLive(
                StateTtlConfig.newBuilder(ttl)
                        .setUpdateType(StateTtlConfig.UpdateType.OnCreateAndWrite)
                        .setStateVisibility(StateTtlConfig.StateVisibility.NeverReturnExpired)
                        .cleanupInRocksdbCompactFilter(1000)
                        .build());
        seen = getRuntimeContext().getMapState(descriptor);
        duplicates = getRuntimeContext().getMetricGroup().counter("duplicatesDropped");
    }

    @Override
    public void processElement(ChangeEvent change, Context ctx, Collector<ChangeEvent> out)
            throws Exception {
        String id = idOf(change);
        if (seen.contains(id)) {
            // Seen again: its time to live starts over (the TTL counts from writes only).
            seen.put(id, Boolean.TRUE);
            duplicates.inc();
            return;
        }
        seen.put(id, Boolean.TRUE);
        out.collect(change);
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
}
