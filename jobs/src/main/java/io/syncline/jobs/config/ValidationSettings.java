package io.syncline.jobs.config;

import io.syncline.schema.RuleSetDocument;
import java.time.Duration;
import java.util.Map;

/**
 * How changes are validated before they reach a target.
 *
 * @param rules the rule set in force at start, read from {@code validation.rules}; {@code null} if
 *     none is configured (every change passes until a rule set is published)
 * @param maxParentWait how long a change whose referenced parent is missing waits for it
 * @param maxWaitingChildren how many changes may wait for parents, per tenant
 * @param escalation escalation level (2 to 4) of error codes that differ from the default: 2 (data
 *     steward) for permanent errors, 4 (administrator) for transient ones
 */
public record ValidationSettings(
        RuleSetDocument rules,
        Duration maxParentWait,
        int maxWaitingChildren,
        Map<String, Integer> escalation) {

    public ValidationSettings {
        escalation = Map.copyOf(escalation);
    }
}
