package io.syncline.jobs;

import static org.assertj.core.api.Assertions.assertThat;

import io.syncline.embedded.EmbeddedPostgresServer;
import io.syncline.embedded.KafkaExtension;
import io.syncline.embedded.PostgresExtension;
import io.syncline.jobs.cli.SynclineCli;
import io.syncline.jobs.config.ConfigLoader;
import io.syncline.jobs.config.SynclineConfig;
import io.syncline.jobs.wiring.JobEnvironments;
import io.syncline.jobs.wiring.SyncJobFactory;
import io.syncline.operators.key.EntityKeys;
import io.syncline.schema.ChangeEvent;
import io.syncline.schema.ConflictRecord;
import io.syncline.schema.ConflictStatus;
import io.syncline.schema.FieldKind;
import io.syncline.schema.FieldValue;
import io.syncline.schema.Operation;
import io.syncline.schema.ResolutionOutcome;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.math.BigDecimal;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;
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
import picocli.CommandLine;

/**
 * Consistency end to end at parallelism 2 against real PostgreSQL and Kafka: two sources write
 * conflicting changes to the same entities and the target ends in the state each entity type's
 * strategy defines, computed here from the commit times PostgreSQL recorded; manual conflicts are
 * parked and decided through the CLI; duplicates injected into the stream change nothing; two
 * bidirectional sources converge without echoing Syncline's own writes back and forth; and changes
 * delivered out of order within the configured bound are resolved exactly as in order.
 */
class ConsistencyITCase {

    private static final Duration TIMEOUT = Duration.ofMinutes(2);
    private static final List<String> TENANTS = List.of("acme", "globex", "initech");
    private static final Map<String, Integer> PRIORITY = Map.of("a", 1, "b", 2);
    private static final String CUSTOMERS =
            "CREATE TABLE customers (id BIGINT PRIMARY KEY, tenant_id TEXT, name TEXT,"
                    + " credit_limit NUMERIC(12,2), status TEXT)";

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

    private final Random random = new Random(17);
    private EmbeddedPostgresServer postgres;
    private JobClient job;

    @AfterEach
    void stop() throws Exception {
        if (job != null) {
            Poll.cancel(job);
        }
    }

