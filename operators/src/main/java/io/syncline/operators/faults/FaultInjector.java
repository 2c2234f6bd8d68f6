package io.syncline.operators.faults;

import java.util.Objects;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.functions.RichMapFunction;
import org.apache.flink.api.common.state.CheckpointListener;
import org.apache.flink.runtime.state.FunctionInitializationContext;
import org.apache.flink.runtime.state.FunctionSnapshotContext;
import org.apache.flink.streaming.api.checkpoint.CheckpointedFunction;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Passes every record on unchanged and throws an {@link InjectedFault} once, where and when its
 * {@link FaultPlan} says: in processElement, in snapshotState or in notifyCheckpointComplete. Only
 * fault-tolerance tests put it into a job. It keeps no state, so it adds nothing to checkpoints.
 */
public final class FaultInjector<T> extends RichMapFunction<T, T>
        implements CheckpointedFunction, CheckpointListener {

    private static final long serialVersionUID = 1L;

    private static final Logger LOG = LoggerFactory.getLogger(FaultInjector.class);

    private final FaultPlan plan;

    private transient int subtask;
    private transient boolean armed;
    private transient long records;

    public FaultInjector(FaultPlan plan) {
        this.plan = Objects.requireNonNull(plan, "plan");
    }

    @Override
    public void open(OpenContext openContext) {
        subtask = getRuntimeContext().getTaskInfo().getIndexOfThisSubtask();
        armed = plan.armedIn(subtask, getRuntimeContext().getTaskInfo().getAttemptNumber());
        records = 0;
    }

    @Override
    public T map(T record) {
        records++;
        fireAt(FaultPlan.Moment.PROCESS_ELEMENT, records);
        return record;
    }

    @Override
    public void initializeState(FunctionInitializationContext context) {}

    @Override
    public void snapshotState(FunctionSnapshotContext context) {
        fireAt(FaultPlan.Moment.SNAPSHOT_STATE, context.getCheckpointId());
    }

    @Override
    public void notifyCheckpointComplete(long checkpointId) {
        fireAt(FaultPlan.Moment.NOTIFY_CHECKPOINT_COMPLETE, checkpointId);
    }

    private void fireAt(FaultPlan.Moment moment, long reached) {
        if (armed && plan.firesAt(moment, reached)) {
            armed = false;
            InjectedFault fault = new InjectedFault(plan, subtask);
            LOG.warn("{}", fault.getMessage());
            throw fault;
        }
    }
}
