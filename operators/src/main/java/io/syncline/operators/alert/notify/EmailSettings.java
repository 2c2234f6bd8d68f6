package io.syncline.operators.alert.notify;

import java.io.Serializable;
import java.util.List;
import java.util.Objects;

/**
 * The SMTP server alert emails are sent through, and who gets them.
 *
 * @param host the SMTP server
 * @param port its port, e.g. 587 for submission with STARTTLS
 * @param startTls whether the connection must be upgraded to TLS before logging in
 * @param username the login, null to send without one
 * @param password the login's password, null without a login; never logged
 * @param from the sender address
 * @param to the recipients, at least one
 */
public record EmailSettings(
        String host,
        int port,
        boolean startTls,
        String username,
        String password,
        String from,
        List<String> to)
        implements Serializable {

    public EmailSettings {
        if (host == null || host.isBlank()) {
            throw new IllegalArgumentException("email.host is required");
        }
        if (port < 1 || port > 65_535) {
            throw new IllegalArgumentException("email.port must be between 1 and 65535: " + port);
        }
        if ((username == null) != (password == null)) {
            throw new IllegalArgumentException(
                    "email.username and email.password go together: give both or neither");
        }
        if (from == null || from.isBlank()) {
            throw new IllegalArgumentException("email.from is required");
        }
        Objects.requireNonNull(to, "email.to");
        if (to.isEmpty()) {
            throw new IllegalArgumentException("email.to needs at least one recipient");
        }
        to = List.copyOf(to);
    }

    @Override
    public String toString() {
        return "EmailSettings[host="
                + host
                + ", port="
                + port
                + ", startTls="
                + startTls
                + ", username="
                + username
                + ", password="
                + (password == null ? null : "<redacted>")
                + ", from="
                + from
                + ", to="
                + to
                + "]";
    }
}
