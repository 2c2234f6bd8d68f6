package io.syncline.jobs.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.syncline.embedded.DeltaApiStandIn;
import io.syncline.embedded.DeltaApiStandIn.Fault;
import io.syncline.embedded.KafkaExtension;
import io.syncline.embedded.PostgresExtension;
import io.syncline.jobs.Poll;
import io.syncline.jobs.TableRows;
import io.syncline.jobs.TopicReader;
import io.syncline.jobs.config.ConfigLoader;
import io.syncline.jobs.config.SynclineConfig;
import io.syncline.jobs.wiring.JobEnvironments;
import io.syncline.jobs.wiring.SyncJobFactory;
import io.syncline.operators.errors.ErrorCodes;
import io.syncline.operators.key.EntityKeys;
import io.syncline.schema.ChangeEvent;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.apache.flink.api.common.JobID;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.runtime.jobgraph.SavepointRestoreSettings;
import org.apache.flink.runtime.minicluster.MiniCluster;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.graph.StreamGraph;
import org.apache.flink.test.junit5.InjectMiniCluster;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The HTTP delta source end to end: a stand-in API's changes reach the target tables exactly once
 * while its tokens expire, it answers 429 and 503, its outage fails the job (which restarts from
 * its checkpoint) and the job is cancelled and started again from its retained checkpoint while the
 * API keeps changing; a malformed item lands in the errors table; a refused client secret fails the
 * job naming the setting.
 */
class HttpSourceITCase {

    @RegisterExtension static final PostgresExtension POSTGRES = new PostgresExtension();

    @RegisterExtension static final KafkaExtension KAFKA = new KafkaExtension();

    @RegisterExtension
    static final MiniClusterExtension FLINK =
            new MiniClusterExtension(
                    new MiniClusterResourceConfiguration.Builder()
                            .setNumberTaskManagers(1)
                            .setNumberSlotsPerTaskManager(2)
                            .build());

    private static final Duration TIMEOUT = Duration.ofMinutes(2);
    private static final String CLIENT_ID = "syncline";
    private static final String SECRET = "s3cret";
    private static final List<String> TENANTS = List.of("acme", "globex");
    private static final Instant START = Instant.parse("2026-11-26T08:00:00Z");

    @TempDir Path dir;

    /** What the API said last about each customer: null once deleted. */
    private final Map<Long, List<String>> customers = new TreeMap<>();

    /** Notes are only ever created or updated. */
    private final Map<Long, List<String>> notes = new TreeMap<>();

    /** The changes the API listed, per entity key: each must reach the change topic once. */
    private final Map<String, Integer> changesPerKey = new LinkedHashMap<>();

    private final Map<String, Long> versions = new LinkedHashMap<>();
    private final Random random = new Random(11);
    private long tick;
    private int customerItems;