    @Test
    void twoSourcesEndInTheStateTheStrategiesDefine() throws Exception {
        String name = "consistency_multi";
        postgres = POSTGRES.server();
        for (String db : List.of(db(name, "a"), db(name, "b"), targetDb(name))) {
            postgres.createDatabase(db);
        }
        for (String source : List.of("a", "b")) {
            postgres.execute(
                    db(name, source),
                    CUSTOMERS,
                    "CREATE TABLE invoices (id BIGINT PRIMARY KEY, tenant_id TEXT, amount"
                            + " NUMERIC(12,2), note TEXT)",
                    "CREATE TABLE accounts (id BIGINT PRIMARY KEY, tenant_id TEXT, owner TEXT)",
                    // Read by the snapshot: once both are in the target, changes stream.
                    "INSERT INTO customers VALUES ("
                            + ("a".equals(source) ? 9001 : 9002)
                            + ", 'acme', 'probe', 1.00, 'active')");
        }
        Path configFile =
                writeConfig(
                        name,
                        sources(name, List.of("a", "b"), false),
                        """
                        consistency:
                          entities:
                            customer: {strategy: last-writer-wins}
                            invoice:
                              strategy: custom
                              resolver: io.syncline.operators.resolve.examples.HighestValueWins
                              options: {field: amount}
                            account: {strategy: manual}
                        """);
        SynclineConfig config = ConfigLoader.load(configFile);
        String duplicates = topic(name, "duplicates");
        KAFKA.server().createTopic(duplicates, 1);
        SyncJob sync = SyncJobFactory.create(config);
        List<SyncJob.ChangeSource> sources = new ArrayList<>(sync.sources());
        sources.add(
                new SyncJob.ChangeSource(
                        "duplicates",
                        ChangeTopicSource.unbounded(
                                KAFKA.server().bootstrapServers(), duplicates)));
        start(config, withSources(sync, sources));
        Poll.until(
                TIMEOUT,
                "the snapshot of both sources in the target",
                () ->
                        rows(targetDb(name), "customers")
                                .keySet()
                                .containsAll(List.of(9001L, 9002L)));

        try (Connection a = postgres.connect(db(name, "a"));
                Connection b = postgres.connect(db(name, "b"))) {
            Map<String, Connection> byId = Map.of("a", a, "b", b);
            // Customers: both sources create and then update the same 24, in random turns.
            List<Long> customers = ids(24);
            createInBoth(byId, customers);
            updateInTurns(byId, customers, 1, 4);
            // Invoices: each source creates the same 12 with different amounts.
            Map<Long, BigDecimal> highest = new TreeMap<>();
            for (long id = 1; id <= 12; id++) {
                BigDecimal inA = new BigDecimal(random.nextInt(1000) + ".10");
                BigDecimal inB = new BigDecimal(random.nextInt(1000) + ".20");
                write(a, "INSERT INTO invoices VALUES (?, ?, ?, 'from a')", id, tenantOf(id), inA);
                write(b, "INSERT INTO invoices VALUES (?, ?, ?, 'from b')", id, tenantOf(id), inB);
                highest.put(id, inA.max(inB));
            }
            // Accounts (manual): created in both, then changed again in a while parked.
            for (long id = 1; id <= 3; id++) {
                write(a, "INSERT INTO accounts VALUES (?, ?, ?)", id, tenantOf(id), "a-" + id);
                write(b, "INSERT INTO accounts VALUES (?, ?, ?)", id, tenantOf(id), "b-" + id);
            }

            Map<Long, List<Object>> lastWriter = lastWriterWins(name, customers);
            Poll.until(
                    TIMEOUT,
                    "the target customers to be what last-writer-wins defines",
                    () -> customerRows(targetDb(name), customers).equals(lastWriter));
            Poll.until(
                    TIMEOUT,
                    "the target invoices to carry the highest amount",
                    () -> amounts(targetDb(name)).equals(highest));

            try (TopicReader conflictTopic =
                    new TopicReader(KAFKA.server().bootstrapServers(), topic(name, "conflicts"))) {
                List<ConflictRecord> parked =
                        conflicts(conflictTopic, c -> openAccounts(c).size() == 3);
                assertThat(openAccounts(parked)).hasSize(3);
                // Changed while its conflict is open: waits behind it.
                for (long id = 1; id <= 3; id++) {
                    write(a, "UPDATE accounts SET owner = ? WHERE id = ?", "a-final-" + id, id);
                }
                Map<Long, String> decidedSource = new TreeMap<>();
                for (ConflictRecord open : openAccounts(parked)) {
                    cli(
                            "conflicts",
                            "resolve",
                            open.getConflictId(),
                            "--pick",
                            "right",
                            "--config",
                            configFile);
                    decidedSource.put(
                            Long.parseLong(open.getEntityId()), open.getRight().getSourceId());
                }
                // The decision is applied, then the waiting change is released. Where the decided
                // version is a's own, a's next change saw it and applies; where it is b's, a's
                // change did not see it and is parked as a conflict again.
                Map<Long, String> finalOwners = new TreeMap<>();
                for (long id = 1; id <= 3; id++) {
                    finalOwners.put(id, "a-final-" + id);
                }
                Poll.until(
                        TIMEOUT,
                        "each released change applied or parked again",
                        () -> {
                            Map<Long, String> inTarget = owners(targetDb(name));
                            List<ConflictRecord> open =
                                    openAccounts(conflicts(conflictTopic, c -> true));
                            return finalOwners.keySet().stream()
                                    .allMatch(
                                            id ->
                                                    finalOwners.get(id).equals(inTarget.get(id))
                                                            || open.stream()
                                                                    .anyMatch(
                                                                            c ->
                                                                                    c.getEntityId()
                                                                                            .equals(
                                                                                                    Long
                                                                                                            .toString(
                                                                                                                    id))));
                        });
                List<ConflictRecord> parkedAgain =
                        openAccounts(conflicts(conflictTopic, c -> true));
                assertThat(parkedAgain)
                        .as("parked again exactly where b's version was decided")
                        .extracting(c -> Long.parseLong(c.getEntityId()))
                        .containsExactlyInAnyOrderElementsOf(
                                decidedSource.entrySet().stream()
                                        .filter(e -> e.getValue().equals("b"))
                                        .map(Map.Entry::getKey)
                                        .toList());
                assertThat(parkedAgain)
                        .allSatisfy(
                                c ->
                                        assertThat(c.getRight().getAfter().get("owner").getValue())
                                                .hasToString("a-final-" + c.getEntityId()));
                for (ConflictRecord open : parkedAgain) {
                    cli(
                            "conflicts",
                            "resolve",
                            open.getConflictId(),
                            "--pick",
                            "right",
                            "--config",
                            configFile);
                }
                Poll.until(
                        TIMEOUT,
                        "the final owners in the target",
                        () -> owners(targetDb(name)).equals(finalOwners));
                Poll.until(
                        TIMEOUT,
                        "every account conflict resolved in the conflicts table",
                        () ->
                                conflictsTable(name, "account")
                                        .equals(Map.of("resolved", 3L + parkedAgain.size())));

                // Duplicates: changes already applied, delivered again as a topic source would.
                List<ChangeEvent> applied =
                        changes(
                                name,
                                c ->
                                        c.getEntityType().equals("customer")
                                                && c.getOp() != Operation.READ);
                List<ChangeEvent> again = new ArrayList<>();
                Set<String> injected = new java.util.HashSet<>();
                for (ChangeEvent change : applied.subList(0, 20)) {
                    ChangeEvent original = ChangeEvent.newBuilder(change).build();
                    original.setVersion(Long.parseLong(change.getSourcePosition()));
                    original.setResolution(null);
                    original.setVectorClock(Map.of());
                    again.add(original);
                    injected.add(original.getEventId());
                }
                // A new change of each entity after its duplicate shows the duplicate was read.
                List<ChangeEvent> probes = new ArrayList<>();
                for (ChangeEvent duplicate : again) {
                    ChangeEvent probe = ChangeEvent.newBuilder(duplicate).build();
                    probe.setEventId("probe/" + probes.size() + "/" + duplicate.getEventId());
                    probe.setSourceId("duplicates");
                    probe.setSourceCommitTime(Instant.now());
                    probe.setVersion(1L + probes.size());
                    probe.setOp(Operation.UPDATE);
                    Map<String, FieldValue> image = new HashMap<>(duplicate.getAfter());
                    image.put("name", new FieldValue(FieldKind.STRING, "probe"));
                    probe.setAfter(image);
                    probes.add(probe);
                }
                List<ChangeEvent> stream = new ArrayList<>();
                for (int i = 0; i < again.size(); i++) {
                    stream.add(again.get(i));
                    stream.add(probes.get(i));
                }
                int conflictsBefore = conflicts(conflictTopic, c -> true).size();
                ChangeTopicSource.publish(KAFKA.server().bootstrapServers(), duplicates, stream);
                Set<Long> probed =
                        probes.stream()
                                .map(p -> Long.parseLong(p.getEntityId()))
                                .collect(Collectors.toSet());
                Poll.until(
                        TIMEOUT,
                        "the probes after the duplicates in the target and the change topic",
                        () ->
                                customerRows(targetDb(name), customers).entrySet().stream()
                                                .filter(e -> probed.contains(e.getKey()))
                                                .allMatch(e -> "probe".equals(e.getValue().get(1)))
                                        && changes(name, c -> c.getEventId().startsWith("probe/"))
                                                        .size()
                                                == probes.size());
                List<ConflictRecord> all = conflicts(conflictTopic, c -> true);
                assertThat(all.subList(conflictsBefore, all.size()))
                        .as("the conflicts since the duplicates came: one per probed customer")
                        .hasSize(probed.size())
                        .extracting(c -> c.getRight().getEventId())
                        .allMatch(id -> id.startsWith("probe/"));
                assertThat(changes(name, c -> injected.contains(c.getEventId())))
                        .as("duplicates never reach the change topic again")
                        .hasSize(injected.size());
                Map<Long, List<Object>> unprobed = new TreeMap<>(lastWriter);
                probed.forEach(unprobed::remove);
                assertThat(customerRows(targetDb(name), customers)).containsAllEntriesOf(unprobed);
            }
        }
    }

