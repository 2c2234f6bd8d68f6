package io.syncline.jobs.savepoint;

import io.syncline.embedded.EmbeddedKafkaBroker;
import io.syncline.embedded.EmbeddedPostgresServer;
import io.syncline.jobs.OperatorUids;
import io.syncline.jobs.Poll;
import io.syncline.jobs.config.KafkaSinkSettings;
import io.syncline.jobs.config.RuleFiles;
import io.syncline.jobs.config.SourceConfig;
import io.syncline.jobs.config.SynclineConfig;
import io.syncline.jobs.control.ControlTopicPublisher;
import io.syncline.jobs.wiring.JobEnvironments;
import io.syncline.jobs.wiring.PostgresCdcSources;
import io.syncline.jobs.wiring.SyncJobFactory;
import io.syncline.jobs.wiring.TableDiscovery;
import io.syncline.operators.change.ChangeEvents;
import io.syncline.operators.key.EntityKeys;
import io.syncline.schema.Alert;
import io.syncline.schema.AlertStatus;
import io.syncline.schema.ChangeEvent;
import io.syncline.schema.ConflictRecord;
import io.syncline.schema.ConflictStatus;
import io.syncline.schema.ErrorRecord;
import io.syncline.schema.FieldValue;
import io.syncline.schema.Operation;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.core.execution.SavepointFormatType;
import org.apache.flink.runtime.util.EnvironmentInformation;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.kafka.common.TopicPartition;

/**
 * Makes a savepoint fixture: runs the current sync job at parallelism 2 on embedded PostgreSQL and
 * Kafka over {@link FixtureWorkload}, parks a conflict and publishes rule set 2 through the control
 * topic, waits until the target equals the source and every output is quiet, stops the job with a
 * savepoint in canonical format and writes it into the fixture directory with its configuration,
 * rules, source schema, the source and target rows, and a {@link FixtureManifest}.
 *
 * <p>Run by {@code src/test/resources/savepoints/make-v1.sh}: {@code SavepointFixture <fixture dir>
 * <syncline commit>}.
 */
public final class SavepointFixture {

    static final int PARALLELISM = 2;
    static final String SAVEPOINT_DIR = "savepoint";
    static final String SCHEMA_FILE = "schema.sql";
    static final String TABLES_FILE = "tables.json";
    static final String RULES_V2_FILE = "rules-v2.yaml";

    /** The account whose first version is replayed, so that a manual conflict stays parked. */
    static final String PARKED_ACCOUNT = EntityKeys.of("acme", "account", "191");

    static final String ACCURACY_CONDITION = "quality/accuracy/acme/customer";

    private static final Duration TIMEOUT = Duration.ofMinutes(3);
    private static final Duration WINDOW = Duration.ofSeconds(5);
    private static final Duration MAX_DELAY = Duration.ofSeconds(1);
    private static final Duration QUIET = Duration.ofSeconds(4);

    private final Path fixtureDir;
    private final String commit;

    private SavepointFixture(Path fixtureDir, String commit) {
        this.fixtureDir = fixtureDir;
        this.commit = commit;
    }

    public static void main(String[] args) throws Exception {
        if (args.length != 2) {
            System.err.println("usage: SavepointFixture <fixture dir> <syncline commit>");
            System.exit(2);
        }
        int status = 0;
        try {
            new SavepointFixture(Path.of(args[0]).toAbsolutePath(), args[1]).make();
        } catch (Exception | AssertionError e) {
            e.printStackTrace();
            status = 1;
        }
        // The embedded servers and Flink leave non-daemon threads behind.
        System.exit(status);
    }