    @Test
    void changesArriveExactlyOnceThroughExpiredTokensRateLimitsAFailureAndARestore(
            @InjectMiniCluster MiniCluster cluster) throws Exception {
        String name = "http_exactly_once";
        POSTGRES.createDatabase(name);
        try (DeltaApiStandIn api = new DeltaApiStandIn(CLIENT_ID, SECRET, 3600)) {
            SynclineConfig config = ConfigLoader.load(writeConfig(name, api, SECRET));
            change(api, 30);
            // Read in the page that starts at the last full page's end.
            String malformedPage = "/customers@c" + customerItems / 5 * 5;
            api.appendRaw("/customers", "{\"tenant\":\"acme\",\"name\":\"no id\",\"version\":1}");

            JobClient first = start(config, null);
            awaitTarget(name, "the first changes");
            awaitCheckpoint(cluster, first.getJobID());

            // Tokens expire and the API rate-limits and falters mid-run: refreshed and retried.
            api.expireTokens();
            api.fail(Fault.tooManyRequests("1"), Fault.unavailable());
            change(api, 20);
            awaitTarget(name, "the changes after the tokens expired");
            assertThat(api.unauthorized()).as("requests refused for an expired token").isPositive();
            assertThat(api.tokensIssued()).isGreaterThanOrEqualTo(2);
            assertThat(api.faultsServed(429)).isEqualTo(1);
            assertThat(cluster.getExecutionGraph(first.getJobID()).get().getFailureInfo())
                    .as("a failure of the job before the outage")
                    .isNull();

            // An outage longer than the retries fail the job; it restarts from its checkpoint.
            awaitCheckpoint(cluster, first.getJobID());
            api.fail(Stream.generate(Fault::unavailable).limit(6).toArray(Fault[]::new));
            change(api, 20);
            Poll.until(
                    TIMEOUT,
                    "the job to restart after the outage",
                    () ->
                            cluster.getExecutionGraph(first.getJobID()).get().getFailureInfo()
                                    != null);
            assertThat(
                            cluster.getExecutionGraph(first.getJobID())
                                    .get()
                                    .getFailureInfo()
                                    .getExceptionAsString())
                    .contains("failed 3 times, last: HTTP 503")
                    .contains("retry.maxAttempts");
            awaitTarget(name, "the changes after the outage");

            // Cancelled mid-stream; the API keeps changing while the job is gone.
            awaitCheckpoint(cluster, first.getJobID());
            change(api, 15);
            Poll.cancel(first);
            change(api, 15);
            Path checkpoint = latestCheckpoint(first.getJobID());
            int requestsBefore = api.requestedCursors().size();
            JobClient second = start(config, checkpoint);
            try {
                awaitTarget(name, "the changes after the restore");
                assertThat(api.requestedCursors().subList(requestsBefore, requestsBefore + 2))
                        .as("the restored job's first requests")
                        .allSatisfy(request -> assertThat(request).doesNotEndWith("@-"));
                change(api, 10);
                awaitTarget(name, "the changes of the restored job");
                // Before the cancel: the topic's last changes commit with the next checkpoint.
                assertChangeTopicHoldsEachChangeOnce(name);
            } finally {
                Poll.cancel(second);
            }

            try (Connection target = POSTGRES.connect(name)) {
                assertThat(
                                TableRows.query(
                                        target,
                                        "SELECT code, source_position, payload FROM"
                                                + " syncline_errors"))
                        .containsExactly(
                                List.of(
                                        ErrorCodes.HTTP_MALFORMED_ITEM,
                                        malformedPage,
                                        "{\"tenant\":\"acme\",\"name\":\"no id\",\"version\":1}"));
            }
        }
    }

    @Test
    void aRefusedClientSecretFailsTheJobNamingTheSetting(@InjectMiniCluster MiniCluster cluster)
            throws Exception {
        String name = "http_bad_secret";
        POSTGRES.createDatabase(name);
        try (DeltaApiStandIn api = new DeltaApiStandIn(CLIENT_ID, SECRET, 3600)) {
            SynclineConfig config = ConfigLoader.load(writeConfig(name, api, "not-the-secret"));
            JobClient job = start(config, null);
            try {
                Poll.until(
                        TIMEOUT,
                        "the job to fail",
                        () ->
                                cluster.getExecutionGraph(job.getJobID()).get().getFailureInfo()
                                        != null);
                assertThat(
                                cluster.getExecutionGraph(job.getJobID())
                                        .get()
                                        .getFailureInfo()
                                        .getExceptionAsString())
                        .contains(
                                "the token endpoint "
                                        + api.tokenUrl()
                                        + " refused the client credentials of auth.clientId"
                                        + " 'syncline' (HTTP 401: {\"error\":\"invalid_client\"});"
                                        + " check auth.clientSecret and auth.clientId and"
                                        + " auth.scope");
                assertThat(api.dataRequests()).isZero();
            } finally {
                Poll.cancel(job);
            }
        }
    }

