package io.syncline.jobs.config;

import java.time.Duration;

/** Binds a {@code type: webhook} source. */
final class WebhookSourceBinder implements SourceBinder {

    static final String TYPE = "webhook";

    private static final int MIN_SECRET_LENGTH = 16;
    private static final Duration DEFAULT_MAX_SKEW = Duration.ofMinutes(5);
    private static final Duration DEFAULT_KAFKA_TIMEOUT = Duration.ofSeconds(10);
    private static final int DEFAULT_MAX_BODY_BYTES = 1 << 20;

    @Override
    public ChangeSourceConfig bind(ConfigNode node, SourceContext context) {
        String host = node.get("host").text("0.0.0.0");
        int port = node.require("port", "8090").integer(0, 1, 65_535);
        String id = context.id();
        ConfigNode pathNode = node.get("path");
        String path = pathNode.text("/webhooks/" + id);
        if (path != null && !path.startsWith("/")) {
            pathNode.problem("'" + path + "' must start with '/', e.g. /webhooks/" + id);
        }
        ConfigNode secretNode = node.get("secret");
        String secret = secretNode.requiredText("${SHOP_WEBHOOK_SECRET}");
        if (secret != null && secret.length() < MIN_SECRET_LENGTH) {
            secretNode.problem(
                    "is shorter than "
                            + MIN_SECRET_LENGTH
                            + " characters, too easy to guess; generate one with openssl rand"
                            + " -hex 32 and pass it as ${ENV_VAR}");
        }
        ConfigNode maxSkewNode = node.get("maxSkew");
        Duration maxSkew = maxSkewNode.duration(DEFAULT_MAX_SKEW);
        if (maxSkew.isZero()) {
            maxSkewNode.problem("must be longer than 0s, e.g. 5m");
        }
        String topic = node.get("topic").text("syncline.webhook." + id);
        int partitions = node.get("partitions").integer(1, 1, 10_000);
        int receivers = node.get("receivers").integer(1, 0, 1_000);
        ConfigNode timeoutNode = node.get("kafkaTimeout");
        Duration kafkaTimeout = timeoutNode.duration(DEFAULT_KAFKA_TIMEOUT);
        if (kafkaTimeout.isZero()) {
            timeoutNode.problem("must be longer than 0s, e.g. 10s");
        }
        int maxBodyBytes =
                node.get("maxBodyBytes").integer(DEFAULT_MAX_BODY_BYTES, 1, Integer.MAX_VALUE - 1);
        int threads = node.get("threads").integer(4, 1, 1_000);
        SourceContext.Tables tables =
                context.tables(
                        node,
                        "[{table: customers, entityType: customer, primaryKey: [id],"
                                + " tenantColumn: tenant_id, columns: {id: bigint, tenant_id:"
                                + " text, name: text}}]",
                        true);
        node.rejectUnknownKeys();
        return new WebhookSourceConfig(
                id,
                context.priority(),
                host,
                port,
                path,
                secret,
                maxSkew,
                topic,
                partitions,
                receivers,
                kafkaTimeout,
                maxBodyBytes,
                threads,
                tables.mappings(),
                tables.declaredColumns());
    }
}
