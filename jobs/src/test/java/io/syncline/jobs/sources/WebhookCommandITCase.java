package io.syncline.jobs.sources;

import static org.assertj.core.api.Assertions.assertThat;

import io.syncline.embedded.KafkaExtension;
import io.syncline.jobs.CliRun;
import io.syncline.jobs.TopicReader;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** {@code syncline webhook}: the receivers as a process of their own, writing the landing topic. */
class WebhookCommandITCase {

    private static final String SECRET = "cli-secret-0123456789abcdef";

    @RegisterExtension static final KafkaExtension KAFKA = new KafkaExtension();

    @TempDir Path dir;

    @Test
    void receivesUntilStoppedAndFreesItsPort() throws Exception {
        int port;
        try (ServerSocket free = new ServerSocket(0)) {
            port = free.getLocalPort();
        }
        Path config = config(port);
        AtomicReference<CliRun> run = new AtomicReference<>();
        Thread command = new Thread(() -> run.set(CliRun.of("webhook", "-c", config.toString())));
        command.start();

        WebhookSender sender =
                new WebhookSender(URI.create("http://localhost:" + port + "/in"), SECRET);
        assertThat(
                        sender.send("w-1", "{\"entityType\":\"customer\"}", Duration.ofMinutes(1))
                                .statusCode())
                .isEqualTo(202);
        try (TopicReader reader = new TopicReader(KAFKA.bootstrapServers(), "landing-cli")) {
            assertThat(
                            reader
                                    .readUntil(
                                            read -> !read.isEmpty(),
                                            Duration.ofMinutes(1),
                                            Duration.ZERO)
                                    .stream()
                                    .map(r -> new String(r.key(), StandardCharsets.UTF_8)))
                    .containsExactly("w-1");
        }

        command.interrupt();
        command.join(Duration.ofMinutes(1).toMillis());
        assertThat(run.get().exitCode()).isZero();
        assertThat(run.get().out())
                .isEqualTo(
                        "webhook source shop: listening on 127.0.0.1:"
                                + port
                                + "/in, landing topic landing-cli\n");
        try (ServerSocket again = new ServerSocket(port)) {
            assertThat(again.getLocalPort()).as("the port is free again").isEqualTo(port);
        }
    }

    @Test
    void namesAMissingSource() throws Exception {
        Path config = config(18_099);

        CliRun run = CliRun.of("webhook", "-c", config.toString(), "--source", "crm");

        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.err()).contains(config + " has no webhook source with id 'crm'");
    }

    private Path config(int port) throws Exception {
        Path file = dir.resolve("webhook.yaml");
        Files.writeString(
                file,
                """
                sources:
                  - id: shop
                    type: webhook
                    host: 127.0.0.1
                    port: %d
                    path: /in
                    secret: %s
                    topic: landing-cli
                    receivers: 0
                    tables:
                      - table: customers
                        entityType: customer
                        primaryKey: [id]
                        tenantColumn: tenant_id
                        columns: {id: bigint, tenant_id: text}
                sinks:
                  kafka:
                    bootstrapServers: %s
                  target:
                    url: jdbc:postgresql://localhost:5432/warehouse
                    username: syncline
                """
                        .formatted(port, SECRET, KAFKA.bootstrapServers()));
        return file;
    }
}
