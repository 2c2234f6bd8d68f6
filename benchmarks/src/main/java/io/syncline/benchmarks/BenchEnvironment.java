package io.syncline.benchmarks;

import io.syncline.embedded.EmbeddedKafkaBroker;
import io.syncline.embedded.EmbeddedPostgresServer;
import io.syncline.jobs.config.ConfigLoader;
import io.syncline.jobs.config.SynclineConfig;
import io.syncline.jobs.wiring.KeyRings;
import io.syncline.operators.keys.KeyTable;
import io.syncline.operators.keys.Pkcs12Settings;
import io.syncline.operators.sink.TargetTable;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.LogDirDescription;
import org.apache.kafka.clients.admin.ReplicaInfo;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.Node;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * The systems a benchmark runs against, started in-process as the integration tests do: a real
 * PostgreSQL with logical replication (source and target databases) and a real KRaft Kafka broker;
 * plus the Syncline configuration of each job variant, which gets its own replication slot, topics,
 * target database and checkpoint directory.
 */
public final class BenchEnvironment implements AutoCloseable {

    /** The source database the workload writes. */
    public static final String SOURCE_DATABASE = "bench_src";

    /** The publication every variant reads. */
    public static final String PUBLICATION = "bench_pub";

    private final EmbeddedPostgresServer postgres;
    private final EmbeddedKafkaBroker kafka;
    private final Path workDir;
    private final BenchmarkSettings settings;

    private BenchEnvironment(
            EmbeddedPostgresServer postgres,
            EmbeddedKafkaBroker kafka,
            Path workDir,
            BenchmarkSettings settings) {
        this.postgres = postgres;
        this.kafka = kafka;
        this.workDir = workDir;
        this.settings = settings;
    }

    /** Starts PostgreSQL and Kafka and creates the source tables. */
    public static BenchEnvironment start(BenchmarkSettings settings, Path workDir) {
        EmbeddedPostgresServer postgres = EmbeddedPostgresServer.start();
        try {
            EmbeddedKafkaBroker kafka = EmbeddedKafkaBroker.start();
            postgres.createDatabase(SOURCE_DATABASE);
            Workload.createTables(postgres, SOURCE_DATABASE);
            return new BenchEnvironment(postgres, kafka, workDir, settings);
        } catch (RuntimeException e) {
            postgres.close();
            throw e;
        }
    }

    public EmbeddedPostgresServer postgres() {
        return postgres;
    }

    public EmbeddedKafkaBroker kafka() {
        return kafka;
    }

    public Path workDir() {
        return workDir;
    }

    public BenchmarkSettings settings() {
        return settings;
    }

    /** Target database of a variant. */
    public static String targetDatabase(String variant) {
        return "tgt_" + variant;
    }

    /** Change topic of a variant. */
    public static String changeTopic(String variant) {
        return "bench." + variant + ".changes";
    }

    /** Replication slot of a variant. */
    public static String slotName(String variant) {
        return "bench_" + variant;
    }

    /**
     * The configuration of job variant {@code variant}; where it encrypts fields, the keystore and
     * the key table are created first, as {@code syncline keys init} creates them before a job
     * starts.
     */
    public SynclineConfig config(JobVariant variant) throws IOException, SQLException {
        SynclineConfig config = config(variant.id(), SOURCE_DATABASE, variant.sections());
        if (config.security().keys() != null) {
            initKeys(config, targetDatabase(variant.id()));
        }
        return config;
    }

    /**
     * The configuration of one job variant, written to a YAML file and loaded by {@link
     * ConfigLoader} like any Syncline configuration; its target database and topics are created.
     * Observability is on with the defaults a production configuration has (tumbling 1-minute
     * windows, heartbeats every 10 s, one change in a hundred read back), but no Prometheus
     * endpoint: every variant's local cluster would bind the same port.
     *
     * @param variant short lowercase id, e.g. {@code full_eo}
     */
    public SynclineConfig config(String variant) throws IOException {
        return config(variant, SOURCE_DATABASE);
    }

    /** The configuration of a variant reading {@code sourceDatabase} instead of the workload's. */
    public SynclineConfig config(String variant, String sourceDatabase) throws IOException {
        return config(variant, sourceDatabase, "");
    }

