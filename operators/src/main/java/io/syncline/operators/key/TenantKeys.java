package io.syncline.operators.key;

import io.syncline.schema.ChangeEvent;
import org.apache.flink.api.java.functions.KeySelector;

/**
 * The tenant of a change: validation keys by it, because referential integrity must see every
 * entity of a tenant in one place. One tenant's changes keep their order through it.
 */
public final class TenantKeys implements KeySelector<ChangeEvent, String> {

    private static final long serialVersionUID = 1L;

    @Override
    public String getKey(ChangeEvent event) {
        return event.getTenant();
    }
}
