package io.syncline.jobs.config;

import java.time.Duration;

/**
 * Exponential-delay restart strategy: transient faults of external systems are retried by
 * restarting from the last checkpoint with growing pauses.
 */
public record RestartSettings(
        Duration initialBackoff,
        Duration maxBackoff,
        double backoffMultiplier,
        Duration resetBackoffThreshold,
        double jitterFactor) {}
