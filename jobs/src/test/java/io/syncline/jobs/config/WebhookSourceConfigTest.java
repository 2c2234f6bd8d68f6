package io.syncline.jobs.config;

import static org.assertj.core.api.Assertions.assertThat;

import io.syncline.operators.sink.TargetColumn;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** How a {@code type: webhook} source binds, its defaults, and what it refuses. */
class WebhookSourceConfigTest {

    private static final String SECRET = "0123456789abcdef0123";

    @TempDir Path directory;

    @Test
    void bindsWithDefaultsAndTheSecretFromTheEnvironment() {
        SynclineConfig config =
                load(
                        """
                          - id: shop
                            type: webhook
                            port: 8090
                            secret: ${SHOP_SECRET}
                            tables:
                              - table: customers
                                entityType: customer
                                primaryKey: [id]
                                tenantColumn: tenant_id
                                columns: {id: bigint, tenant_id: text, name: text}
                        """);

        assertThat(config.sources()).isEmpty();
        WebhookSourceConfig shop = (WebhookSourceConfig) config.changeSources().get(0);
        assertThat(shop)
                .isEqualTo(
                        new WebhookSourceConfig(
                                "shop",
                                0,
                                "0.0.0.0",
                                8090,
                                "/webhooks/shop",
                                SECRET,
                                Duration.ofMinutes(5),
                                "syncline.webhook.shop",
                                1,
                                1,
                                Duration.ofSeconds(10),
                                1 << 20,
                                4,
                                List.of(
                                        new TableMapping(
                                                "customers",
                                                "customer",
                                                List.of("id"),
                                                "tenant_id",
                                                null,
                                                "customers")),
                                java.util.Map.of(
                                        "customer",
                                        List.of(
                                                new TargetColumn("id", "bigint"),
                                                new TargetColumn("tenant_id", "text"),
                                                new TargetColumn("name", "text")))));
        assertThat(shop.toString()).doesNotContain(SECRET);
    }

    @Test
    void bindsEverySetting() {
        WebhookSourceConfig shop =
                (WebhookSourceConfig)
                        load("""
                                          - id: shop
                                            type: webhook
                                            priority: 2
                                            host: 127.0.0.1
                                            port: 9000
                                            path: /in
                                            secret: ${SHOP_SECRET}
                                            maxSkew: 1m
                                            topic: shop.landing
                                            partitions: 3
                                            receivers: 2
                                            kafkaTimeout: 3s
                                            maxBodyBytes: 4096
                                            threads: 8
                                            tables:
                                              - table: customers
                                                entityType: customer
                                                tenant: acme
                                        """)
                                .changeSources()
                                .get(0);

        assertThat(
                        List.of(
                                shop.priority(),
                                shop.host(),
                                shop.port(),
                                shop.path(),
                                shop.maxSkew(),
                                shop.topic(),
                                shop.partitions(),
                                shop.receivers(),
                                shop.kafkaTimeout(),
                                shop.maxBodyBytes(),
                                shop.threads()))
                .containsExactly(
                        2,
                        "127.0.0.1",
                        9000,
                        "/in",
                        Duration.ofMinutes(1),
                        "shop.landing",
                        3,
                        2,
                        Duration.ofSeconds(3),
                        4096,
                        8);
        assertThat(shop.declaredColumns()).isEmpty();
    }

    @Test
    void refusesWhatCannotWork() {
        ConfigException e =
                failure(
                        """
                          - id: shop
                            type: webhook
                            path: changes
                            secret: short
                            maxSkew: 0s
                            tables:
                              - table: customers
                                entityType: customer
                                tenantColumn: tenant_id
                            slotName: x
                        """);

        assertThat(ConfigFiles.problem(e, "sources[0].port")).contains("8090");
        assertThat(ConfigFiles.problem(e, "sources[0].path"))
                .isEqualTo("'changes' must start with '/', e.g. /webhooks/shop");
        assertThat(ConfigFiles.problem(e, "sources[0].secret"))
                .isEqualTo(
                        "is shorter than 16 characters, too easy to guess; generate one with"
                                + " openssl rand -hex 32 and pass it as ${ENV_VAR}");
        assertThat(ConfigFiles.problem(e, "sources[0].maxSkew"))
                .isEqualTo("must be longer than 0s, e.g. 5m");
        assertThat(ConfigFiles.problem(e, "sources[0].slotName")).contains("unknown");
    }

    private SynclineConfig load(String sources) {
        return ConfigFiles.load(
                directory,
                "sources:\n" + sources + ConfigFiles.SINKS,
                name -> name.equals("SHOP_SECRET") ? SECRET : null);
    }

    private ConfigException failure(String sources) {
        return ConfigFiles.failure(directory, "sources:\n" + sources + ConfigFiles.SINKS);
    }
}