    /**
     * The configuration of a variant reading {@code sourceDatabase}, with {@code sections}
     * (top-level YAML sections, or empty) appended.
     */
    private SynclineConfig config(String variant, String sourceDatabase, String sections)
            throws IOException {
        postgres.createDatabase(targetDatabase(variant));
        kafka.createTopic(changeTopic(variant), settings.parallelism());
        kafka.createTopic(errorTopic(variant), settings.parallelism());
        String tables =
                WorkloadSchema.TABLES.stream()
                        .map(
                                t ->
                                        "      - table: public."
                                                + t.name()
                                                + "\n        entityType: "
                                                + t.entityType()
                                                + "\n        tenantColumn: tenant_id\n")
                        .collect(Collectors.joining());
        String yaml =
                """
                job:
                  name: bench-%1$s
                  parallelism: %2$d
                checkpoints:
                  interval: %3$dms
                  directory: %4$s
                restart:
                  initialBackoff: 500ms
                  maxBackoff: 5s
                tenants: [%5$s]
                sources:
                  - id: bench
                    hostname: %6$s
                    port: %7$d
                    database: %8$s
                    username: %9$s
                    password: %10$s
                    slotName: %11$s
                    publication: %12$s
                    startup: latest
                    tables:
                %13$s\
                sinks:
                  kafka:
                    bootstrapServers: %14$s
                    changeTopic: %15$s
                    errorTopic: %16$s
                    controlTopic: bench.%1$s.control
                    conflictTopic: bench.%1$s.conflicts
                    qualityTopic: bench.%1$s.quality
                    alertTopic: bench.%1$s.alerts
                    eventTopic: %19$s
                    transactionalIdPrefix: bench-%1$s
                  target:
                    url: %17$s
                    username: %9$s
                    password: %10$s
                validation:
                  rules: rules.yaml
                observability:
                  enabled: true
                  window:
                    kind: tumbling
                    size: 1m
                  heartbeat:
                    interval: 10s
                  readBack:
                    sampleRate: 0.01
                  prometheus:
                    port: 0
                %18$s\
                """
                        .formatted(
                                variant,
                                settings.parallelism(),
                                settings.checkpointInterval().toMillis(),
                                workDir.resolve("checkpoints").resolve(variant).toUri(),
                                String.join(", ", WorkloadSchema.TENANTS),
                                postgres.host(),
                                postgres.port(),
                                sourceDatabase,
                                postgres.username(),
                                postgres.password(),
                                slotName(variant),
                                PUBLICATION,
                                tables,
                                kafka.bootstrapServers(),
                                changeTopic(variant),
                                errorTopic(variant),
                                postgres.jdbcUrl(targetDatabase(variant)),
                                sections,
                                eventTopic(variant));
        Path file = workDir.resolve(variant + ".yaml");
        Files.createDirectories(workDir);
        Files.writeString(file, yaml);
        Files.writeString(workDir.resolve("rules.yaml"), WorkloadSchema.rules());
        return ConfigLoader.load(file);
    }

    /**
     * What {@code syncline keys init} does (the keystore with a new key-encryption key, the key
     * table), through the same classes.
     */
    private void initKeys(SynclineConfig config, String targetDatabase) throws SQLException {
        if (config.security().keys().keyService() instanceof Pkcs12Settings pkcs12) {
            pkcs12.createIfMissing();
        }
        try (Connection connection = postgres.connect(targetDatabase)) {
            KeyRings.table(config).create(connection);
        }
    }

    /**
     * What an encrypting variant left in its target database.
     *
     * @param dataKeys data keys made, by kind ({@code tenant}, {@code subject})
     * @param liveRows rows in its three target tables that are not tombstones (a tombstone's
     *     columns are null)
     * @param encryptedRows those of them whose encrypted fields all hold ciphertext
     */
    public record EncryptedTargets(Map<String, Long> dataKeys, long liveRows, long encryptedRows) {}

