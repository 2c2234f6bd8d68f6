package io.syncline.jobs.config;

import io.syncline.operators.sink.TargetColumn;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * An HTTP endpoint senders POST signed changes to (type {@code webhook}). Each change is written to
 * the landing topic before the sender gets 202, and the job reads the topic with its offsets in
 * checkpoints, so every acknowledged change is applied once. See docs/sources/webhook.md.
 *
 * @param host address the receivers bind (default {@code 0.0.0.0})
 * @param port port of the first receiver; receiver {@code i} listens on {@code port + i}
 * @param path the path changes are POSTed to (default {@code /webhooks/<id>})
 * @param secret the HMAC-SHA256 secret shared with senders, usually {@code ${ENV_VAR}}
 * @param maxSkew how far a request's {@code X-Syncline-Timestamp} may be from the receiver's clock
 *     (default 5m): older signed requests are refused, so a captured one cannot be replayed later
 * @param topic the landing topic on {@code sinks.kafka}'s cluster (default {@code
 *     syncline.webhook.<id>})
 * @param partitions partitions the landing topic is created with (default 1)
 * @param receivers how many of the source's subtasks run a receiver (default 1); 0 when {@code
 *     syncline webhook} runs the receiver outside the job
 * @param kafkaTimeout how long a request waits for Kafka before it is answered 503 (default 10s)
 * @param maxBodyBytes largest body accepted (default 1 MiB)
 * @param threads requests each receiver handles at once (default 4)
 * @param tables one entry per entity type: {@code table} names the target table, {@code columns}
 *     declares it when it does not exist
 */
public record WebhookSourceConfig(
        String id,
        int priority,
        String host,
        int port,
        String path,
        String secret,
        Duration maxSkew,
        String topic,
        int partitions,
        int receivers,
        Duration kafkaTimeout,
        int maxBodyBytes,
        int threads,
        List<TableMapping> tables,
        Map<String, List<TargetColumn>> declaredColumns)
        implements ChangeSourceConfig {

    public static final String TYPE = WebhookSourceBinder.TYPE;

    public WebhookSourceConfig {
        tables = List.copyOf(tables);
        declaredColumns = Map.copyOf(declaredColumns);
    }

    @Override
    public String type() {
        return TYPE;
    }

    /** Without the secret, so the configuration can be printed. */
    @Override
    public String toString() {
        return "WebhookSourceConfig[id="
                + id
                + ", listen="
                + host
                + ":"
                + port
                + path
                + ", receivers="
                + receivers
                + ", topic="
                + topic
                + ", maxSkew="
                + maxSkew
                + ", tables="
                + tables
                + "]";
    }
}
