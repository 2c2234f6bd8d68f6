package io.syncline.operators.alert;

import io.syncline.schema.QualityMetrics;
import io.syncline.schema.SourceLag;
import org.apache.flink.api.java.functions.KeySelector;

/**
 * The keys of the {@link AlertFunction}'s two inputs: a tenant's entity type for quality windows, a
 * source for lag readings. The unit separator keeps the two apart and cannot occur in a name.
 */
public final class AlertKeys {

    private static final char SEPARATOR = '\u001f';

    private AlertKeys() {}

    /** Keys quality windows by tenant and entity type. */
    public static KeySelector<QualityMetrics, String> metrics() {
        return new OfMetrics();
    }

    /** Keys source lag readings by source. */
    public static KeySelector<SourceLag, String> sourceLags() {
        return new OfSourceLag();
    }

    /** Tenant and entity type of a quality window. */
    public static final class OfMetrics implements KeySelector<QualityMetrics, String> {

        private static final long serialVersionUID = 1L;

        @Override
        public String getKey(QualityMetrics metrics) {
            return metrics.getTenant() + SEPARATOR + metrics.getEntityType();
        }
    }

    /** The source of a lag reading. */
    public static final class OfSourceLag implements KeySelector<SourceLag, String> {

        private static final long serialVersionUID = 1L;

        @Override
        public String getKey(SourceLag lag) {
            return "source" + SEPARATOR + lag.getSourceId();
        }
    }
}
