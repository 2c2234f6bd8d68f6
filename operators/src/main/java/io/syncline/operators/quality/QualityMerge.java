package io.syncline.operators.quality;

import io.syncline.schema.QualityAccumulator;
import io.syncline.schema.QualityPartial;
import org.apache.flink.api.common.functions.AggregateFunction;

/**
 * The quality windows' aggregate over the partial sums of {@link QualityCombiner}: each partial is
 * merged into the window's sums as {@link QualityAggregate#merge} merges sessions.
 */
public final class QualityMerge
        implements AggregateFunction<QualityPartial, QualityAccumulator, QualityAccumulator> {

    private static final long serialVersionUID = 1L;

    private final QualityAggregate aggregate;

    public QualityMerge(LatencyTargets targets) {
        this.aggregate = new QualityAggregate(targets);
    }

    @Override
    public QualityAccumulator createAccumulator() {
        return aggregate.createAccumulator();
    }

    @Override
    public QualityAccumulator add(QualityPartial partial, QualityAccumulator sums) {
        return aggregate.merge(sums, partial.getSums());
    }

    @Override
    public QualityAccumulator getResult(QualityAccumulator sums) {
        return sums;
    }

    @Override
    public QualityAccumulator merge(QualityAccumulator a, QualityAccumulator b) {
        return aggregate.merge(a, b);
    }
}
