package io.syncline.operators.observe;

/**
 * Judges a source's heartbeat sequence numbers (see {@link Heartbeats}) against the last one
 * delivered. The database raises the number by one with each heartbeat, and the replication slot
 * delivers a row's changes in commit order, so after heartbeat {@code n} comes {@code n + 1}, also
 * after a restore (the checkpointed state and the source's position agree). A lower or equal number
 * is a replay, delivered again around the position the source resumed from; a higher one means the
 * heartbeats in between, and every change committed with them, never arrived. Plain Java.
 */
public final class HeartbeatSequence {

    /** What one heartbeat's number says. */
    public enum Step {
        /** No heartbeat was delivered before (a fresh start): it sets the baseline. */
        FIRST,
        /** The next number: nothing was skipped. */
        NEXT,
        /** Delivered before: the source delivered it again. */
        REPLAY,
        /** Heartbeats between the last one and this one never arrived. */
        GAP
    }

    private HeartbeatSequence() {}

    /**
     * @param last the number of the last heartbeat delivered, null if none was
     * @param sequence the number of the heartbeat that arrived
     */
    public static Step step(Long last, long sequence) {
        if (last == null) {
            return Step.FIRST;
        }
        if (sequence <= last) {
            return Step.REPLAY;
        }
        return sequence == last + 1 ? Step.NEXT : Step.GAP;
    }
}