    @Test
    void twoSourcesSurviveACrashMidStream(@InjectMiniCluster MiniCluster cluster) throws Exception {
        String name = "consistency_crash";
        postgres = POSTGRES.server();
        for (String db : List.of(db(name, "a"), db(name, "b"), targetDb(name))) {
            postgres.createDatabase(db);
        }
        for (String source : List.of("a", "b")) {
            postgres.execute(
                    db(name, source),
                    CUSTOMERS,
                    "INSERT INTO customers VALUES ("
                            + ("a".equals(source) ? 9001 : 9002)
                            + ", 'acme', 'probe', 1.00, 'active')");
        }
        Path configFile = writeConfig(name, sources(name, List.of("a", "b"), false), "");
        SynclineConfig config = ConfigLoader.load(configFile);
        start(config, SyncJobFactory.create(config));
        // On the change topic, the snapshot is in a completed checkpoint: the crash comes while
        // both sources stream.
        Poll.until(
                TIMEOUT,
                "the snapshot of both sources committed to the change topic",
                () -> changes(name, c -> true).size() == 2);
        try (Connection a = postgres.connect(db(name, "a"));
                Connection b = postgres.connect(db(name, "b"))) {
            Map<String, Connection> byId = Map.of("a", a, "b", b);
            List<Long> customers = ids(20);
            createInBoth(byId, customers);
            updateInTurns(byId, customers, 1, 2);
            cluster.terminateTaskManager(0).get();
            updateInTurns(byId, customers, 3, 4);
            cluster.startTaskManager();
            updateInTurns(byId, customers, 5, 6);

            Map<Long, List<Object>> lastWriter = lastWriterWins(name, customers);
            Poll.until(
                    TIMEOUT,
                    "the target customers to be what last-writer-wins defines",
                    () -> customerRows(targetDb(name), customers).equals(lastWriter));
        }
        assertThat(changes(name, c -> true))
                .extracting(ChangeEvent::getEventId)
                .as("every change delivered once")
                .doesNotHaveDuplicates();
        AccessExecutionGraph graph = cluster.getExecutionGraph(job.getJobID()).get();
        assertThat(graph.getStatusTimestamp(JobStatus.RESTARTING))
                .as("the job restarted after the task manager died")
                .isPositive();
        assertThat(graph.getCheckpointStatsSnapshot().getLatestRestoredCheckpoint())
                .as("the job restored its state from a checkpoint")
                .isNotNull();
    }