    /** Appends {@code count} random creates, updates and deletes of customers and notes. */
    private void change(DeltaApiStandIn api, int count) {
        for (int i = 0; i < count; i++) {
            int dice = random.nextInt(10);
            tick++;
            if (dice < 2) {
                long id = notes.size() + 1L;
                if (dice == 1 && !notes.isEmpty()) {
                    id = 1 + random.nextInt(notes.size());
                }
                String body = "note " + tick;
                notes.put(id, List.of(String.valueOf(id), body));
                Map<String, Object> item = new LinkedHashMap<>();
                item.put("id", id);
                item.put("body", body);
                item.put("version", nextVersion("acme", "note", id));
                item.put("updated_at", START.plusSeconds(tick).toString());
                api.append("/notes", item);
                continue;
            }
            List<Long> live =
                    customers.entrySet().stream()
                            .filter(e -> e.getValue() != null)
                            .map(Map.Entry::getKey)
                            .toList();
            long id =
                    dice < 5 || live.isEmpty()
                            ? customers.size() + 1L
                            : live.get(random.nextInt(live.size()));
            boolean delete = dice == 9 && customers.get(id) != null;
            String tenant = TENANTS.get((int) (id % TENANTS.size()));
            Map<String, Object> item = new LinkedHashMap<>();
            item.put("id", id);
            item.put("tenant", tenant);
            item.put("name", "customer " + id + " at " + tick);
            item.put("balance", random.nextInt(10_000));
            item.put("version", nextVersion(tenant, "customer", id));
            item.put("updated_at", START.plusSeconds(tick).toString());
            if (delete) {
                item.put("deleted", true);
                customers.put(id, null);
            } else {
                customers.put(
                        id,
                        List.of(
                                String.valueOf(id),
                                tenant,
                                item.get("name").toString(),
                                item.get("balance").toString()));
            }
            api.append("/customers", item);
            customerItems++;
        }
    }

    private long nextVersion(String tenant, String entityType, long id) {
        String key = EntityKeys.of(tenant, entityType, String.valueOf(id));
        changesPerKey.merge(key, 1, Integer::sum);
        return versions.merge(key, 1L, Long::sum);
    }

    private void awaitTarget(String database, String what) throws Exception {
        List<List<String>> expectedCustomers =
                customers.values().stream().filter(row -> row != null).toList();
        List<List<String>> expectedNotes = List.copyOf(notes.values());
        Poll.until(
                TIMEOUT,
                what + " in the target",
                () -> {
                    try (Connection target = POSTGRES.connect(database)) {
                        return TableRows.query(
                                                target,
                                                "SELECT id, tenant, name, balance FROM customers"
                                                        + " WHERE NOT _syncline_deleted ORDER BY"
                                                        + " id")
                                        .equals(expectedCustomers)
                                && TableRows.query(target, "SELECT id, body FROM notes ORDER BY id")
                                        .equals(expectedNotes);
                    } catch (SQLException e) {
                        return false; // The job has not made its tables yet.
                    }
                });
    }

