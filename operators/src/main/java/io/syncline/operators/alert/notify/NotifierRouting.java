package io.syncline.operators.alert.notify;

import io.syncline.schema.AlertSeverity;
import java.io.Serializable;
import java.util.Collections;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * Which channels the alerts of each severity go to. PagerDuty and SMS wake people up, so they are
 * for critical alerts only.
 *
 * @param channels the channels of each severity; a severity not named goes to no channel
 */
public record NotifierRouting(Map<AlertSeverity, Set<Channel>> channels) implements Serializable {

    /** The channels that page someone, allowed for critical alerts only. */
    public static final Set<Channel> PAGING =
            Collections.unmodifiableSet(EnumSet.of(Channel.PAGERDUTY, Channel.SMS));

    public NotifierRouting {
        Objects.requireNonNull(channels, "channels");
        Map<AlertSeverity, Set<Channel>> copy = new EnumMap<>(AlertSeverity.class);
        for (Map.Entry<AlertSeverity, Set<Channel>> entry : channels.entrySet()) {
            AlertSeverity severity = Objects.requireNonNull(entry.getKey(), "severity");
            Set<Channel> routed = EnumSet.noneOf(Channel.class);
            routed.addAll(entry.getValue());
            if (severity != AlertSeverity.CRITICAL) {
                for (Channel channel : PAGING) {
                    if (routed.contains(channel)) {
                        throw new IllegalArgumentException(
                                "the routing sends "
                                        + severity
                                        + " alerts to "
                                        + channel
                                        + "; "
                                        + PAGING
                                        + " are for CRITICAL alerts only");
                    }
                }
            }
            copy.put(severity, Collections.unmodifiableSet(routed));
        }
        channels = Collections.unmodifiableMap(copy);
    }

    /** Critical alerts to every channel, warnings to Slack and email. */
    public static NotifierRouting defaults() {
        return new NotifierRouting(
                Map.of(
                        AlertSeverity.CRITICAL,
                        EnumSet.allOf(Channel.class),
                        AlertSeverity.WARNING,
                        EnumSet.of(Channel.SLACK, Channel.EMAIL)));
    }

    /** The channels of {@code severity}, in the order of {@link Channel}. */
    public Set<Channel> channelsFor(AlertSeverity severity) {
        return channels.getOrDefault(severity, Set.of());
    }
}
