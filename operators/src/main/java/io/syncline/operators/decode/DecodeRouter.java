package io.syncline.operators.decode;

import io.syncline.operators.errors.ErrorOutputs;
import io.syncline.operators.observe.Heartbeats;
import io.syncline.operators.observe.ObservationOutputs;
import io.syncline.operators.observe.Observations;
import io.syncline.schema.ChangeEvent;
import io.syncline.schema.ErrorRecord;
import org.apache.flink.api.common.accumulators.LongCounter;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.functions.ProcessFunction;
import org.apache.flink.types.Either;
import org.apache.flink.util.Collector;

/**
 * Sends decoded changes on, decode errors to {@link ErrorOutputs#ERRORS} and source heartbeats to
 * {@link ObservationOutputs#OBSERVATIONS}, counting changes and errors as metrics, and every
 * captured change in the job-wide accumulator {@value #CAPTURED_ACCUMULATOR} (and every rejected
 * one in {@value #REJECTED_ACCUMULATOR}).
 */
public final class DecodeRouter
        extends ProcessFunction<Either<ErrorRecord, ChangeEvent>, ChangeEvent> {

    /** Accumulator of changes captured by all sources, decoded or rejected. */
    public static final String CAPTURED_ACCUMULATOR = "syncline-changes-captured";

    /** Accumulator of captured records that could not be decoded (sent to the error queue). */
    public static final String REJECTED_ACCUMULATOR = "syncline-changes-rejected";

    private static final long serialVersionUID = 1L;

    private transient Counter decoded;
    private transient Counter rejected;
    private transient LongCounter captured;
    private transient LongCounter rejectedTotal;

    @Override
    public void open(OpenContext openContext) {
        decoded = getRuntimeContext().getMetricGroup().counter("changesDecoded");
        rejected = getRuntimeContext().getMetricGroup().counter("changesRejected");
        captured = new LongCounter();
        getRuntimeContext().addAccumulator(CAPTURED_ACCUMULATOR, captured);
        rejectedTotal = new LongCounter();
        getRuntimeContext().addAccumulator(REJECTED_ACCUMULATOR, rejectedTotal);
    }

    @Override
    public void processElement(
            Either<ErrorRecord, ChangeEvent> value, Context ctx, Collector<ChangeEvent> out) {
        if (value.isRight()) {
            ChangeEvent change = value.right();
            if (Heartbeats.isHeartbeat(change)) {
                heartbeat(change, ctx);
                return;
            }
            captured.add(1L);
            decoded.inc();
            out.collect(change);
        } else {
            captured.add(1L);
            rejectedTotal.add(1L);
            rejected.inc();
            ctx.output(ErrorOutputs.ERRORS, value.left());
        }
    }

    /**
     * A heartbeat goes to the observations only. Sources sharing a database see each other's
     * heartbeat rows; each counts only its own.
     */
    private void heartbeat(ChangeEvent change, Context ctx) {
        if (change.getEntityId().equals(change.getSourceId())) {
            ctx.output(
                    ObservationOutputs.OBSERVATIONS,
                    Observations.heartbeat(
                            change.getSourceId(),
                            change.getSourceCommitTime(),
                            Heartbeats.sequenceOf(change),
                            ctx.timerService().currentProcessingTime()));
        }
    }
}
