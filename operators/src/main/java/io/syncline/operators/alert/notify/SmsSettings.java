package io.syncline.operators.alert.notify;

import java.io.Serializable;
import java.util.List;
import java.util.Objects;

/**
 * The SMS gateway critical alerts are texted through: it takes {@code {"to": [...], "message":
 * "..."}} as JSON.
 *
 * @param gatewayUrl the gateway's endpoint
 * @param authorization the value of the Authorization header, null if the gateway needs none; never
 *     logged
 * @param to the phone numbers to text, at least one
 */
public record SmsSettings(String gatewayUrl, String authorization, List<String> to)
        implements Serializable {

    public SmsSettings {
        Endpoints.require("sms.gatewayUrl", gatewayUrl);
        Objects.requireNonNull(to, "sms.to");
        if (to.isEmpty()) {
            throw new IllegalArgumentException("sms.to needs at least one phone number");
        }
        to = List.copyOf(to);
    }

    @Override
    public String toString() {
        return "SmsSettings[gatewayUrl="
                + Endpoints.redacted(gatewayUrl)
                + ", authorization="
                + (authorization == null ? null : "<redacted>")
                + ", to="
                + to
                + "]";
    }
}
