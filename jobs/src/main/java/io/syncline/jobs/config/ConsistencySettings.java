package io.syncline.jobs.config;

import io.syncline.operators.resolve.ConflictPolicy;
import java.time.Duration;
import java.util.Map;

/**
 * How changes from several sources are made consistent: duplicates dropped, changes of one entity
 * put back in order, and competing versions decided by each entity type's conflict policy.
 *
 * @param dedupTtl how long an event id is remembered to drop duplicates
 * @param maxOutOfOrder how far out of order (in source commit time) changes of one entity may
 *     arrive; changes are held back this long in event time and released in order ({@code 0} = no
 *     holding back, for Postgres sources that deliver in order)
 * @param maxPendingPerEntity changes held back per entity before the oldest is released early
 * @param maxParkedPerEntity changes that may wait behind a parked manual conflict of one entity;
 *     more go to the error queue
 * @param entities the conflict policy of each entity type that does not use last-writer-wins
 */
public record ConsistencySettings(
        Duration dedupTtl,
        Duration maxOutOfOrder,
        int maxPendingPerEntity,
        int maxParkedPerEntity,
        Map<String, ConflictPolicy> entities) {

    public ConsistencySettings {
        entities = Map.copyOf(entities);
    }

    /** The policy of {@code entityType}: the configured one, else last-writer-wins. */
    public ConflictPolicy policyOf(String entityType) {
        ConflictPolicy policy = entities.get(entityType);
        return policy == null ? ConflictPolicy.lastWriterWins() : policy;
    }
}