    @Test
    void bidirectionalSourcesConvergeWithoutEchoingSynclinesOwnWrites() throws Exception {
        String name = "consistency_bidi";
        postgres = POSTGRES.server();
        for (String db : List.of(db(name, "c"), db(name, "d"), targetDb(name))) {
            postgres.createDatabase(db);
        }
        postgres.execute(db(name, "c"), CUSTOMERS);
        postgres.execute(db(name, "d"), CUSTOMERS);
        Path configFile =
                writeConfig(
                        name,
                        sources(name, List.of("c", "d"), true),
                        """
                        consistency:
                          entities:
                            customer: {strategy: vector-clock, fallback: last-writer-wins}
                        """);
        SynclineConfig config = ConfigLoader.load(configFile);
        start(config, SyncJobFactory.create(config));
        Map<Long, Integer> writes = new HashMap<>();
        try (Connection c = postgres.connect(db(name, "c"));
                Connection d = postgres.connect(db(name, "d"))) {
            // Wait for streaming: a row written in c reaches d through Syncline.
            write(c, "INSERT INTO customers VALUES (500, 'acme', 'probe', 1.00, 'active')");
            writes.merge(500L, 1, Integer::sum);
            Poll.until(
                    TIMEOUT,
                    "the probe in d",
                    () -> rows(db(name, "d"), "customers").containsKey(500L));

            List<Long> ids = new ArrayList<>();
            for (long id = 1; id <= 10; id++) {
                ids.add(id);
                write(
                        c,
                        "INSERT INTO customers VALUES (?, ?, ?, 10.00, 'active')",
                        id,
                        tenantOf(id),
                        "c-" + id);
                writes.merge(id, 1, Integer::sum);
            }
            Poll.until(
                    TIMEOUT,
                    "c's customers written back to d",
                    () -> rows(db(name, "d"), "customers").keySet().containsAll(ids));
            // d changes what it got from c: it saw c's version, so no conflict.
            for (long id = 1; id <= 5; id++) {
                write(d, "UPDATE customers SET name = ? WHERE id = ?", "d-" + id, id);
                writes.merge(id, 1, Integer::sum);
            }
            Poll.until(
                    TIMEOUT,
                    "d's updates written back to c",
                    () -> namesOf(db(name, "c"), 1, 5).equals(expectedNames("d-", 1, 5)));
            try (TopicReader conflictTopic =
                    new TopicReader(KAFKA.server().bootstrapServers(), topic(name, "conflicts"))) {
                assertThat(conflicts(conflictTopic, x -> true))
                        .as("changes that saw the version in force are not conflicts")
                        .isEmpty();
            }
            // Concurrent updates in both: the later commit wins everywhere.
            Map<Long, String> expected = new TreeMap<>();
            for (long id = 6; id <= 10; id++) {
                Instant inC = update(c, id, "c-again-" + id);
                Instant inD = update(d, id, "d-again-" + id);
                writes.merge(id, 2, Integer::sum);
                boolean cLater =
                        inC.toEpochMilli() > inD.toEpochMilli()
                                || (inC.toEpochMilli() == inD.toEpochMilli()
                                        && "c".compareTo("d") > 0);
                expected.put(id, cLater ? "c-again-" + id : "d-again-" + id);
            }
            Poll.until(
                    TIMEOUT,
                    "c, d and the target to hold the same customers, the later writers'",
                    () -> {
                        Map<Long, List<Object>> inC = rows(db(name, "c"), "customers");
                        return inC.equals(rows(db(name, "d"), "customers"))
                                && inC.equals(rows(targetDb(name), "customers"))
                                && namesOf(db(name, "c"), 6, 10).equals(expected);
                    });
            // A marker after everything: by the time it is delivered, a loop would have shown.
            write(d, "INSERT INTO customers VALUES (600, 'globex', 'marker', 1.00, 'active')");
            writes.merge(600L, 1, Integer::sum);
            Poll.until(
                    TIMEOUT,
                    "the marker in c, the target and the change topic",
                    () ->
                            rows(db(name, "c"), "customers").containsKey(600L)
                                    && rows(targetDb(name), "customers").containsKey(600L)
                                    && !changes(name, x -> x.getEntityId().equals("600"))
                                            .isEmpty());
            List<ChangeEvent> out = changes(name, x -> true);
            Map<Long, Long> delivered =
                    out.stream()
                            .collect(
                                    Collectors.groupingBy(
                                            x -> Long.parseLong(x.getEntityId()),
                                            TreeMap::new,
                                            Collectors.counting()));
            delivered.forEach(
                    (id, count) ->
                            assertThat(count)
                                    .as(
                                            "changes of customer %d delivered, at most one per write",
                                            id)
                                    .isLessThanOrEqualTo(writes.get(id)));
            assertThat(rows(db(name, "c"), "customers"))
                    .isEqualTo(rows(db(name, "d"), "customers"));
            assertThat(rows(db(name, "c"), "customers"))
                    .isEqualTo(rows(targetDb(name), "customers"));
        }
    }

