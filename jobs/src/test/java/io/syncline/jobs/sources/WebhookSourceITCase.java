package io.syncline.jobs.sources;

import static org.assertj.core.api.Assertions.assertThat;

import io.syncline.embedded.KafkaExtension;
import io.syncline.embedded.PostgresExtension;
import io.syncline.jobs.Poll;
import io.syncline.jobs.TableRows;
import io.syncline.jobs.TopicReader;
import io.syncline.jobs.config.ConfigLoader;
import io.syncline.jobs.config.SynclineConfig;
import io.syncline.jobs.wiring.JobEnvironments;
import io.syncline.jobs.wiring.SyncJobFactory;
import io.syncline.schema.ChangeEvent;
import io.syncline.schema.ErrorRecord;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.flink.api.common.JobStatus;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.runtime.executiongraph.AccessExecutionGraph;
import org.apache.flink.runtime.minicluster.MiniCluster;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.InjectMiniCluster;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * A webhook source end to end at parallelism 2 on a MiniCluster, with real HTTP POSTs, a real Kafka
 * broker and a PostgreSQL target: signed changes reach the target, unsigned and malformed requests
 * write nothing, changes that do not fit go to the error queue, and a retried event id is applied
 * once, also across a crash and a restore from a checkpoint while the sender keeps sending.
 */
class WebhookSourceITCase {

    private static final Duration TIMEOUT = Duration.ofMinutes(2);
    private static final String SECRET = "it-secret-0123456789abcdef";
    private static final String COLUMNS = "id, tenant_id, name, balance";
    private static final Instant EPOCH = Instant.parse("2026-11-01T00:00:00Z");

    @RegisterExtension static final PostgresExtension POSTGRES = new PostgresExtension();

    @RegisterExtension static final KafkaExtension KAFKA = new KafkaExtension();

    @RegisterExtension
    static final MiniClusterExtension FLINK =
            new MiniClusterExtension(
                    new MiniClusterResourceConfiguration.Builder()
                            .setNumberTaskManagers(1)
                            .setNumberSlotsPerTaskManager(2)
                            .build());

    @TempDir Path dir;

    private JobClient job;

    /** The target's expected live customers by id: tenant, name, balance. */
    private final TreeMap<Long, List<String>> expected = new TreeMap<>();

    private final AtomicInteger version = new AtomicInteger();

    @AfterEach
    void cancel() throws Exception {
        if (job != null) {
            Poll.cancel(job);
        }
    }

    @Test
    void signedChangesReachTheTargetOnceAndWhatDoesNotFitIsRefusedOrQueued() throws Exception {
        String name = "webhook_happy";
        WebhookSender sender = start(name);

        String first = upsert("e-1", 1, "acme", "Ann", "10.50");
        assertThat(sender.send("e-1", first, TIMEOUT).statusCode()).isEqualTo(202);
        String batch =
                "["
                        + upsert("e-2", 2, "globex", "Bob", "20.00")
                        + ","
                        + upsert("e-3", 3, "acme", "Cid", "30.25")
                        + ","
                        + upsert("e-4", 1, "acme", "Ann B.", "11.00")
                        + "]";
        HttpResponse<String> batchAnswer = sender.send("batch-1", batch, TIMEOUT);
        assertThat(batchAnswer.statusCode()).isEqualTo(202);
        assertThat(batchAnswer.body())
                .isEqualTo("{\"status\":202,\"message\":\"accepted 3 change(s)\"}");
        assertThat(sender.send("e-5", delete("e-5", 3, "acme"), TIMEOUT).statusCode())
                .isEqualTo(202);
        // The sender never saw the 202 of e-1 (say) and sends it again: the resolve stage drops it
        // as a duplicate of an event id it has seen.
        assertThat(sender.send("e-1", first, TIMEOUT).statusCode()).isEqualTo(202);

        HttpResponse<String> forged =
                sender.sendOnce("e-6", upsert("e-6", 9, "acme", "Eve", "0.00"), "not-the-secret");
        assertThat(forged.statusCode()).isEqualTo(401);
        assertThat(forged.body()).contains("the signature does not match the body");
        expected.remove(9L);
        HttpResponse<String> notJson = sender.send("e-7", "{\"entityType\":", TIMEOUT);
        assertThat(notJson.statusCode()).isEqualTo(400);
        assertThat(notJson.body()).contains("the body is not JSON");

        String unknownEntity =
                "{\"eventId\":\"e-8\",\"entityType\":\"invoice\",\"tenant\":\"acme\","
                        + "\"op\":\"upsert\",\"version\":1,\"data\":{\"id\":1}}";
        String noVersion =
                "{\"eventId\":\"e-9\",\"entityType\":\"customer\",\"tenant\":\"acme\","
                        + "\"op\":\"upsert\",\"data\":{\"id\":4}}";
        assertThat(sender.send(null, unknownEntity, TIMEOUT).statusCode()).isEqualTo(202);
        assertThat(sender.send(null, noVersion, TIMEOUT).statusCode()).isEqualTo(202);
        assertThat(
                        sender.send("e-10", upsert("e-10", 5, "umbrella", "Ulf", "1.00"), TIMEOUT)
                                .statusCode())
                .isEqualTo(202);
        expected.remove(5L);

        awaitTargetEqualsExpected(name);
        List<ChangeEvent> changes = readChanges(name, 5);
        assertThat(changes)
                .extracting(ChangeEvent::getSourcePosition)
                .containsExactlyInAnyOrder("e-1", "e-2", "e-3", "e-4", "e-5");
        assertThat(readErrors(name, 3))
                .extracting(ErrorRecord::getCode)
                .containsExactlyInAnyOrder(
                        "WEBHOOK_UNKNOWN_ENTITY", "WEBHOOK_MALFORMED", "UNKNOWN_TENANT");
        try (TopicReader conflicts =
                new TopicReader(KAFKA.bootstrapServers(), "conflicts-" + name)) {
            assertThat(
                            conflicts.readUntil(
                                    read -> !read.isEmpty(), Duration.ofSeconds(3), Duration.ZERO))
                    .as(
                            "the retried e-1 was dropped as a duplicate, not decided as a stale conflict")
                    .isEmpty();
        }
        assertThat(landedKeys(name))
                .as("the landing topic holds the retried e-1 twice, nothing forged or malformed")
                .containsExactly("e-1", "e-2", "e-3", "e-4", "e-5", "e-1", "e-8", "e-9", "e-10");
    }