    private void make() throws Exception {
        writeDefinitions();
        Path work = Files.createTempDirectory("syncline-savepoint-fixture");
        try (EmbeddedPostgresServer postgres = EmbeddedPostgresServer.start();
                EmbeddedKafkaBroker kafka = EmbeddedKafkaBroker.start()) {
            SynclineConfig config =
                    FixtureConfig.load(
                            fixtureDir,
                            work,
                            postgres,
                            kafka.bootstrapServers(),
                            PARALLELISM,
                            Duration.ofHours(1));
            postgres.createDatabase(FixtureWorkload.SOURCE_DATABASE);
            postgres.createDatabase(FixtureWorkload.TARGET_DATABASE);
            postgres.execute(
                    FixtureWorkload.SOURCE_DATABASE, FixtureWorkload.SCHEMA.toArray(String[]::new));
            try (Connection source = postgres.connect(FixtureWorkload.SOURCE_DATABASE);
                    Connection target = postgres.connect(FixtureWorkload.TARGET_DATABASE)) {
                run(config, source, target, new FixtureTopics(kafka.bootstrapServers()), work);
            }
        }
    }

    private void run(
            SynclineConfig config,
            Connection source,
            Connection target,
            FixtureTopics topics,
            Path work)
            throws Exception {
        FixtureWorkload workload = new FixtureWorkload(new SourceWriter(source));
        workload.seed();
        StreamExecutionEnvironment env =
                StreamExecutionEnvironment.createLocalEnvironment(
                        PARALLELISM, JobEnvironments.configuration(config));
        JobEnvironments.configure(env, config);
        env.getConfig().disableGenericTypes();
        SyncJobFactory.create(config).build(env);
        JobClient job = env.executeAsync(config.job().name());
        awaitTargetEqualsSource(source, target, "the snapshot");

        workload.phaseA();
        Instant phaseAEnd = serverTime(source);
        // Phase B's commits must fall in a later window than phase A's, and move the watermark
        // (commit time less maxDelay) past the end of phase A's windows, so that they close.
        Instant windowsEnd = windowStart(phaseAEnd).plus(WINDOW).plus(MAX_DELAY);
        Poll.until(
                TIMEOUT,
                "the end of phase A's windows",
                () -> serverTime(source).isAfter(windowsEnd));
        workload.phaseB();
        KafkaSinkSettings kafka = config.sinks().kafka();
        topics.read(
                kafka.alertTopic(),
                Alert.getDecoder(),
                alerts ->
                        alerts.stream().anyMatch(a -> a.getCondition().equals(ACCURACY_CONDITION)),
                TIMEOUT);
        awaitTargetEqualsSource(source, target, "phase B");

        ChangeEvent firstVersion =
                asDecoded(
                        topics
                                .read(
                                        kafka.changeTopic(),
                                        ChangeEvent.getDecoder(),
                                        c -> true,
                                        TIMEOUT)
                                .stream()
                                .filter(change -> EntityKeys.of(change).equals(PARKED_ACCOUNT))
                                .findFirst()
                                .orElseThrow());
        try (ControlTopicPublisher publisher = new ControlTopicPublisher(kafka)) {
            publisher.publishReplay(
                    firstVersion, "savepoint-fixture-stale-account", 1, "SavepointFixture");
            publisher.publishRuleSet(
                    RuleFiles.read(fixtureDir.resolve(RULES_V2_FILE)), "SavepointFixture");
        }
        topics.read(
                kafka.conflictTopic(),
                ConflictRecord.getDecoder(),
                conflicts -> conflicts.stream().anyMatch(c -> c.getStatus() == ConflictStatus.OPEN),
                TIMEOUT);
        awaitTargetEqualsSource(source, target, "the replay");

        List<String> outputs =
                List.of(
                        kafka.changeTopic(),
                        kafka.errorTopic(),
                        kafka.conflictTopic(),
                        kafka.qualityTopic(),
                        kafka.alertTopic());
        Map<TopicPartition, Long> quiet = awaitQuiet(topics, outputs);
        String savepoint =
                job.stopWithSavepoint(
                                false,
                                work.resolve("savepoints").toUri().toString(),
                                SavepointFormatType.CANONICAL)
                        .get(2, TimeUnit.MINUTES);
        // A Kafka sink that wrote since the last checkpoint would leave its transaction in the
        // savepoint, and a job restoring it against another broker fails to commit it.
        Map<TopicPartition, Long> after = topics.endOffsets(outputs);
        if (!after.equals(quiet)) {
            throw new IllegalStateException(
                    "the outputs moved while the savepoint was taken ("
                            + quiet
                            + " -> "
                            + after
                            + "); the savepoint holds open Kafka transactions: run again");
        }
        long walLsn = currentWalLsn(source);
        copySavepoint(Path.of(URI.create(savepoint)));
        writeTables(source, target);
        manifest(config, topics, walLsn, topics.endOffsets(List.of(kafka.controlTopic())))
                .write(fixtureDir);
    }