    @Test
    void changesOutOfOrderWithinTheBoundAreResolvedAsInOrder() throws Exception {
        postgres = POSTGRES.server();
        List<ChangeEvent> inOrder = syntheticChanges();
        List<ChangeEvent> shuffled = new ArrayList<>(inOrder);
        Map<ChangeEvent, Long> delay = new HashMap<>();
        for (ChangeEvent change : shuffled) {
            delay.put(change, change.getSourceCommitTime().toEpochMilli() + random.nextInt(300));
        }
        shuffled.sort(Comparator.comparing(delay::get));
        assertThat(shuffled).as("the shuffle moves changes").isNotEqualTo(inOrder);

        Map<String, List<String>> inOrderSequence = runOnTopic("consistency_ordered", inOrder);
        Map<String, List<String>> inOrderConflicts = conflictIds("consistency_ordered");
        Map<Long, List<Object>> inOrderTarget = rows(targetDb("consistency_ordered"), "customers");
        Map<String, List<String>> shuffledSequence = runOnTopic("consistency_shuffled", shuffled);

        assertThat(shuffledSequence).isEqualTo(inOrderSequence);
        assertThat(conflictIds("consistency_shuffled")).isEqualTo(inOrderConflicts);
        assertThat(rows(targetDb("consistency_shuffled"), "customers")).isEqualTo(inOrderTarget);
        assertThat(inOrderTarget).isEqualTo(lastWriterWins(inOrder));
    }

    /**
     * Runs the job on a topic holding {@code changes}, waits for the target to hold every entity,
     * and returns per entity the event ids the change topic got, in order.
     */
    private Map<String, List<String>> runOnTopic(String name, List<ChangeEvent> changes)
            throws Exception {
        postgres.createDatabase(db(name, "x"));
        postgres.createDatabase(targetDb(name));
        postgres.execute(db(name, "x"), CUSTOMERS);
        Path configFile =
                writeConfig(
                        name,
                        sources(name, List.of("x"), false),
                        """
                        consistency:
                          maxOutOfOrder: 500ms
                        """);
        SynclineConfig config = ConfigLoader.load(configFile);
        String input = topic(name, "input");
        KAFKA.server().createTopic(input, 1);
        ChangeTopicSource.publish(KAFKA.server().bootstrapServers(), input, changes);
        SyncJob sync = SyncJobFactory.create(config);
        start(
                config,
                withSources(
                        sync,
                        List.of(
                                new SyncJob.ChangeSource(
                                        "input",
                                        ChangeTopicSource.of(
                                                KAFKA.server().bootstrapServers(), input)))));
        Map<Long, List<Object>> expected = lastWriterWins(changes);
        Poll.until(
                TIMEOUT,
                "the target of " + name + " to hold the last writers",
                () -> rows(targetDb(name), "customers").equals(expected));
        // Everything committed to the topics: per entity the final state, and every conflict.
        Poll.until(
                TIMEOUT,
                "the final states and the conflicts of " + name + " on the topics",
                () ->
                        finalNames(changes(name, c -> true)).equals(namesOf(expected))
                                && conflictIds(name).values().stream().mapToLong(List::size).sum()
                                        == conflictsTableCount(name));
        Poll.cancel(job);
        job = null;
        return changes(name, c -> true).stream()
                .collect(
                        Collectors.groupingBy(
                                EntityKeys::of,
                                TreeMap::new,
                                Collectors.mapping(ChangeEvent::getEventId, Collectors.toList())));
    }

    /** Per customer, the name in the last change delivered. */
    private static Map<Long, Object> finalNames(List<ChangeEvent> changes) {
        Map<Long, Object> names = new TreeMap<>();
        for (ChangeEvent change : changes) {
            names.put(
                    Long.parseLong(change.getEntityId()),
                    change.getAfter().get("name").getValue().toString());
        }
        return names;
    }

    private static Map<Long, Object> namesOf(Map<Long, List<Object>> rows) {
        Map<Long, Object> names = new TreeMap<>();
        rows.forEach((id, row) -> names.put(id, row.get(1)));
        return names;
    }

    /** 20 customers, each changed 15 times by sources y and z in turns, 10 ms apart. */
    private List<ChangeEvent> syntheticChanges() {
        List<ChangeEvent> changes = new ArrayList<>();
        Instant start = Instant.parse("2026-11-25T10:00:00Z");
        Map<String, Long> positions = new HashMap<>();
        Set<Long> created = new java.util.HashSet<>();
        for (int i = 0; i < 300; i++) {
            long id = 1 + random.nextInt(20);
            String source = random.nextBoolean() ? "y" : "z";
            long position = positions.merge(source, 100L, Long::sum);
            String tenant = tenantOf(id);
            Map<String, FieldValue> image = new HashMap<>();
            image.put("id", new FieldValue(FieldKind.LONG, id));
            image.put("tenant_id", new FieldValue(FieldKind.STRING, tenant));
            image.put("name", new FieldValue(FieldKind.STRING, source + "-" + i));
            image.put(
                    "credit_limit", new FieldValue(FieldKind.DECIMAL, random.nextInt(100) + ".50"));
            image.put("status", new FieldValue(FieldKind.STRING, "active"));
            changes.add(
                    ChangeEvent.newBuilder()
                            .setEventId(source + "/" + position + "/" + tenant + "/customer/" + id)
                            .setTenant(tenant)
                            .setEntityType("customer")
                            .setEntityId(Long.toString(id))
                            .setOp(created.add(id) ? Operation.CREATE : Operation.UPDATE)
                            .setAfter(image)
                            .setSourceCommitTime(start.plusMillis(10L * i))
                            .setCaptureTime(start.plusMillis(10L * i + 5))
                            .setSourceId(source)
                            .setSourcePosition(Long.toString(position))
                            .setVersion(position)
                            .setRemediations(List.of())
                            .build());
        }
        return changes;
    }

