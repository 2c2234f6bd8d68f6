package io.syncline.operators.observe;

import io.syncline.operators.validate.ValidationErrors;
import io.syncline.schema.ErrorRecord;
import io.syncline.schema.Observation;
import org.apache.flink.api.common.functions.FlatMapFunction;
import org.apache.flink.util.Collector;

/**
 * Errors of every stage but validation as observations of failures; validation observes its own
 * rejections, with the fields and rules it checked.
 */
public final class FailureObservations implements FlatMapFunction<ErrorRecord, Observation> {

    private static final long serialVersionUID = 1L;

    @Override
    public void flatMap(ErrorRecord error, Collector<Observation> out) {
        if (!ValidationErrors.STAGE.equals(error.getStage())) {
            out.collect(Observations.failed(error));
        }
    }
}
