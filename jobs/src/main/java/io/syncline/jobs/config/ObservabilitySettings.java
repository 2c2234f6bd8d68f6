package io.syncline.jobs.config;

import io.syncline.operators.alert.AlertThresholds;
import io.syncline.operators.quality.LatencyTargets;
import io.syncline.operators.quality.QualityWindows;
import java.time.Duration;

/**
 * How Syncline watches itself: quality and lag windows per tenant and entity type, the sync class
 * (latency target) of each entity type, the thresholds alerts fire at, source heartbeats, read-back
 * sampling of the targets, and the Prometheus endpoint of local runs.
 *
 * @param enabled whether the job measures quality at all
 * @param window the kind and size of the quality windows
 * @param maxDelay how far behind the newest source commit time an observation may arrive and still
 *     be in its window when it first closes (the watermark's bound)
 * @param allowedLateness how much later still an observation updates its window (the window's row
 *     is written again); later ones are counted and dropped
 * @param latencyTargets the sync class and end-to-end latency target of each entity type
 * @param thresholds the quality, lag and error thresholds, and the alert rate limit
 * @param heartbeat the idle-source heartbeat
 * @param readBackSampleRate share of delivered changes read back from the target to measure
 *     consistency; 0 turns read-back off
 * @param readBackDelay how long after its commit (in event time) a sampled change is read back
 * @param prometheusPort port of the Prometheus endpoint when the job runs on a local cluster (the
 *     demo, {@code syncline run} without a cluster); 0 turns it off. A cluster sets its reporter in
 *     its own Flink configuration.
 */
public record ObservabilitySettings(
        boolean enabled,
        QualityWindows.WindowSpec window,
        Duration maxDelay,
        Duration allowedLateness,
        LatencyTargets latencyTargets,
        AlertThresholds thresholds,
        HeartbeatSettings heartbeat,
        double readBackSampleRate,
        Duration readBackDelay,
        int prometheusPort) {}
