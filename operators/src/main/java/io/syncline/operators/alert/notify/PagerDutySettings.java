package io.syncline.operators.alert.notify;

import java.io.Serializable;

/**
 * Where PagerDuty alerts go: the Events API v2 and the routing key of the service to page.
 *
 * @param eventsUrl the Events API endpoint, {@value #DEFAULT_EVENTS_URL} when null
 * @param routingKey the integration key of the service; it is a credential, so it is never logged
 */
public record PagerDutySettings(String eventsUrl, String routingKey) implements Serializable {

    /** PagerDuty's Events API v2. */
    public static final String DEFAULT_EVENTS_URL = "https://events.pagerduty.com/v2/enqueue";

    public PagerDutySettings {
        if (eventsUrl == null) {
            eventsUrl = DEFAULT_EVENTS_URL;
        }
        Endpoints.require("pagerDuty.eventsUrl", eventsUrl);
        if (routingKey == null || routingKey.isBlank()) {
            throw new IllegalArgumentException(
                    "pagerDuty.routingKey is required: the integration key of the PagerDuty"
                            + " service to page");
        }
    }

    /** PagerDuty's own Events API with {@code routingKey}. */
    public PagerDutySettings(String routingKey) {
        this(DEFAULT_EVENTS_URL, routingKey);
    }

    @Override
    public String toString() {
        return "PagerDutySettings[eventsUrl="
                + Endpoints.redacted(eventsUrl)
                + ", routingKey=<redacted>]";
    }
}
