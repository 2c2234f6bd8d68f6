package io.syncline.operators.observe;

import io.syncline.schema.Observation;
import io.syncline.schema.ObservationOutcome;
import io.syncline.schema.SourceLag;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;

/**
 * Keyed by source: remembers each source's newest heartbeat and reports its {@link SourceLag} every
 * check interval on a processing-time timer, heartbeat or not, so that a source that stops
 * delivering shows lag rising. The lag is also a gauge {@code sourceLagMillis} per source.
 */
public final class SourceLagMonitor extends KeyedProcessFunction<String, Observation, SourceLag> {

    private static final long serialVersionUID = 1L;

    private final Duration heartbeatInterval;
    private final Duration checkInterval;

    private transient SourceLagTracker tracker;
    private transient ValueState<Long> newestCommit;
    private transient ValueState<Long> newestArrivalLag;
    private transient ValueState<Long> nextCheck;
    private transient Map<String, Long> latestLag;

    /**
     * @param heartbeatInterval how often each source commits a heartbeat
     * @param checkInterval how often the lag is reported
     */
    public SourceLagMonitor(Duration heartbeatInterval, Duration checkInterval) {
        this.heartbeatInterval = heartbeatInterval;
        this.checkInterval = checkInterval;
    }

    @Override
    public void open(OpenContext openContext) {
        tracker = new SourceLagTracker(heartbeatInterval);
        newestCommit =
                getRuntimeContext()
                        .getState(new ValueStateDescriptor<>("newest-heartbeat", Types.LONG));
        newestArrivalLag =
                getRuntimeContext()
                        .getState(new ValueStateDescriptor<>("newest-arrival-lag", Types.LONG));
        nextCheck =
                getRuntimeContext().getState(new ValueStateDescriptor<>("next-check", Types.LONG));
        latestLag = new HashMap<>();
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
        if (nextCheck.value() == null) {
            long next = ctx.timerService().currentProcessingTime() + checkInterval.toMillis();
            ctx.timerService().registerProcessingTimeTimer(next);
            nextCheck.update(next);
        }
    }

    @Override
    public void onTimer(long timestamp, OnTimerContext ctx, Collector<SourceLag> out)
            throws Exception {
        String sourceId = ctx.getCurrentKey();
        long commit = newestCommit.value();
        long lag = tracker.lagAt(timestamp, commit, newestArrivalLag.value());
        if (latestLag.put(sourceId, lag) == null) {
            // First report of this source since the task started (or restored).
            getRuntimeContext()
                    .getMetricGroup()
                    .addGroup("source", sourceId)
                    .gauge("sourceLagMillis", () -> latestLag.get(sourceId));
        }
        out.collect(
                SourceLag.newBuilder()
                        .setSourceId(sourceId)
                        .setLagMillis(lag)
                        .setLastHeartbeat(Instant.ofEpochMilli(commit))
                        .setTime(Instant.ofEpochMilli(timestamp))
                        .build());
        long next = timestamp + checkInterval.toMillis();
        ctx.timerService().registerProcessingTimeTimer(next);
        nextCheck.update(next);
    }
}
