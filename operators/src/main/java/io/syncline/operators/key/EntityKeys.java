package io.syncline.operators.key;

import io.syncline.schema.ChangeEvent;
import org.apache.flink.api.java.functions.KeySelector;

/**
 * The entity key {@code tenant/entityType/entityId}: per-entity operators key by it and Kafka
 * records carry it as their key, so the order of one entity's changes holds end to end.
 */
public final class EntityKeys implements KeySelector<ChangeEvent, String> {

    private static final long serialVersionUID = 1L;

    /** The key of {@code event}. */
    public static String of(ChangeEvent event) {
        return of(event.getTenant(), event.getEntityType(), event.getEntityId());
    }

    /** The key of an entity. */
    public static String of(String tenant, String entityType, String entityId) {
        return tenant + '/' + entityType + '/' + entityId;
    }

    @Override
    public String getKey(ChangeEvent event) {
        return of(event);
    }
}