    /** Ids 1 to {@code count}. */
    private static List<Long> ids(int count) {
        List<Long> ids = new ArrayList<>();
        for (long id = 1; id <= count; id++) {
            ids.add(id);
        }
        return ids;
    }

    /** Each source creates every customer, with its own name and credit limit. */
    private void createInBoth(Map<String, Connection> sources, List<Long> customers)
            throws SQLException {
        for (long id : customers) {
            for (String source : List.of("a", "b")) {
                write(
                        sources.get(source),
                        "INSERT INTO customers VALUES (?, ?, ?, ?, 'active')",
                        id,
                        tenantOf(id),
                        source + "-" + id + "-0",
                        new BigDecimal(random.nextInt(10_000) + ".00"));
            }
        }
    }

    /** Rounds of updates of every customer, each by a source picked at random. */
    private void updateInTurns(
            Map<String, Connection> sources, List<Long> customers, int firstRound, int lastRound)
            throws SQLException {
        for (int round = firstRound; round <= lastRound; round++) {
            for (long id : customers) {
                String source = random.nextBoolean() ? "a" : "b";
                write(
                        sources.get(source),
                        "UPDATE customers SET name = ?, credit_limit = ?, status = ? WHERE id = ?",
                        source + "-" + id + "-" + round,
                        new BigDecimal(random.nextInt(10_000) + ".25"),
                        random.nextBoolean() ? "active" : "suspended",
                        id);
            }
        }
    }

    /** Per customer, the row of the change with the latest commit time. */
    private static Map<Long, List<Object>> lastWriterWins(List<ChangeEvent> changes) {
        Map<Long, ChangeEvent> last = new TreeMap<>();
        for (ChangeEvent change : changes) {
            last.merge(
                    Long.parseLong(change.getEntityId()),
                    change,
                    (x, y) -> x.getSourceCommitTime().isAfter(y.getSourceCommitTime()) ? x : y);
        }
        Map<Long, List<Object>> rows = new TreeMap<>();
        last.forEach(
                (id, change) ->
                        rows.put(
                                id,
                                List.of(
                                        change.getAfter().get("tenant_id").getValue().toString(),
                                        change.getAfter().get("name").getValue().toString(),
                                        new BigDecimal(
                                                change.getAfter()
                                                        .get("credit_limit")
                                                        .getValue()
                                                        .toString()),
                                        change.getAfter().get("status").getValue().toString())));
        return rows;
    }

    /**
     * What last-writer-wins makes of the customers: per id, the row of the source whose last write
     * PostgreSQL committed later (by the millisecond, as CDC reports it), the higher priority on a
     * tie.
     */
    private Map<Long, List<Object>> lastWriterWins(String name, List<Long> ids)
            throws SQLException {
        Map<Long, List<Object>> a = customersWithCommitTime(db(name, "a"));
        Map<Long, List<Object>> b = customersWithCommitTime(db(name, "b"));
        Map<Long, List<Object>> winners = new TreeMap<>();
        for (long id : ids) {
            List<Object> inA = a.get(id);
            List<Object> inB = b.get(id);
            long timeA = (Long) inA.get(4);
            long timeB = (Long) inB.get(4);
            boolean aWins =
                    timeA > timeB || (timeA == timeB && PRIORITY.get("a") > PRIORITY.get("b"));
            winners.put(id, (aWins ? inA : inB).subList(0, 4));
        }
        return winners;
    }

    private Map<Long, List<Object>> customersWithCommitTime(String db) throws SQLException {
        return byId(
                db,
                "SELECT id, tenant_id, name, credit_limit, status, floor(extract(epoch FROM"
                        + " pg_xact_commit_timestamp(xmin)) * 1000)::bigint FROM customers",
                result ->
                        List.of(
                                result.getString(2),
                                result.getString(3),
                                result.getBigDecimal(4),
                                result.getString(5),
                                result.getLong(6)));
    }

    private Map<Long, List<Object>> customerRows(String db, List<Long> ids) throws SQLException {
        Map<Long, List<Object>> rows = rows(db, "customers");
        rows.keySet().retainAll(ids);
        return rows;
    }

    /** Live rows of a customers table (tombstones left out), without bookkeeping columns. */
    private Map<Long, List<Object>> rows(String db, String table) throws SQLException {
        String live = db.startsWith("tgt_") ? " WHERE NOT \"_syncline_deleted\"" : "";
        return byId(
                db,
                "SELECT id, tenant_id, name, credit_limit, status FROM " + table + live,
                result ->
                        List.of(
                                result.getString(2),
                                result.getString(3),
                                result.getBigDecimal(4),
                                result.getString(5)));
    }

    /** A value of each row's columns after the first. */
    private interface RowValue<T> {
        T of(ResultSet row) throws SQLException;
    }

