package io.syncline.operators.quality;

import java.time.Duration;
import java.util.Optional;

/**
 * How fast an entity type must reach its targets, with the end-to-end latency target the data
 * standards set for each class.
 */
public enum SyncClass {
    REAL_TIME("real-time", Duration.ofSeconds(5)),
    NEAR_REAL_TIME("near-real-time", Duration.ofSeconds(30)),
    BATCH("batch", Duration.ofHours(1));

    private final String configName;
    private final Duration defaultTarget;

    SyncClass(String configName, Duration defaultTarget) {
        this.configName = configName;
        this.defaultTarget = defaultTarget;
    }

    /** The name used in configuration files and in the quality metrics. */
    public String configName() {
        return configName;
    }

    /** The standards' latency target of the class, used when the configuration sets none. */
    public Duration defaultTarget() {
        return defaultTarget;
    }

    /** The class with {@code configName}, or empty for a name that is not one. */
    public static Optional<SyncClass> parse(String configName) {
        for (SyncClass syncClass : values()) {
            if (syncClass.configName.equals(configName)) {
                return Optional.of(syncClass);
            }
        }
        return Optional.empty();
    }
}
