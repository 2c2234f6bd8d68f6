package io.syncline.operators.faults;

import java.io.Serializable;
import java.util.Objects;

/**
 * Where and when a fault-tolerance test makes the job fail, once per run: in subtask 0, in the
 * first attempt of its task. Later attempts (the job restarted, from the fault or anything else)
 * never fire, so the job recovers instead of failing in a loop, without any state or JVM-wide flag
 * that would have to survive the restart.
 *
 * @param moment where in the operator's life the fault fires
 * @param at the number of records (for {@link Moment#PROCESS_ELEMENT}) or the checkpoint id at
 *     which it fires; a checkpoint fault fires at the first checkpoint with at least this id, in
 *     case that checkpoint never reaches the operator
 */
public record FaultPlan(Moment moment, long at) implements Serializable {

    private static final long serialVersionUID = 1L;

    /** Where in the operator's life a fault fires. */
    public enum Moment {
        /** Handling the {@code at}-th record. */
        PROCESS_ELEMENT("processElement of record %d"),
        /** Taking the operator's part of checkpoint {@code at}. */
        SNAPSHOT_STATE("snapshotState of checkpoint %d"),
        /** Being told that checkpoint {@code at} is complete. */
        NOTIFY_CHECKPOINT_COMPLETE("notifyCheckpointComplete of checkpoint %d");

        private final String description;

        Moment(String description) {
            this.description = description;
        }
    }

    public FaultPlan {
        Objects.requireNonNull(moment, "moment");
        if (at < 1) {
            throw new IllegalArgumentException("a fault fires at record or checkpoint 1 or later");
        }
    }

    /** Fails in processElement of the {@code records}-th record. */
    public static FaultPlan afterRecords(long records) {
        return new FaultPlan(Moment.PROCESS_ELEMENT, records);
    }

    /** Fails in snapshotState of checkpoint {@code checkpointId}. */
    public static FaultPlan inSnapshotOf(long checkpointId) {
        return new FaultPlan(Moment.SNAPSHOT_STATE, checkpointId);
    }

    /** Fails in notifyCheckpointComplete of checkpoint {@code checkpointId}. */
    public static FaultPlan onCompletionOf(long checkpointId) {
        return new FaultPlan(Moment.NOTIFY_CHECKPOINT_COMPLETE, checkpointId);
    }

    /**
     * Whether the instance {@code subtask} of the operator, in its task's {@code attempt}, fires.
     */
    public boolean armedIn(int subtask, int attempt) {
        return subtask == 0 && attempt == 0;
    }

    /**
     * Whether an armed instance fires at {@code moment}, having seen {@code reached} records or
     * reached checkpoint {@code reached}.
     */
    public boolean firesAt(Moment moment, long reached) {
        return moment == this.moment && reached >= at;
    }

    @Override
    public String toString() {
        return moment.description.formatted(at);
    }
}
