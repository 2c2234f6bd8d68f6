package io.syncline.jobs.config;

import io.syncline.operators.alert.notify.NotifierSettings;
import java.time.Duration;
import java.util.Set;

/**
 * Where alerts go and how often: the error codes that are critical on sight, the rate limit per
 * condition, and the notifier channels with their routing by severity, retries and limits.
 *
 * @param criticalErrorCodes error codes of which one occurrence in a window raises a critical alert
 * @param rateLimit how long after a condition fired it may not fire again
 * @param notifiers Slack, PagerDuty, email and SMS, with routing, retries and limits
 */
public record AlertSettings(
        Set<String> criticalErrorCodes, Duration rateLimit, NotifierSettings notifiers) {

    public AlertSettings {
        criticalErrorCodes = Set.copyOf(criticalErrorCodes);
    }
}