    /** Every change the API listed is on the change topic once: no event id twice, none lost. */
    private void assertChangeTopicHoldsEachChangeOnce(String name) {
        int expected = changesPerKey.values().stream().mapToInt(Integer::intValue).sum();
        List<ChangeEvent> changes = new ArrayList<>();
        try (TopicReader reader = new TopicReader(KAFKA.bootstrapServers(), "changes-" + name)) {
            for (ConsumerRecord<byte[], byte[]> record :
                    reader.readUntil(
                            read -> read.size() >= expected, TIMEOUT, Duration.ofSeconds(3))) {
                changes.add(ChangeEvent.getDecoder().decode(ByteBuffer.wrap(record.value())));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        Set<String> seen = new HashSet<>();
        assertThat(changes.stream().map(ChangeEvent::getEventId).filter(id -> !seen.add(id)))
                .as("event ids on the change topic more than once")
                .isEmpty();
        Map<String, Integer> perKey =
                changes.stream()
                        .collect(
                                Collectors.toMap(
                                        EntityKeys::of, c -> 1, Integer::sum, LinkedHashMap::new));
        assertThat(perKey).as("changes per entity").isEqualTo(changesPerKey);
    }

    private JobClient start(SynclineConfig config, Path checkpoint) throws Exception {
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        JobEnvironments.configure(env, config);
        env.getConfig().disableGenericTypes();
        SyncJobFactory.create(config).build(env);
        StreamGraph graph = env.getStreamGraph();
        if (checkpoint != null) {
            graph.setSavepointRestoreSettings(
                    SavepointRestoreSettings.forPath(checkpoint.toString(), false));
        }
        return env.executeAsync(graph);
    }

    private static void awaitCheckpoint(MiniCluster cluster, JobID job) throws Exception {
        long before = completedCheckpoints(cluster, job);
        Poll.until(
                TIMEOUT,
                "a checkpoint of job " + job,
                () -> completedCheckpoints(cluster, job) > before);
    }

    private static long completedCheckpoints(MiniCluster cluster, JobID job) throws Exception {
        return cluster.getExecutionGraph(job)
                .get()
                .getCheckpointStatsSnapshot()
                .getCounts()
                .getNumberOfCompletedCheckpoints();
    }

    /** The newest checkpoint the cancelled job retained. */
    private Path latestCheckpoint(JobID job) throws Exception {
        try (Stream<Path> checkpoints =
                Files.list(dir.resolve("checkpoints").resolve(job.toString()))) {
            return checkpoints
                    .filter(path -> path.getFileName().toString().startsWith("chk-"))
                    .filter(path -> Files.exists(path.resolve("_metadata")))
                    .max(
                            Comparator.comparingLong(
                                    path ->
                                            Long.parseLong(
                                                    path.getFileName().toString().substring(4))))
                    .orElseThrow(() -> new AssertionError("no retained checkpoint of " + job));
        }
    }

    private Path writeConfig(String name, DeltaApiStandIn api, String secret) throws Exception {
        Path file = dir.resolve(name + ".yaml");
        Files.writeString(
                file,
                """
                job:
                  name: it-%1$s
                  parallelism: 2
                checkpoints:
                  interval: 500ms
                  directory: %2$s
                restart:
                  initialBackoff: 200ms
                  maxBackoff: 1s
                tenants: [acme, globex]
                sources:
                  - id: %1$s
                    type: http
                    baseUrl: %3$s
                    auth:
                      tokenUrl: %4$s
                      clientId: %5$s
                      clientSecret: %6$s
                      scope: changes.read
                    pollInterval: 200ms
                    pageSize: 5
                    fields: {version: version}
                    retry: {initialBackoff: 50ms, maxBackoff: 200ms, maxAttempts: 3}
                    tables:
                      - table: customers
                        entityType: customer
                        primaryKey: [id]
                        tenantColumn: tenant
                        columns: {id: bigint, tenant: text, name: text, balance: bigint}
                      - table: notes
                        entityType: note
                        primaryKey: [id]
                        tenant: acme
                        columns: {id: bigint, body: text}
                sinks:
                  kafka:
                    bootstrapServers: %7$s
                    changeTopic: changes-%1$s
                    errorTopic: errors-%1$s
                    controlTopic: control-%1$s
                    transactionalIdPrefix: it-%1$s
                  target:
                    url: %8$s
                    username: %9$s
                    password: %10$s
                    batchInterval: 100ms
                """
                        .formatted(
                                name,
                                dir.resolve("checkpoints").toUri(),
                                api.baseUrl(),
                                api.tokenUrl(),
                                CLIENT_ID,
                                secret,
                                KAFKA.bootstrapServers(),
                                POSTGRES.jdbcUrl(name),
                                POSTGRES.username(),
                                POSTGRES.password()));
        return file;
    }
}
