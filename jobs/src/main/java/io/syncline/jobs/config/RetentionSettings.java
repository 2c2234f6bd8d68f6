package io.syncline.jobs.config;

import java.time.Duration;
import java.util.Objects;

/**
 * How long Syncline keeps what it writes, per class of record; each period applies to the class's
 * topic ({@code retention.ms}, set when the job creates the topic and at every start) and to its
 * table ({@code syncline cleanup}). The standards require seven years for changes and the audit
 * trail.
 *
 * @param changes the change topic
 * @param audit the audit topic and table
 * @param errors the error topic, and the errors table's handled errors (open ones stay)
 * @param conflicts the conflict topic, and the conflicts table's decided conflicts (parked ones
 *     stay)
 * @param quality the quality topic and the quality metrics table
 * @param alerts the alerts topic, and the alerts table's resolved alerts (firing ones stay)
 * @param alterExistingTopics whether the job sets {@code retention.ms} of topics that exist when it
 *     starts; off where topics are managed elsewhere, the job then only creates missing ones
 */
public record RetentionSettings(
        Duration changes,
        Duration audit,
        Duration errors,
        Duration conflicts,
        Duration quality,
        Duration alerts,
        boolean alterExistingTopics) {

    public static final Duration DEFAULT_CHANGES = Duration.ofDays(7 * 365);
    public static final Duration DEFAULT_AUDIT = Duration.ofDays(7 * 365);
    public static final Duration DEFAULT_ERRORS = Duration.ofDays(90);
    public static final Duration DEFAULT_CONFLICTS = Duration.ofDays(365);
    public static final Duration DEFAULT_QUALITY = Duration.ofDays(400);
    public static final Duration DEFAULT_ALERTS = Duration.ofDays(365);

    /** The periods the standards ask for, applied to existing topics too. */
    public static final RetentionSettings DEFAULTS =
            new RetentionSettings(
                    DEFAULT_CHANGES,
                    DEFAULT_AUDIT,
                    DEFAULT_ERRORS,
                    DEFAULT_CONFLICTS,
                    DEFAULT_QUALITY,
                    DEFAULT_ALERTS,
                    true);

    public RetentionSettings {
        Objects.requireNonNull(changes, "changes");
        Objects.requireNonNull(audit, "audit");
        Objects.requireNonNull(errors, "errors");
        Objects.requireNonNull(conflicts, "conflicts");
        Objects.requireNonNull(quality, "quality");
        Objects.requireNonNull(alerts, "alerts");
    }
}