    /**
     * The rows {@code sql} selects, by their first column, the id; none while the table does not
     * exist yet.
     */
    private <T> Map<Long, T> byId(String db, String sql, RowValue<T> value) throws SQLException {
        Map<Long, T> rows = new TreeMap<>();
        try (Connection connection = postgres.connect(db);
                Statement statement = connection.createStatement();
                ResultSet result = statement.executeQuery(sql)) {
            while (result.next()) {
                rows.put(result.getLong(1), value.of(result));
            }
        } catch (SQLException e) {
            if ("42P01".equals(e.getSQLState())) {
                return rows; // not created yet
            }
            throw e;
        }
        return rows;
    }

    private Map<Long, String> namesOf(String db, long from, long to) throws SQLException {
        Map<Long, String> names = new TreeMap<>();
        rows(db, "customers")
                .forEach(
                        (id, row) -> {
                            if (id >= from && id <= to) {
                                names.put(id, (String) row.get(1));
                            }
                        });
        return names;
    }

    private static Map<Long, String> expectedNames(String prefix, long from, long to) {
        Map<Long, String> names = new TreeMap<>();
        for (long id = from; id <= to; id++) {
            names.put(id, prefix + id);
        }
        return names;
    }

    private Map<Long, BigDecimal> amounts(String db) throws SQLException {
        return byId(db, "SELECT id, amount FROM invoices", result -> result.getBigDecimal(2));
    }

    private Map<Long, String> owners(String db) throws SQLException {
        return byId(db, "SELECT id, owner FROM accounts", result -> result.getString(2));
    }

    /** Status counts of an entity type's rows in the conflicts table. */
    private Map<String, Long> conflictsTable(String name, String entityType) throws SQLException {
        Map<String, Long> counts = new TreeMap<>();
        try (Connection connection = postgres.connect(targetDb(name));
                PreparedStatement query =
                        connection.prepareStatement(
                                "SELECT status, count(*) FROM syncline_conflicts WHERE"
                                        + " entity_type = ? GROUP BY status")) {
            query.setString(1, entityType);
            try (ResultSet result = query.executeQuery()) {
                while (result.next()) {
                    counts.put(result.getString(1), result.getLong(2));
                }
            }
        }
        return counts;
    }

    private long conflictsTableCount(String name) throws SQLException {
        try (Connection connection = postgres.connect(targetDb(name));
                Statement statement = connection.createStatement();
                ResultSet result =
                        statement.executeQuery("SELECT count(*) FROM syncline_conflicts")) {
            result.next();
            return result.getLong(1);
        }
    }

    /** Per entity, the ids of its conflicts on the conflict topic, in order. */
    private Map<String, List<String>> conflictIds(String name) {
        try (TopicReader reader =
                new TopicReader(KAFKA.server().bootstrapServers(), topic(name, "conflicts"))) {
            return conflicts(reader, c -> true).stream()
                    .collect(
                            Collectors.groupingBy(
                                    c ->
                                            c.getTenant()
                                                    + "/"
                                                    + c.getEntityType()
                                                    + "/"
                                                    + c.getEntityId(),
                                    TreeMap::new,
                                    Collectors.mapping(
                                            ConflictRecord::getConflictId, Collectors.toList())));
        }
    }

    private static List<ConflictRecord> openAccounts(List<ConflictRecord> conflicts) {
        Map<String, ConflictRecord> latest = new LinkedHashMap<>();
        for (ConflictRecord conflict : conflicts) {
            if (conflict.getEntityType().equals("account")) {
                latest.put(conflict.getConflictId(), conflict);
            }
        }
        return latest.values().stream()
                .filter(c -> c.getStatus() == ConflictStatus.OPEN)
                .filter(c -> c.getOutcome() == ResolutionOutcome.PARKED)
                .toList();
    }

    private static List<ConflictRecord> conflicts(
            TopicReader reader, java.util.function.Predicate<List<ConflictRecord>> done) {
        List<ConsumerRecord<byte[], byte[]>> read =
                reader.readUntil(
                        records -> done.test(decodeConflicts(records)),
                        TIMEOUT,
                        Duration.ofMillis(500));
        return decodeConflicts(read);
    }

    private static List<ConflictRecord> decodeConflicts(
            List<ConsumerRecord<byte[], byte[]>> records) {
        List<ConflictRecord> conflicts = new ArrayList<>();
        for (ConsumerRecord<byte[], byte[]> record : records) {
            try {
                conflicts.add(ConflictRecord.getDecoder().decode(ByteBuffer.wrap(record.value())));
            } catch (Exception e) {
                throw new AssertionError("undecodable conflict at offset " + record.offset(), e);
            }
        }
        return conflicts;
    }

    private List<ChangeEvent> changes(
            String name, java.util.function.Predicate<ChangeEvent> filter) {
        try (TopicReader reader =
                new TopicReader(KAFKA.server().bootstrapServers(), topic(name, "changes"))) {
            List<ChangeEvent> changes = new ArrayList<>();
            for (ConsumerRecord<byte[], byte[]> record :
                    reader.readUntil(records -> true, TIMEOUT, Duration.ofSeconds(1))) {
                try {
                    ChangeEvent change =
                            ChangeEvent.getDecoder().decode(ByteBuffer.wrap(record.value()));
                    if (filter.test(change)) {
                        changes.add(change);
                    }
                } catch (Exception e) {
                    throw new AssertionError("undecodable change at offset " + record.offset(), e);
                }
            }
            return changes;
        }
    }