    @Test
    void everyAcknowledgedChangeIsAppliedOnceAcrossACrashWhileTheSenderRetries(
            @InjectMiniCluster MiniCluster cluster) throws Exception {
        String name = "webhook_crash";
        WebhookSender sender = start(name);
        int total = 150;
        AtomicInteger acknowledged = new AtomicInteger();
        CompletableFuture<Void> sending =
                CompletableFuture.runAsync(
                        () -> {
                            for (int i = 1; i <= total; i++) {
                                // Every tenth change deletes a live customer, the rest upsert.
                                long id = i % 10 == 0 ? liveCustomer() : 1 + i % 20;
                                String body =
                                        i % 10 == 0
                                                ? delete("c-" + i, id, tenantOf(id))
                                                : upsert(
                                                        "c-" + i,
                                                        id,
                                                        tenantOf(id),
                                                        "customer " + i,
                                                        i + ".00");
                                try {
                                    assertThat(sender.send(null, body, TIMEOUT).statusCode())
                                            .isEqualTo(202);
                                } catch (InterruptedException e) {
                                    throw new IllegalStateException(e);
                                }
                                acknowledged.incrementAndGet();
                            }
                        });

        Poll.until(TIMEOUT, "50 changes acknowledged", () -> acknowledged.get() >= 50);
        // Committed in the change topic means a checkpoint completed after them.
        Poll.until(TIMEOUT, "30 changes committed", () -> countChanges(name) >= 30);
        cluster.terminateTaskManager(0).get();
        cluster.startTaskManager();
        sending.get();

        awaitTargetEqualsExpected(name);
        List<ChangeEvent> changes = readChanges(name, total);
        assertThat(changes.stream().map(ChangeEvent::getSourcePosition).distinct())
                .as("each acknowledged change once in the change topic")
                .hasSize(total);
        assertThat(changes).hasSize(total);
        assertThat(sender.retries())
                .as("the sender had to retry while the job restarted")
                .isPositive();
        AccessExecutionGraph graph = cluster.getExecutionGraph(job.getJobID()).get();
        assertThat(graph.getStatusTimestamp(JobStatus.RESTARTING)).isPositive();
        assertThat(graph.getCheckpointStatsSnapshot().getLatestRestoredCheckpoint()).isNotNull();
    }

    /** The live customer with the lowest id. */
    private long liveCustomer() {
        return expected.firstKey();
    }

    private static String tenantOf(long id) {
        return id % 2 == 0 ? "acme" : "globex";
    }

    /** Creates the target database, starts the job and returns a sender to its endpoint. */
    private WebhookSender start(String name) throws Exception {
        POSTGRES.server().createDatabase(name);
        int port;
        try (ServerSocket free = new ServerSocket(0)) {
            port = free.getLocalPort();
        }
        Path file = dir.resolve(name + ".yaml");
        Files.writeString(file, yaml(name, port));
        SynclineConfig config =
                ConfigLoader.load(file, key -> key.equals("IT_SECRET") ? SECRET : null);
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        JobEnvironments.configure(env, config);
        env.getConfig().disableGenericTypes();
        SyncJobFactory.create(config).build(env);
        job = env.executeAsync(config.job().name());
        return new WebhookSender(URI.create("http://localhost:" + port + "/changes"), SECRET);
    }

