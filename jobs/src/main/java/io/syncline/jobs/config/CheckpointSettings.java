package io.syncline.jobs.config;

import java.time.Duration;

/**
 * Checkpointing: exactly-once delivery commits Kafka transactions on each completed checkpoint, so
 * the interval bounds end-to-end latency.
 *
 * @param interval time between checkpoints
 * @param timeout a checkpoint that takes longer is aborted
 * @param minPause least time between the end of one checkpoint and the start of the next
 * @param directory checkpoint storage URI (e.g. {@code file:///var/lib/syncline/checkpoints})
 */
public record CheckpointSettings(
        Duration interval, Duration timeout, Duration minPause, String directory) {}
