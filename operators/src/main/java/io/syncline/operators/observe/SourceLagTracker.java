package io.syncline.operators.observe;

import java.time.Duration;

/**
 * How far behind a source is, from its heartbeats. A heartbeat is committed every interval, so at
 * any moment the newest one seen should be at most one interval (plus the pipeline's own delay)
 * old; whatever exceeds that is lag. Between heartbeats the lag keeps rising on its own, so a
 * stalled source shows up as rising lag instead of silence. Plain Java.
 */
public final class SourceLagTracker {

    private final long intervalMillis;

    /**
     * @param heartbeatInterval how often the source commits a heartbeat
     */
    public SourceLagTracker(Duration heartbeatInterval) {
        this.intervalMillis = heartbeatInterval.toMillis();
    }

    /**
     * The lag at {@code now}: the newest heartbeat's own delay (arrival minus commit), or, if
     * larger, the time since it was committed less one interval.
     *
     * @param newestCommit commit time of the newest heartbeat seen
     * @param newestArrivalLag how long after its commit that heartbeat arrived
     */
    public long lagAt(long now, long newestCommit, long newestArrivalLag) {
        long overdue = now - newestCommit - intervalMillis;
        return Math.max(0, Math.max(newestArrivalLag, overdue));
    }
}
