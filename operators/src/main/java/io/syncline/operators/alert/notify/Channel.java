package io.syncline.operators.alert.notify;

import java.util.Locale;

/** Where an alert can be sent besides the alerts topic. */
public enum Channel {
    SLACK,
    PAGERDUTY,
    EMAIL,
    SMS;

    /** The channel's name in lower case, as in metric groups and log lines. */
    public String id() {
        return name().toLowerCase(Locale.ROOT);
    }
}
