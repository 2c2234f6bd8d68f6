package io.syncline.operators.webhook;

import java.io.Serializable;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;

/**
 * How a webhook source's receivers listen and where they land changes.
 *
 * @param sourceId the source's configured id
 * @param host address the receivers bind, e.g. {@code 0.0.0.0}
 * @param port port of the first subtask's receiver; subtask {@code i} listens on {@code port + i}
 * @param path the path changes are POSTed to
 * @param secret the HMAC secret shared with senders
 * @param maxSkew how far a request's signed timestamp may be from the receiver's clock
 * @param topic the landing topic
 * @param kafkaProperties Kafka client settings (bootstrap servers, TLS) of the landing topic
 * @param kafkaTimeout how long a request waits for Kafka before it is answered 503
 * @param maxBodyBytes largest body accepted
 * @param threads requests each receiver handles at once
 * @param receivers how many of the source's subtasks run a receiver: those with an index below it
 */
public record WebhookSettings(
        String sourceId,
        String host,
        int port,
        String path,
        String secret,
        Duration maxSkew,
        String topic,
        Map<String, String> kafkaProperties,
        Duration kafkaTimeout,
        int maxBodyBytes,
        int threads,
        int receivers)
        implements Serializable {

    public WebhookSettings {
        Objects.requireNonNull(secret, "secret");
        kafkaProperties = Map.copyOf(kafkaProperties);
    }

    /** Without the secret, so the settings can be logged. */
    @Override
    public String toString() {
        return "WebhookSettings[sourceId="
                + sourceId
                + ", listen="
                + host
                + ":"
                + port
                + path
                + ", maxSkew="
                + maxSkew
                + ", topic="
                + topic
                + "]";
    }
}
