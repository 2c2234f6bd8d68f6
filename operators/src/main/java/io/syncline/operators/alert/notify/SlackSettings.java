package io.syncline.operators.alert.notify;

import java.io.Serializable;

/**
 * Where Slack alerts go: an incoming webhook of the channel that should see them.
 *
 * @param webhookUrl the webhook's URL; it is a credential, so it is never logged
 */
public record SlackSettings(String webhookUrl) implements Serializable {

    public SlackSettings {
        Endpoints.require("slack.webhookUrl", webhookUrl);
    }

    @Override
    public String toString() {
        return "SlackSettings[webhookUrl=" + Endpoints.redacted(webhookUrl) + "]";
    }
}
