package io.syncline.operators.decode;

import io.syncline.operators.errors.ErrorOutputs;
import io.syncline.schema.ChangeEvent;
import io.syncline.schema.ErrorRecord;
import org.apache.flink.api.common.accumulators.LongCounter;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.functions.ProcessFunction;
import org.apache.flink.types.Either;
import org.apache.flink.util.Collector;

/**
 * Sends decoded changes on and decode errors to {@link ErrorOutputs#ERRORS}, counting both as
 * metrics, and every captured change in the job-wide accumulator {@value #CAPTURED_ACCUMULATOR}.
 */
public final class DecodeRouter
        extends ProcessFunction<Either<ErrorRecord, ChangeEvent>, ChangeEvent> {

    /** Accumulator of changes captured by all sources, decoded or rejected. */
    public static final String CAPTURED_ACCUMULATOR = "syncline-changes-captured";

    private static final long serialVersionUID = 1L;

    private transient Counter decoded;
    private transient Counter rejected;
    private transient LongCounter captured;

    @Override
    public void open(OpenContext openContext) {
        decoded = getRuntimeContext().getMetricGroup().counter("changesDecoded");
        rejected = getRuntimeContext().getMetricGroup().counter("changesRejected");
        captured = new LongCounter();
        getRuntimeContext().addAccumulator(CAPTURED_ACCUMULATOR, captured);
    }

    @Override
    public void processElement(
            Either<ErrorRecord, ChangeEvent> value, Context ctx, Collector<ChangeEvent> out) {
        captured.add(1L);
        if (value.isRight()) {
            decoded.inc();
            out.collect(value.right());
        } else {
            rejected.inc();
            ctx.output(ErrorOutputs.ERRORS, value.left());
        }
    }
}