    private static void write(Connection connection, String sql, Object... values)
            throws SQLException {
        try (PreparedStatement statement = connection.prepareStatement(sql)) {
            for (int i = 0; i < values.length; i++) {
                statement.setObject(i + 1, values[i]);
            }
            statement.executeUpdate();
        }
    }

    /** Renames a customer in its own transaction; returns the commit time PostgreSQL recorded. */
    private static Instant update(Connection connection, long id, String name) throws SQLException {
        connection.setAutoCommit(false);
        long xid;
        try (PreparedStatement statement =
                        connection.prepareStatement("UPDATE customers SET name = ? WHERE id = ?");
                Statement current = connection.createStatement()) {
            statement.setString(1, name);
            statement.setLong(2, id);
            statement.executeUpdate();
            try (ResultSet result = current.executeQuery("SELECT pg_current_xact_id()::text")) {
                result.next();
                xid = Long.parseLong(result.getString(1));
            }
            connection.commit();
        } finally {
            connection.setAutoCommit(true);
        }
        try (Statement statement = connection.createStatement();
                ResultSet result =
                        statement.executeQuery(
                                "SELECT pg_xact_commit_timestamp('" + xid + "'::xid)")) {
            result.next();
            return result.getTimestamp(1).toInstant();
        }
    }

    private void start(SynclineConfig config, SyncJob sync) throws Exception {
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        JobEnvironments.configure(env, config);
        env.getConfig().disableGenericTypes();
        sync.build(env);
        job = env.executeAsync(config.job().name());
    }

    private static SyncJob withSources(SyncJob sync, List<SyncJob.ChangeSource> sources) {
        return new SyncJob(
                sources,
                sync.validation(),
                sync.consistency(),
                sync.changeTopic(),
                sync.targetTables(),
                sync.errorTopic(),
                sync.errorsTable());
    }

    private static String tenantOf(long id) {
        return TENANTS.get((int) (id % TENANTS.size()));
    }

    private static String db(String name, String source) {
        return "src_" + source + "_" + name;
    }

    private static String targetDb(String name) {
        return "tgt_" + name;
    }

    private static String topic(String name, String kind) {
        return kind + "-" + name;
    }

    private String sources(String name, List<String> ids, boolean writeBack) {
        StringBuilder yaml = new StringBuilder("sources:\n");
        for (String id : ids) {
            yaml.append(
                    """
                      - id: %1$s
                        hostname: %2$s
                        port: %3$d
                        database: %4$s
                        username: %5$s
                        password: %6$s
                        slotName: syncline_%1$s_%7$s
                        publication: syncline_%1$s_%7$s
                        priority: %8$d
                        writeBack: %9$s
                        tables:
                          - {table: public.customers, entityType: customer, tenantColumn: tenant_id}
                    """
                            .formatted(
                                    id,
                                    postgres.host(),
                                    postgres.port(),
                                    db(name, id),
                                    postgres.username(),
                                    postgres.password(),
                                    name,
                                    PRIORITY.getOrDefault(id, 0),
                                    writeBack));
            if ("consistency_multi".equals(name)) {
                yaml.append(
                        """
                              - {table: public.invoices, entityType: invoice, tenantColumn: tenant_id}
                              - {table: public.accounts, entityType: account, tenantColumn: tenant_id}
                        """);
            }
        }
        return yaml.toString();
    }

    private Path writeConfig(String name, String sources, String consistency) throws Exception {
        String config =
                """
                job:
                  name: it-%1$s
                  parallelism: 2
                checkpoints:
                  interval: 1s
                  directory: %2$s
                restart:
                  initialBackoff: 200ms
                  maxBackoff: 2s
                tenants: [acme, globex, initech]
                %3$s
                sinks:
                  kafka:
                    bootstrapServers: %4$s
                    changeTopic: %5$s
                    errorTopic: %6$s
                    controlTopic: %7$s
                    conflictTopic: %8$s
                    transactionalIdPrefix: it-%1$s
                  target:
                    url: %9$s
                    username: %10$s
                    password: %11$s
                    batchInterval: 100ms
                %12$s
                """
                        .formatted(
                                name,
                                dir.resolve("checkpoints-" + name).toUri(),
                                sources,
                                KAFKA.server().bootstrapServers(),
                                topic(name, "changes"),
                                topic(name, "errors"),
                                topic(name, "control"),
                                topic(name, "conflicts"),
                                postgres.jdbcUrl(targetDb(name)),
                                postgres.username(),
                                postgres.password(),
                                consistency);
        Path file = dir.resolve(name + ".yaml");
        Files.writeString(file, config);
        return file;
    }

    private static void cli(Object... args) {
        StringWriter out = new StringWriter();
        CommandLine commandLine = SynclineCli.commandLine();
        commandLine.setOut(new PrintWriter(out));
        commandLine.setErr(new PrintWriter(out));
        int exit =
                commandLine.execute(
                        java.util.Arrays.stream(args).map(String::valueOf).toArray(String[]::new));
        assertThat(exit).as("syncline output: %s", out).isZero();
    }
}
