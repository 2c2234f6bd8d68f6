package io.syncline.operators.quality;

import java.io.Serializable;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;

/**
 * The sync class and end-to-end latency target of each entity type, with one target for the entity
 * types the configuration does not list. Timeliness counts the deliveries within the target.
 */
public final class LatencyTargets implements Serializable {

    private static final long serialVersionUID = 1L;

    /**
     * The latency target of one entity type.
     *
     * @param syncClass the entity type's sync class
     * @param latency the longest acceptable time from source commit to delivery
     */
    public record Target(SyncClass syncClass, Duration latency) implements Serializable {

        public Target {
            Objects.requireNonNull(syncClass, "syncClass");
            Objects.requireNonNull(latency, "latency");
            if (latency.isNegative()) {
                throw new IllegalArgumentException("latency must not be negative: " + latency);
            }
        }

        /** The class's own target from the standards. */
        public static Target of(SyncClass syncClass) {
            return new Target(syncClass, syncClass.defaultTarget());
        }
    }

    private final Map<String, Target> byEntityType;
    private final Target defaultTarget;

    /**
     * @param byEntityType the targets of the entity types that have their own
     * @param defaults the target of every other entity type
     */
    public LatencyTargets(Map<String, Target> byEntityType, Target defaults) {
        this.byEntityType = Map.copyOf(byEntityType);
        this.defaultTarget = Objects.requireNonNull(defaults, "defaults");
    }

    /** Real-time, 5 s, for every entity type. */
    public static LatencyTargets defaults() {
        return new LatencyTargets(Map.of(), Target.of(SyncClass.REAL_TIME));
    }

    /** The target of {@code entityType}. */
    public Target of(String entityType) {
        return byEntityType.getOrDefault(entityType, defaultTarget);
    }

    /** The latency target of {@code entityType} in milliseconds. */
    public long targetMillis(String entityType) {
        return of(entityType).latency().toMillis();
    }

    /** The target of the entity types not listed. */
    public Target defaultTarget() {
        return defaultTarget;
    }

    /** The entity types with a target of their own. */
    public Map<String, Target> byEntityType() {
        return byEntityType;
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof LatencyTargets that
                && byEntityType.equals(that.byEntityType)
                && defaultTarget.equals(that.defaultTarget);
    }

    @Override
    public int hashCode() {
        return Objects.hash(byEntityType, defaultTarget);
    }

    @Override
    public String toString() {
        return "LatencyTargets{byEntityType=" + byEntityType + ", defaults=" + defaultTarget + "}";
    }
}