    private String yaml(String name, int port) {
        return """
                job:
                  name: it-%1$s
                  parallelism: 2
                checkpoints:
                  interval: 1s
                  directory: %2$s
                restart:
                  initialBackoff: 200ms
                  maxBackoff: 2s
                tenants: [acme, globex]
                sources:
                  - id: shop
                    type: webhook
                    port: %3$d
                    path: /changes
                    secret: ${IT_SECRET}
                    topic: landing-%1$s
                    tables:
                      - table: customers
                        entityType: customer
                        primaryKey: [id]
                        tenantColumn: tenant_id
                        columns: {id: bigint, tenant_id: text, name: text, balance: "numeric(12,2)"}
                sinks:
                  kafka:
                    bootstrapServers: %4$s
                    changeTopic: changes-%1$s
                    errorTopic: errors-%1$s
                    conflictTopic: conflicts-%1$s
                    controlTopic: control-%1$s
                    transactionalIdPrefix: it-%1$s
                  target:
                    url: %5$s
                    username: %6$s
                    password: %7$s
                    batchInterval: 100ms
                """
                .formatted(
                        name,
                        dir.resolve("checkpoints-" + name).toUri(),
                        port,
                        KAFKA.bootstrapServers(),
                        POSTGRES.server().jdbcUrl(name),
                        POSTGRES.server().username(),
                        POSTGRES.server().password());
    }

    /** An upsert of customer {@code id}, which the target must then hold. */
    private String upsert(String eventId, long id, String tenant, String name, String balance) {
        int v = version.incrementAndGet();
        if (!tenant.equals("umbrella")) {
            expected.put(id, List.of(Long.toString(id), tenant, name, balance));
        }
        return ("{\"eventId\":\"%s\",\"entityType\":\"customer\",\"tenant\":\"%s\","
                        + "\"op\":\"upsert\",\"version\":%d,\"occurredAt\":\"%s\","
                        + "\"data\":{\"id\":%d,\"name\":\"%s\",\"balance\":\"%s\"}}")
                .formatted(eventId, tenant, v, EPOCH.plusSeconds(v), id, name, balance);
    }

    /** A delete of customer {@code id}, which the target must then not hold. */
    private String delete(String eventId, long id, String tenant) {
        int v = version.incrementAndGet();
        expected.remove(id);
        return ("{\"eventId\":\"%s\",\"entityType\":\"customer\",\"tenant\":\"%s\","
                        + "\"op\":\"delete\",\"version\":%d,\"occurredAt\":\"%s\","
                        + "\"data\":{\"id\":%d}}")
                .formatted(eventId, tenant, v, EPOCH.plusSeconds(v), id);
    }

    private void awaitTargetEqualsExpected(String name) throws Exception {
        List<List<String>> rows = new ArrayList<>(expected.values());
        try {
            Poll.until(TIMEOUT, "target customers of " + name, () -> rows(name).equals(rows));
        } catch (AssertionError timedOut) {
            assertThat(rows(name)).as("target customers").containsExactlyElementsOf(rows);
            throw timedOut;
        }
    }

    private static List<List<String>> rows(String name) throws Exception {
        try (Connection connection = POSTGRES.server().connect(name)) {
            return TableRows.query(
                    connection,
                    "SELECT "
                            + COLUMNS
                            + " FROM customers WHERE NOT _syncline_deleted ORDER BY id");
        }
    }

    private static int countChanges(String name) {
        try (TopicReader reader = new TopicReader(KAFKA.bootstrapServers(), "changes-" + name)) {
            return reader.readUntil(read -> true, Duration.ZERO, Duration.ofMillis(500)).size();
        }
    }

    /** The change topic, read until it holds {@code count} changes and a little longer. */
    private static List<ChangeEvent> readChanges(String name, int count) throws IOException {
        List<ChangeEvent> changes = new ArrayList<>();
        for (ConsumerRecord<byte[], byte[]> record : read("changes-" + name, count)) {
            changes.add(ChangeEvent.getDecoder().decode(ByteBuffer.wrap(record.value())));
        }
        return changes;
    }

    private static List<ErrorRecord> readErrors(String name, int count) throws IOException {
        List<ErrorRecord> errors = new ArrayList<>();
        for (ConsumerRecord<byte[], byte[]> record : read("errors-" + name, count)) {
            errors.add(ErrorRecord.getDecoder().decode(ByteBuffer.wrap(record.value())));
        }
        return errors;
    }

    private static List<String> landedKeys(String name) {
        return read("landing-" + name, 9).stream()
                .map(record -> new String(record.key(), StandardCharsets.UTF_8))
                .toList();
    }

    private static List<ConsumerRecord<byte[], byte[]>> read(String topic, int count) {
        try (TopicReader reader = new TopicReader(KAFKA.bootstrapServers(), topic)) {
            return reader.readUntil(read -> read.size() >= count, TIMEOUT, Duration.ofSeconds(2));
        }
    }
}