    /**
     * {@code delivered} as decode made it, before resolve stamped it: with its source version (its
     * position) rather than the version the targets hold it under, and without a version vector. A
     * replay of it is an old version of its entity, as {@code syncline errors replay} would send.
     */
    static ChangeEvent asDecoded(ChangeEvent delivered) {
        ChangeEvent decoded = ChangeEvents.shallowCopy(delivered);
        decoded.setVersion(Long.parseLong(delivered.getSourcePosition()));
        decoded.setVectorClock(Map.of());
        decoded.setResolution(null);
        return decoded;
    }

    /** The configuration template, rule sets and source schema, as the fixture keeps them. */
    private void writeDefinitions() throws IOException {
        Files.createDirectories(fixtureDir);
        Files.writeString(
                fixtureDir.resolve(FixtureConfig.TEMPLATE), FixtureWorkload.CONFIG_TEMPLATE);
        Files.writeString(
                fixtureDir.resolve(FixtureConfig.RULES), FixtureWorkload.rules(1, 100_000));
        Files.writeString(fixtureDir.resolve(RULES_V2_FILE), FixtureWorkload.rules(2, 50_000));
        Files.writeString(
                fixtureDir.resolve(SCHEMA_FILE),
                String.join(";\n", FixtureWorkload.SCHEMA) + ";\n");
    }

    private FixtureManifest manifest(
            SynclineConfig config,
            FixtureTopics topics,
            long walLsn,
            Map<TopicPartition, Long> controlOffsets)
            throws Exception {
        KafkaSinkSettings kafka = config.sinks().kafka();
        List<ChangeEvent> changes =
                topics.read(kafka.changeTopic(), ChangeEvent.getDecoder(), c -> true, TIMEOUT);
        Map<String, List<ChangeEvent>> byEntity =
                changes.stream()
                        .collect(
                                Collectors.groupingBy(
                                        EntityKeys::of, TreeMap::new, Collectors.toList()));
        String sourceId = config.sources().get(0).id();
        List<FixtureManifest.Entity> entities = new ArrayList<>();
        byEntity.forEach((key, events) -> entities.add(entity(key, events, sourceId)));

        ConflictRecord open =
                topics
                        .read(
                                kafka.conflictTopic(),
                                ConflictRecord.getDecoder(),
                                c -> true,
                                TIMEOUT)
                        .stream()
                        .filter(c -> c.getStatus() == ConflictStatus.OPEN)
                        .collect(single("open conflict"));
        Alert firing =
                topics.read(kafka.alertTopic(), Alert.getDecoder(), a -> true, TIMEOUT).stream()
                        .filter(a -> a.getStatus() == AlertStatus.FIRING)
                        .collect(single("firing alert"));
        if (!firing.getCondition().equals(ACCURACY_CONDITION)) {
            throw new IllegalStateException("unexpected alert " + firing);
        }
        Map<String, Integer> errorCodes = new TreeMap<>();
        topics.read(kafka.errorTopic(), ErrorRecord.getDecoder(), e -> true, TIMEOUT)
                .forEach(e -> errorCodes.merge(e.getCode(), 1, Integer::sum));

        return new FixtureManifest(
                fixtureDir.getFileName().toString(),
                EnvironmentInformation.getVersion(),
                commit,
                Instant.now().toString(),
                PARALLELISM,
                maxParallelism(),
                SavepointFormatType.CANONICAL.name(),
                "rocksdb",
                sourceId,
                FixtureWorkload.SOURCE_DATABASE,
                FixtureWorkload.TARGET_DATABASE,
                walLsn,
                offsetLsn(config),
                controlOffsets.values().stream().mapToLong(Long::longValue).sum(),
                2,
                entities,
                new FixtureManifest.OpenConflict(
                        open.getConflictId(),
                        EntityKeys.of(open.getTenant(), open.getEntityType(), open.getEntityId()),
                        open.getRight().getEventId()),
                new FixtureManifest.FiringAlert(firing.getAlertId(), firing.getCondition()),
                openWindow(changes),
                errorCodes);
    }

