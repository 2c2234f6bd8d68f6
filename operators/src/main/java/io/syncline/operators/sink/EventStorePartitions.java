package io.syncline.operators.sink;

import io.syncline.operators.quality.ObservationKeys;
import java.nio.charset.StandardCharsets;
import org.apache.kafka.common.utils.Utils;

/**
 * Which partition of the event topic holds the events of one entity type of one tenant: Kafka's
 * murmur2 hash of the pair, as Kafka's default partitioner hashes a key, modulo the partition
 * count. It depends on nothing but the pair and the count, so it is the same after every restart
 * and at every parallelism, and a replay of one tenant's entity type reads that one partition.
 */
public final class EventStorePartitions {

    private EventStorePartitions() {}

    /** The partition of {@code tenant}'s {@code entityType} among {@code partitions}. */
    public static int of(String tenant, String entityType, int partitions) {
        if (partitions < 1) {
            throw new IllegalArgumentException("a topic has at least one partition");
        }
        byte[] key = ObservationKeys.of(tenant, entityType).getBytes(StandardCharsets.UTF_8);
        return Utils.toPositive(Utils.murmur2(key)) % partitions;
    }
}
