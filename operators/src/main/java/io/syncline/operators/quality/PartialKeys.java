package io.syncline.operators.quality;

import io.syncline.schema.QualityPartial;
import org.apache.flink.api.java.functions.KeySelector;

/** Keys partial sums by tenant and entity type, as {@link ObservationKeys} keys observations. */
public final class PartialKeys implements KeySelector<QualityPartial, String> {

    private static final long serialVersionUID = 1L;

    @Override
    public String getKey(QualityPartial partial) {
        return ObservationKeys.of(partial.getTenant(), partial.getEntityType());
    }
}