    /** An entity as resolve must hold it after {@code events}, its changes in the topic. */
    private static FixtureManifest.Entity entity(
            String key, List<ChangeEvent> events, String sourceId) {
        ChangeEvent last = events.get(events.size() - 1);
        boolean deleted = last.getOp() == Operation.DELETE;
        FieldValue seq = (deleted ? last.getBefore() : last.getAfter()).get("seq");
        return new FixtureManifest.Entity(
                key,
                last.getEntityType() + "s",
                Long.parseLong(last.getEntityId()),
                deleted,
                ((Number) seq.getValue()).intValue(),
                events.stream()
                        .mapToLong(e -> Long.parseLong(e.getSourcePosition()))
                        .max()
                        .orElseThrow(),
                last.getVersion(),
                last.getVectorClock().get(sourceId),
                events.stream().map(ChangeEvent::getEventId).toList());
    }

    /**
     * The window of the last streamed commit: no later commit moved the watermark past its end, so
     * it is still open in the savepoint, with what it counted of acme's customers.
     */
    private static FixtureManifest.OpenWindow openWindow(List<ChangeEvent> changes) {
        Instant last =
                changes.stream()
                        .map(ChangeEvent::getSourceCommitTime)
                        .max(Comparator.naturalOrder())
                        .orElseThrow();
        Instant start = windowStart(last);
        Instant end = start.plus(WINDOW);
        long validated =
                changes.stream()
                        .filter(c -> c.getTenant().equals("acme"))
                        .filter(c -> c.getEntityType().equals("customer"))
                        .filter(c -> !c.getSourceCommitTime().isBefore(start))
                        .filter(c -> c.getSourceCommitTime().isBefore(end))
                        .count();
        return new FixtureManifest.OpenWindow(
                start.toEpochMilli(), end.toEpochMilli(), "acme", "customer", validated);
    }

    private int maxParallelism() throws IOException {
        Path savepoint = fixtureDir.resolve(SAVEPOINT_DIR);
        Set<Integer> all =
                Set.copyOf(
                        new SavepointStates(
                                        StreamExecutionEnvironment.getExecutionEnvironment(),
                                        savepoint.toString())
                                .maxParallelisms());
        if (all.size() != 1) {
            throw new IllegalStateException("operators differ in max parallelism: " + all);
        }
        return all.iterator().next();
    }

    /** The position the savepoint's CDC source resumes streaming from. */
    private long offsetLsn(SynclineConfig config) throws Exception {
        SourceConfig source = config.sources().get(0);
        List<Long> lsns =
                new SavepointStates(
                                StreamExecutionEnvironment.getExecutionEnvironment(),
                                fixtureDir.resolve(SAVEPOINT_DIR).toString())
                        .streamOffsets(
                                OperatorUids.source(source.id()),
                                PostgresCdcSources.create(
                                                source,
                                                TableDiscovery.discover(source),
                                                Set.copyOf(config.tenants()),
                                                TableDiscovery.currentWalPosition(source),
                                                config.observability().heartbeat())
                                        .getSplitSerializer());
        if (lsns.size() != 1) {
            throw new IllegalStateException("expected one stream split, found offsets " + lsns);
        }
        return lsns.get(0);
    }

