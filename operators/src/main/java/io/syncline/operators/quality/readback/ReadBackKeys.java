package io.syncline.operators.quality.readback;

import io.syncline.schema.ChangeEvent;
import org.apache.flink.api.java.functions.KeySelector;

/**
 * The read-back key {@code tenant/entityType}: each key's samples are read from one target table,
 * and {@link ReadBackSettings#maxPending} bounds each tenant on its own, so one busy tenant cannot
 * crowd out the samples of the others.
 */
public final class ReadBackKeys implements KeySelector<ChangeEvent, String> {

    private static final long serialVersionUID = 1L;

    @Override
    public String getKey(ChangeEvent change) {
        return change.getTenant() + '/' + change.getEntityType();
    }
}
