package io.syncline.operators.decode;

import io.syncline.operators.errors.ErrorOutputs;
import io.syncline.schema.ChangeEvent;
import io.syncline.schema.ErrorRecord;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.functions.ProcessFunction;
import org.apache.flink.types.Either;
import org.apache.flink.util.Collector;

/** Sends decoded changes on and decode errors to {@link ErrorOutputs#ERRORS}, counting both. */
public final class DecodeRouter
        extends ProcessFunction<Either<ErrorRecord, ChangeEvent>, ChangeEvent> {

    private static final long serialVersionUID = 1L;

    private transient Counter decoded;
    private transient Counter rejected;

    @Override
    public void open(OpenContext openContext) {
        decoded = getRuntimeContext().getMetricGroup().counter("changesDecoded");
        rejected = getRuntimeContext().getMetricGroup().counter("changesRejected");
    }

    @Override
    public void processElement(
            Either<ErrorRecord, ChangeEvent> value, Context ctx, Collector<ChangeEvent> out) {
        if (value.isRight()) {
            decoded.inc();
            out.collect(value.right());
        } else {
            rejected.inc();
            ctx.output(ErrorOutputs.ERRORS, value.left());
        }
    }
}