    private void copySavepoint(Path savepoint) throws IOException {
        Path into = fixtureDir.resolve(SAVEPOINT_DIR);
        if (Files.exists(into)) {
            try (Stream<Path> old = Files.walk(into)) {
                for (Path path : old.sorted(Comparator.reverseOrder()).toList()) {
                    Files.delete(path);
                }
            }
        }
        Files.createDirectories(into);
        try (Stream<Path> files = Files.list(savepoint)) {
            for (Path file : files.toList()) {
                Files.copy(
                        file, into.resolve(file.getFileName()), StandardCopyOption.COPY_ATTRIBUTES);
            }
        }
    }

    /** The source rows and the target rows, tombstones and the conflicts table included. */
    private void writeTables(Connection source, Connection target) throws Exception {
        Map<String, String> tables = new LinkedHashMap<>();
        for (String table : FixtureWorkload.TABLES) {
            tables.put("source." + table, FixtureTables.dump(source, table, "id"));
            tables.put("target." + table, FixtureTables.dump(target, table, "id"));
        }
        tables.put(
                "target.syncline_conflicts",
                FixtureTables.dump(target, "syncline_conflicts", "conflict_id"));
        StringBuilder json = new StringBuilder("{\n");
        tables.forEach(
                (name, rows) ->
                        json.append(json.length() > 2 ? ",\n" : "")
                                .append("  \"")
                                .append(name)
                                .append("\": ")
                                .append(rows));
        Files.writeString(fixtureDir.resolve(TABLES_FILE), json.append("\n}\n").toString());
    }

    private static void awaitTargetEqualsSource(Connection source, Connection target, String after)
            throws Exception {
        Poll.until(
                TIMEOUT,
                "the target to equal the source after " + after,
                () -> FixtureTables.targetEqualsSource(source, target));
    }

    /** Waits until no output topic has moved for {@link #QUIET}; returns their end offsets. */
    private static Map<TopicPartition, Long> awaitQuiet(FixtureTopics topics, List<String> outputs)
            throws Exception {
        AtomicReference<Map<TopicPartition, Long>> last =
                new AtomicReference<>(topics.endOffsets(outputs));
        AtomicLong since = new AtomicLong(System.nanoTime());
        Poll.until(
                TIMEOUT,
                "the outputs to stay quiet for " + QUIET,
                () -> {
                    Map<TopicPartition, Long> now = topics.endOffsets(outputs);
                    if (!now.equals(last.getAndSet(now))) {
                        since.set(System.nanoTime());
                    }
                    return System.nanoTime() - since.get() > QUIET.toNanos();
                });
        return last.get();
    }

    private static Instant windowStart(Instant time) {
        return Instant.ofEpochMilli(time.toEpochMilli() / WINDOW.toMillis() * WINDOW.toMillis());
    }

    private static Instant serverTime(Connection source) throws SQLException {
        try (Statement statement = source.createStatement();
                ResultSet row = statement.executeQuery("SELECT clock_timestamp()")) {
            row.next();
            return row.getTimestamp(1).toInstant();
        }
    }

    static long currentWalLsn(Connection source) throws SQLException {
        try (Statement statement = source.createStatement();
                ResultSet row =
                        statement.executeQuery("SELECT pg_current_wal_lsn() - '0/0'::pg_lsn")) {
            row.next();
            return row.getBigDecimal(1).longValueExact();
        }
    }

    private static <T> java.util.stream.Collector<T, ?, T> single(String what) {
        return Collectors.collectingAndThen(
                Collectors.toList(),
                all -> {
                    if (all.size() != 1) {
                        throw new IllegalStateException("expected one " + what + ", found " + all);
                    }
                    return all.get(0);
                });
    }
}
