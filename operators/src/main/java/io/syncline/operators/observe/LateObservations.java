package io.syncline.operators.observe;

import io.syncline.schema.QualityAccumulator;
import io.syncline.schema.QualityPartial;
import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.api.connector.sink2.SinkWriter;
import org.apache.flink.api.connector.sink2.WriterInitContext;
import org.apache.flink.metrics.Counter;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Where observations too late for their window end (summed per slot by the combiner): counted as
 * {@code lateObservations}, and logged when the count passes each thousand, so a watermark bound
 * set too tight shows up.
 */
public final class LateObservations implements Sink<QualityPartial> {

    private static final long serialVersionUID = 1L;

    private static final Logger LOG = LoggerFactory.getLogger(LateObservations.class);

    @Override
    @Deprecated
    public SinkWriter<QualityPartial> createWriter(InitContext context) {
        throw new UnsupportedOperationException("Flink 1.20 calls createWriter(WriterInitContext)");
    }

    @Override
    public SinkWriter<QualityPartial> createWriter(WriterInitContext context) {
        Counter late = context.metricGroup().counter("lateObservations");
        return new SinkWriter<>() {
            @Override
            public void write(QualityPartial partial, Context ignored) {
                long before = late.getCount();
                late.inc(observations(partial.getSums()));
                if (before / 1000 != late.getCount() / 1000 || before == 0) {
                    LOG.warn(
                            "{} observations came too late for their quality window, e.g. of"
                                    + " tenant {} entity type {}; raise observability.maxDelay or"
                                    + " allowedLateness",
                            late.getCount(),
                            partial.getTenant(),
                            partial.getEntityType());
                }
            }

            @Override
            public void flush(boolean endOfInput) {}

            @Override
            public void close() {}
        };
    }

    /** How many observations {@code sums} holds. */
    static long observations(QualityAccumulator sums) {
        return sums.getValidated()
                + sums.getFailed()
                + sums.getDuplicates()
                + sums.getConflicts()
                + sums.getDelivered()
                + sums.getAgreed()
                + sums.getDiverged();
    }
}
