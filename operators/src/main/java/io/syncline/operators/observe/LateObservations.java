package io.syncline.operators.observe;

import io.syncline.schema.Observation;
import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.api.connector.sink2.SinkWriter;
import org.apache.flink.api.connector.sink2.WriterInitContext;
import org.apache.flink.metrics.Counter;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Where observations too late for their window end: counted as {@code lateObservations} per tenant
 * and entity type, and logged once per thousand, so a window bound set too tight shows up.
 */
public final class LateObservations implements Sink<Observation> {

    private static final long serialVersionUID = 1L;

    private static final Logger LOG = LoggerFactory.getLogger(LateObservations.class);

    @Override
    @Deprecated
    public SinkWriter<Observation> createWriter(InitContext context) {
        throw new UnsupportedOperationException("Flink 1.20 calls createWriter(WriterInitContext)");
    }

    @Override
    public SinkWriter<Observation> createWriter(WriterInitContext context) {
        Counter late = context.metricGroup().counter("lateObservations");
        return new SinkWriter<>() {
            @Override
            public void write(Observation observation, Context ignored) {
                late.inc();
                if (late.getCount() % 1000 == 1) {
                    LOG.warn(
                            "{} observations came too late for their quality window, e.g. one of"
                                    + " tenant {} entity type {} committed at {}; raise"
                                    + " observability.maxDelay or allowedLateness",
                            late.getCount(),
                            observation.getTenant(),
                            observation.getEntityType(),
                            observation.getSourceCommitTime());
                }
            }

            @Override
            public void flush(boolean endOfInput) {}

            @Override
            public void close() {}
        };
    }
}
