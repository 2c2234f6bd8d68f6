package io.syncline.operators.observe;

import io.syncline.operators.errors.ErrorCodes;
import java.time.Instant;
import java.util.Objects;

/**
 * Changes a source's replication skipped, found by its heartbeats' sequence numbers or by reading
 * its replication slot: the error code and the message that names the source, the slot, what was
 * lost and the way out. Nothing but a new snapshot brings the changes back. Plain Java.
 *
 * @param code {@link ErrorCodes#WAL_GAP} or {@link ErrorCodes#SLOT_LOST}
 * @param message what was lost, what it means and what to do
 */
public record ReplicationLoss(String code, String message) {

    /** The runbook every message points to. */
    public static final String RUNBOOK = "docs/runbooks/recreate-slot.md";

    private static final String WAY_OUT =
            " The job stops and does not restart by itself: re-create the slot and re-snapshot,"
                    + " see "
                    + RUNBOOK;

    public ReplicationLoss {
        Objects.requireNonNull(code, "code");
        Objects.requireNonNull(message, "message");
    }

    /**
     * Heartbeats after {@code lastDelivered} up to before {@code arrived} never arrived through the
     * source's slot.
     *
     * @param slotName the source's replication slot, null if not known
     * @param lastDelivered the sequence number of the last heartbeat delivered
     * @param lastCommit when that heartbeat was committed, null if unknown
     * @param arrived the sequence number of the heartbeat that arrived after the gap
     * @param arrivedCommit when that heartbeat was committed
     */
    public static ReplicationLoss walGap(
            String sourceId,
            String slotName,
            long lastDelivered,
            Instant lastCommit,
            long arrived,
            Instant arrivedCommit) {
        long firstMissing = lastDelivered + 1;
        long lastMissing = arrived - 1;
        String missing =
                firstMissing == lastMissing
                        ? "heartbeat " + firstMissing + " was"
                        : "heartbeats " + firstMissing + " to " + lastMissing + " were";
        return new ReplicationLoss(
                ErrorCodes.WAL_GAP,
                "source '"
                        + sourceId
                        + "': "
                        + missing
                        + " committed in the source database but never arrived through "
                        + (slotName == null
                                ? "its replication slot"
                                : "replication slot '" + slotName + "'")
                        + ": the slot was dropped and re-created, or lost its WAL, while the job"
                        + " was not reading it. Every change committed between the last position"
                        + " delivered (heartbeat "
                        + lastDelivered
                        + ", committed at "
                        + (lastCommit == null ? "an unknown time" : lastCommit)
                        + ") and heartbeat "
                        + arrived
                        + " (committed at "
                        + arrivedCommit
                        + ") was skipped and cannot be read again, so the targets miss it."
                        + WAY_OUT);
    }

    /** The source's slot is {@link ReplicationSlotProbe.SlotState#MISSING} or {@code LOST}. */
    public static ReplicationLoss slotLost(
            ReplicationSlotProbe.Slot slot, ReplicationSlotProbe.SlotState state) {
        String what =
                switch (state) {
                    case MISSING ->
                            "does not exist any more in " + slot.location() + ": it was dropped";
                    case LOST ->
                            "in "
                                    + slot.location()
                                    + " has lost the WAL it held (wal_status = lost: it fell"
                                    + " further behind than max_slot_wal_keep_size allows)";
                    default -> throw new IllegalArgumentException("no loss: " + state);
                };
        return new ReplicationLoss(
                ErrorCodes.SLOT_LOST,
                "source '"
                        + slot.sourceId()
                        + "': replication slot '"
                        + slot.name()
                        + "' "
                        + what
                        + ". Every change committed since the last position the job confirmed is"
                        + " gone from the WAL and cannot be delivered; a new slot would start at"
                        + " the current position and skip them."
                        + WAY_OUT);
    }
}