    /** What {@code variant} left in its target database: its keys and its encrypted rows. */
    public EncryptedTargets encryptedTargets(JobVariant variant) throws SQLException {
        Map<String, Long> keys = new TreeMap<>();
        long rows = 0;
        long encrypted = 0;
        try (Connection connection = postgres.connect(targetDatabase(variant.id()));
                Statement statement = connection.createStatement()) {
            try (ResultSet kinds =
                    statement.executeQuery(
                            "SELECT kind, count(*) FROM "
                                    + new KeyTable("public", KeyTable.DEFAULT_NAME).qualifiedName()
                                    + " GROUP BY kind")) {
                while (kinds.next()) {
                    keys.put(kinds.getString(1), kinds.getLong(2));
                }
            }
            String live = "NOT " + TargetTable.DELETED_COLUMN;
            String allEncrypted =
                    JobVariant.ENCRYPTED_FIELDS.stream()
                            .map(field -> " AND " + field + " LIKE 'syncline:%'")
                            .collect(Collectors.joining());
            for (WorkloadSchema.Table table : WorkloadSchema.TABLES) {
                try (ResultSet counts =
                        statement.executeQuery(
                                "SELECT count(*) FILTER (WHERE "
                                        + live
                                        + "), count(*) FILTER (WHERE "
                                        + live
                                        + allEncrypted
                                        + ") FROM "
                                        + table.name())) {
                    counts.next();
                    rows += counts.getLong(1);
                    encrypted += counts.getLong(2);
                }
            }
        }
        return new EncryptedTargets(keys, rows, encrypted);
    }

    /**
     * What {@code variant}'s event topic holds.
     *
     * @param records committed records ({@code read_committed}, to the end offsets when counted)
     * @param bytes the topic's size in the broker's log directories (compressed as written)
     */
    public record EventTopic(long records, long bytes) {}

    /** What {@code variant}'s event topic holds; nothing if the variant has none. */
    public EventTopic eventTopic(JobVariant variant) throws Exception {
        String topic = eventTopic(variant.id());
        Map<String, Object> properties = new HashMap<>();
        properties.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
        properties.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        properties.put(ConsumerConfig.ALLOW_AUTO_CREATE_TOPICS_CONFIG, "false");
        long bytes = 0;
        try (Admin admin = Admin.create(properties)) {
            if (!admin.listTopics().names().get().contains(topic)) {
                return new EventTopic(0, 0);
            }
            for (Map<String, LogDirDescription> dirs :
                    admin.describeLogDirs(
                                    admin.describeCluster().nodes().get().stream()
                                            .map(Node::id)
                                            .toList())
                            .allDescriptions()
                            .get()
                            .values()) {
                for (LogDirDescription dir : dirs.values()) {
                    for (Map.Entry<TopicPartition, ReplicaInfo> replica :
                            dir.replicaInfos().entrySet()) {
                        if (replica.getKey().topic().equals(topic)) {
                            bytes += replica.getValue().size();
                        }
                    }
                }
            }
        }
        try (KafkaConsumer<byte[], byte[]> consumer =
                new KafkaConsumer<>(
                        properties, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            List<TopicPartition> partitions =
                    consumer.partitionsFor(topic).stream()
                            .map(info -> new TopicPartition(topic, info.partition()))
                            .toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> ends = consumer.endOffsets(partitions);
            long records = 0;
            long deadline = System.nanoTime() + Duration.ofMinutes(2).toNanos();
            while (partitions.stream().anyMatch(p -> consumer.position(p) < ends.get(p))) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException(
                            "the event topic " + topic + " was not read to its end in 2 minutes");
                }
                records += consumer.poll(Duration.ofMillis(200)).count();
            }
            return new EventTopic(records, bytes);
        }
    }

    private static String eventTopic(String variant) {
        return "bench." + variant + ".events";
    }

    private static String errorTopic(String variant) {
        return "bench." + variant + ".errors";
    }

    /** Drops a variant's replication slot, so it stops holding WAL back. */
    public void dropSlot(String variant) {
        postgres.execute(
                SOURCE_DATABASE,
                "SELECT pg_drop_replication_slot(slot_name) FROM pg_replication_slots WHERE"
                        + " slot_name = '"
                        + slotName(variant)
                        + "' AND NOT active");
    }

    @Override
    public void close() {
        try {
            kafka.close();
        } finally {
            postgres.close();
        }
    }
}
