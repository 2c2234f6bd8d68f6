package io.syncline.operators.alert;

import java.io.Serializable;
import java.time.Duration;
import java.util.Collections;
import java.util.Objects;
import java.util.Set;
import java.util.SortedSet;
import java.util.TreeSet;

/**
 * The limits the alert stage holds quality, lag and errors to, with the standards' values as {@link
 * #defaults()}. Shares are fractions (0.95 is 95 %).
 *
 * @param minCompleteness completeness below it is a warning
 * @param minAccuracy accuracy below it is a warning
 * @param minConsistency consistency below it is a warning
 * @param minTimeliness timeliness below it is a warning
 * @param maxErrorRate an error rate above it is a warning
 * @param minChanges a window with fewer validated and delivered changes is not judged on its shares
 *     and error rate: a handful of changes says little about quality
 * @param sourceLagWarning source lag above it is a warning: the backlog is growing
 * @param sourceStalled source lag above it is critical: the source is stalled or unreachable
 * @param criticalErrorCodes error codes of which one occurrence in a window is critical (possible
 *     data loss, security breach); iterated in name order
 * @param rateLimit how long after a condition fired it may not fire again; zero fires every time
 */
public record AlertThresholds(
        double minCompleteness,
        double minAccuracy,
        double minConsistency,
        double minTimeliness,
        double maxErrorRate,
        long minChanges,
        Duration sourceLagWarning,
        Duration sourceStalled,
        Set<String> criticalErrorCodes,
        Duration rateLimit)
        implements Serializable {

    /** Codes that mean data was lost or protected data was exposed to the wrong party. */
    public static final Set<String> DEFAULT_CRITICAL_ERROR_CODES =
            Set.of(
                    "DECRYPT_FAILED",
                    "AUTHORIZATION_FAILED",
                    "KEY_UNAVAILABLE",
                    "WAL_GAP",
                    "SLOT_LOST");

    public AlertThresholds {
        requireShare("minCompleteness", minCompleteness);
        requireShare("minAccuracy", minAccuracy);
        requireShare("minConsistency", minConsistency);
        requireShare("minTimeliness", minTimeliness);
        requireShare("maxErrorRate", maxErrorRate);
        if (minChanges < 0) {
            throw new IllegalArgumentException("minChanges must not be negative: " + minChanges);
        }
        requirePositive("sourceLagWarning", sourceLagWarning);
        requirePositive("sourceStalled", sourceStalled);
        if (sourceStalled.compareTo(sourceLagWarning) < 0) {
            throw new IllegalArgumentException(
                    "sourceStalled ("
                            + sourceStalled
                            + ") must not be shorter than sourceLagWarning ("
                            + sourceLagWarning
                            + ")");
        }
        Objects.requireNonNull(criticalErrorCodes, "criticalErrorCodes");
        SortedSet<String> codes = new TreeSet<>(criticalErrorCodes);
        criticalErrorCodes = Collections.unmodifiableSortedSet(codes);
        Objects.requireNonNull(rateLimit, "rateLimit");
        if (rateLimit.isNegative()) {
            throw new IllegalArgumentException("rateLimit must not be negative: " + rateLimit);
        }
    }

    /**
     * The standards: completeness above 95 %, accuracy above 99 %, consistency above 98 %,
     * timeliness above 95 %, at most 1 % errors; a source 30 s behind is a growing backlog, 5 min
     * behind a stalled source; an alert fires at most once every 15 minutes per condition.
     */
    public static AlertThresholds defaults() {
        return new AlertThresholds(
                0.95,
                0.99,
                0.98,
                0.95,
                0.01,
                1,
                Duration.ofSeconds(30),
                Duration.ofMinutes(5),
                DEFAULT_CRITICAL_ERROR_CODES,
                Duration.ofMinutes(15));
    }

    /** These thresholds with another rate limit. */
    public AlertThresholds withRateLimit(Duration limit) {
        return new AlertThresholds(
                minCompleteness,
                minAccuracy,
                minConsistency,
                minTimeliness,
                maxErrorRate,
                minChanges,
                sourceLagWarning,
                sourceStalled,
                criticalErrorCodes,
                limit);
    }

    private static void requireShare(String name, double share) {
        if (!(share >= 0 && share <= 1)) {
            throw new IllegalArgumentException(
                    name + " is a share between 0 and 1 (0.95 for 95 %), not " + share);
        }
    }

    private static void requirePositive(String name, Duration duration) {
        Objects.requireNonNull(duration, name);
        if (duration.isNegative() || duration.isZero()) {
            throw new IllegalArgumentException(name + " must be positive: " + duration);
        }
    }
}
