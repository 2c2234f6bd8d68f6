package io.syncline.embedded;

import java.io.IOException;
import java.net.BindException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Properties;
import java.util.TreeMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import kafka.server.BrokerMetadataCheckpoint;
import kafka.server.KafkaConfig;
import kafka.server.KafkaRaftServer;
import kafka.server.MetaProperties;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.TopicPartitionInfo;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.apache.kafka.common.record.FileRecords;
import org.apache.kafka.common.record.RecordBatch;
import org.apache.kafka.common.utils.Time;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import scala.Option;

/**
 * A real single-node Kafka 3.4 broker in KRaft mode (combined broker and controller, no ZooKeeper)
 * running inside this JVM, for the demo, integration tests and benchmarks.
 *
 * <p>Configured for one node: internal topics have replication factor 1, topics are auto-created
 * with 2 partitions, and transactions may last up to 15 minutes ({@code
 * transaction.max.timeout.ms}), so exactly-once producers must use a {@code transaction.timeout.ms}
 * of at most 900000.
 *
 * <p>Started {@linkplain #startWithTls with TLS}, its only client listener is an SSL one, TLS 1.3
 * only; clients then need {@link #clientProperties()} or settings like them.
 */
public final class EmbeddedKafkaBroker implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(EmbeddedKafkaBroker.class);

    private static final String HOST = "127.0.0.1";
    private static final int NODE_ID = 1;
    private static final Duration READY_TIMEOUT = Duration.ofSeconds(60);
    private static final int MAX_ATTEMPTS_ON_FREE_PORTS = 3;
    private static final TimeUnit MILLIS = TimeUnit.MILLISECONDS;

    private volatile KafkaRaftServer server;
    private final Path logDirectory;
    private final int port;
    private final int controllerPort;
    private final KafkaServerTls tls;
    private final AtomicBoolean closed = new AtomicBoolean();
    private final Thread shutdownHook;

    private EmbeddedKafkaBroker(
            KafkaRaftServer server,
            Path logDirectory,
            int port,
            int controllerPort,
            KafkaServerTls tls) {
        this.server = server;
        this.logDirectory = logDirectory;
        this.port = port;
        this.controllerPort = controllerPort;
        this.tls = tls;
        // Like zonky does for PostgreSQL: a demo stopped with Ctrl-C leaves no files behind.
        this.shutdownHook = new Thread(this::close, "kafka-" + port + "-closer");
        Runtime.getRuntime().addShutdownHook(shutdownHook);
    }

    /** Starts a broker on free ports. */
    public static EmbeddedKafkaBroker start() {
        return start(0);
    }

    /**
     * Starts a broker whose PLAINTEXT listener is on the given port ({@code 0} picks a free one);
     * the controller listener always takes a free port.
     *
     * @throws IllegalStateException if the broker does not start, e.g. the port is taken
     */
    public static EmbeddedKafkaBroker start(int port) {
        return start(port, null);
    }

    /**
     * Starts a broker on free ports whose only client listener is SSL, TLS 1.3 only.
     *
     * @throws IllegalStateException if the broker does not start
     */
    public static EmbeddedKafkaBroker startWithTls(KafkaServerTls tls) {
        return start(0, Objects.requireNonNull(tls, "tls"));
    }

    private static EmbeddedKafkaBroker start(int port, KafkaServerTls tls) {
        Local.checkPort(port);
        Local.checkPortFree(port, "Kafka");
        // A free port found here can be taken by someone else before the broker binds it.
        int attempts = port == 0 ? MAX_ATTEMPTS_ON_FREE_PORTS : 1;
        for (int attempt = 1; ; attempt++) {
            try {
                return startOnce(port == 0 ? Local.freePort() : port, tls);
            } catch (IllegalStateException e) {
                if (attempt >= attempts || !causedByBindFailure(e)) {
                    throw e;
                }
                LOG.warn("Kafka could not bind its ports, retrying: {}", e.toString());
            }
        }
    }

    private static EmbeddedKafkaBroker startOnce(int port, KafkaServerTls tls) {
        long startNanos = System.nanoTime();
        int controllerPort = Local.freePort();
        while (controllerPort == port) {
            controllerPort = Local.freePort();
        }
        Path logDirectory = Local.newTempDirectory("syncline-kafka-");
        KafkaRaftServer server = null;
        EmbeddedKafkaBroker broker = null;
        try {
            KafkaConfig config =
                    new KafkaConfig(config(port, controllerPort, logDirectory, tls), false);
            format(logDirectory);
            server = new KafkaRaftServer(config, Time.SYSTEM, Option.empty());
            // Returns once the broker is registered with the controller and unfenced.
            server.startup();
            broker = new EmbeddedKafkaBroker(server, logDirectory, port, controllerPort, tls);
            broker.awaitReady();
            LOG.info(
                    "Kafka started on {} in {} ms (logs in {})",
                    broker.bootstrapServers(),
                    Local.millisSince(startNanos),
                    logDirectory);
            return broker;
        } catch (Exception e) {
            if (broker != null) {
                broker.close();
            } else if (server != null) {
                stop(server);
            }
            Local.deleteQuietly(logDirectory);
            throw new IllegalStateException("Could not start Kafka on port " + port, e);
        }
    }

    private static Properties config(
            int port, int controllerPort, Path logDirectory, KafkaServerTls tls) {
        String listener = tls == null ? "PLAINTEXT" : "SSL";
        Properties p = new Properties();
        p.put("process.roles", "broker,controller");
        p.put("node.id", String.valueOf(NODE_ID));
        p.put("controller.quorum.voters", NODE_ID + "@" + HOST + ":" + controllerPort);
        p.put(
                "listeners",
                listener
                        + "://"
                        + HOST
                        + ":"
                        + port
                        + ",CONTROLLER://"
                        + HOST
                        + ":"
                        + controllerPort);
        p.put("advertised.listeners", listener + "://" + HOST + ":" + port);
        p.put(
                "listener.security.protocol.map",
                listener + ":" + listener + ",CONTROLLER:PLAINTEXT");
        p.put("controller.listener.names", "CONTROLLER");
        // The broker also connects to itself here, e.g. to write transaction markers.
        p.put("inter.broker.listener.name", listener);
        if (tls != null) {
            p.putAll(storeSettings(tls));
            p.put("ssl.client.auth", tls.requireClientCertificate() ? "required" : "none");
        }
        p.put("log.dirs", logDirectory.toString());

        // A single node: internal topics cannot have more than one replica.
        p.put("offsets.topic.replication.factor", "1");
        p.put("offsets.topic.num.partitions", "4");
        p.put("transaction.state.log.replication.factor", "1");
        p.put("transaction.state.log.min.isr", "1");
        p.put("transaction.state.log.num.partitions", "4");
        p.put("default.replication.factor", "1");
        p.put("min.insync.replicas", "1");

        p.put("auto.create.topics.enable", "true");
        p.put("num.partitions", "2");
        p.put("group.initial.rebalance.delay.ms", "0");
        // The default, made explicit: Flink's exactly-once KafkaSink asks for a 1 h
        // transaction.timeout.ms unless told otherwise, which this limit rejects.
        p.put("transaction.max.timeout.ms", "900000");

        // The default 128 MB compaction buffer would be allocated on the shared test heap.
        p.put("log.cleaner.dedupe.buffer.size", String.valueOf(8 * 1024 * 1024));
        p.put("num.network.threads", "2");
        p.put("num.io.threads", "4");
        return p;
    }

    /**
     * Writes {@code meta.properties} (version 1, a random cluster id, the node id) as {@code
     * kafka-storage.sh format} does: a KRaft node refuses to start on an unformatted directory. The
     * format tool also writes {@code bootstrap.checkpoint}; without it the node bootstraps from the
     * configured inter.broker.protocol.version, which defaults to the same latest metadata.version,
     * so it is skipped (and with it the runtime-only kafka-server-common API).
     */
    private static void format(Path logDirectory) {
        MetaProperties metaProperties = new MetaProperties(Uuid.randomUuid().toString(), NODE_ID);
        new BrokerMetadataCheckpoint(logDirectory.resolve("meta.properties").toFile())
                .write(metaProperties.toProperties());
    }

    /**
     * TLS 1.3 only, the key and trust stores of {@code tls}, host names checked: what the broker's
     * SSL listener and its clients (the broker itself included) use.
     */
    private static Map<String, String> storeSettings(KafkaServerTls tls) {
        return Map.of(
                "ssl.protocol",
                "TLSv1.3",
                "ssl.enabled.protocols",
                "TLSv1.3",
                "ssl.endpoint.identification.algorithm",
                "https",
                "ssl.keystore.type",
                "PKCS12",
                "ssl.keystore.location",
                tls.keystore().toString(),
                "ssl.keystore.password",
                tls.password(),
                "ssl.key.password",
                tls.password(),
                "ssl.truststore.type",
                "PKCS12",
                "ssl.truststore.location",
                tls.truststore().toString(),
                "ssl.truststore.password",
                tls.password());
    }

    /**
     * What a client needs besides {@code bootstrap.servers}: nothing on a plaintext broker; on one
     * with TLS, SSL with the broker's own trust store and key store, which are trusted as a client
     * certificate too.
     */
    public Map<String, String> clientProperties() {
        if (tls == null) {
            return Map.of();
        }
        Map<String, String> properties = new HashMap<>(storeSettings(tls));
        properties.put("security.protocol", "SSL");
        return Map.copyOf(properties);
    }

    private void awaitReady() throws Exception {
        long deadline = System.nanoTime() + READY_TIMEOUT.toNanos();
        try (Admin admin = admin()) {
            while (true) {
                Collection<?> nodes =
                        admin.describeCluster().nodes().get(READY_TIMEOUT.toMillis(), MILLIS);
                if (!nodes.isEmpty()) {
                    return;
                }
                if (System.nanoTime() > deadline) {
                    throw new TimeoutException("Kafka reported no live broker");
                }
                pause();
            }
        }
    }

    /** The bootstrap servers clients connect to, e.g. {@code 127.0.0.1:9092}. */
    public String bootstrapServers() {
        return HOST + ":" + port;
    }

    /** The port of the client listener (PLAINTEXT, or SSL with TLS). */
    public int port() {
        return port;
    }

    /**
     * How the data batches stored for {@code topic} are compressed, read from its log segments on
     * disk: each compression type with its number of batches. Transaction markers (control batches,
     * never compressed) are left out.
     */
    public Map<String, Integer> batchCompression(String topic) throws IOException {
        Map<String, Integer> batches = new TreeMap<>();
        try (DirectoryStream<Path> partitions =
                Files.newDirectoryStream(logDirectory, topic + "-[0-9]*")) {
            for (Path partition : partitions) {
                try (DirectoryStream<Path> segments =
                        Files.newDirectoryStream(partition, "*.log")) {
                    for (Path segment : segments) {
                        try (FileRecords records = FileRecords.open(segment.toFile(), false)) {
                            for (RecordBatch batch : records.batches()) {
                                if (!batch.isControlBatch()) {
                                    batches.merge(batch.compressionType().name, 1, Integer::sum);
                                }
                            }
                        }
                    }
                }
            }
        }
        return batches;
    }

    /**
     * Creates a topic with replication factor 1 and waits until all its partitions have a leader.
     * Does nothing if the topic exists, whatever its partition count.
     */
    public void createTopic(String name, int partitions) {
        try (Admin admin = admin()) {
            try {
                admin.createTopics(List.of(new NewTopic(name, partitions, (short) 1)))
                        .all()
                        .get(READY_TIMEOUT.toMillis(), MILLIS);
            } catch (ExecutionException e) {
                if (!(e.getCause() instanceof TopicExistsException)) {
                    throw e;
                }
            }
            awaitLeaders(admin, name);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted while creating topic " + name, e);
        } catch (Exception e) {
            throw new IllegalStateException("Could not create topic " + name, e);
        }
    }

    private static void awaitLeaders(Admin admin, String topic) throws Exception {
        long deadline = System.nanoTime() + READY_TIMEOUT.toNanos();
        while (true) {
            try {
                Map<String, TopicDescription> descriptions =
                        admin.describeTopics(List.of(topic))
                                .allTopicNames()
                                .get(READY_TIMEOUT.toMillis(), MILLIS);
                List<TopicPartitionInfo> partitions = descriptions.get(topic).partitions();
                if (!partitions.isEmpty()
                        && partitions.stream()
                                .allMatch(p -> p.leader() != null && !p.leader().isEmpty())) {
                    return;
                }
            } catch (ExecutionException e) {
                // The broker's metadata cache may lag behind the controller for a moment.
                if (!(e.getCause() instanceof UnknownTopicOrPartitionException)) {
                    throw e;
                }
            }
            if (System.nanoTime() > deadline) {
                throw new TimeoutException("Topic " + topic + " has no leader yet");
            }
            pause();
        }
    }

    private Admin admin() {
        Map<String, Object> properties = new HashMap<>(clientProperties());
        properties.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers());
        properties.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 10_000);
        properties.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 30_000);
        return Admin.create(properties);
    }

    /**
     * Shuts the broker down (a controlled shutdown, as on a rolling restart) but keeps its logs and
     * ports for {@link #restart()}. Clients see the broker go away; open transactions stay open
     * until the broker is back.
     */
    public synchronized void shutDown() {
        stop(server);
        LOG.info("Kafka on {} shut down", bootstrapServers());
    }

    /**
     * Starts the broker again on its ports and logs after {@link #shutDown()}: topics, committed
     * offsets and transaction state are as they were.
     *
     * @throws IllegalStateException if it does not start
     */
    public synchronized void restart() {
        long startNanos = System.nanoTime();
        try {
            server =
                    new KafkaRaftServer(
                            new KafkaConfig(config(port, controllerPort, logDirectory, tls), false),
                            Time.SYSTEM,
                            Option.empty());
            server.startup();
            awaitReady();
        } catch (Exception e) {
            throw new IllegalStateException("Could not restart Kafka on port " + port, e);
        }
        LOG.info(
                "Kafka restarted on {} in {} ms",
                bootstrapServers(),
                Local.millisSince(startNanos));
    }

    /** Stops the broker, waits until its ports are released and deletes its logs. */
    @Override
    public void close() {
        if (closed.getAndSet(true)) {
            return;
        }
        long startNanos = System.nanoTime();
        stop(server);
        Local.deleteQuietly(logDirectory);
        if (Thread.currentThread() != shutdownHook) {
            try {
                Runtime.getRuntime().removeShutdownHook(shutdownHook);
            } catch (IllegalStateException e) {
                // The JVM is already shutting down.
            }
        }
        LOG.info("Kafka on {} stopped in {} ms", bootstrapServers(), Local.millisSince(startNanos));
    }

    private static void stop(KafkaRaftServer server) {
        try {
            server.shutdown();
            server.awaitShutdown();
        } catch (RuntimeException e) {
            LOG.warn("Error while stopping Kafka", e);
        }
    }

    /** The log directory (data and KRaft metadata), deleted by {@link #close()}. */
    Path logDirectory() {
        return logDirectory;
    }

    int controllerPort() {
        return controllerPort;
    }

    private static boolean causedByBindFailure(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof BindException) {
                return true;
            }
        }
        return false;
    }

    private static void pause() throws InterruptedException {
        // Brief back-off so waiting does not flood the broker with metadata requests.
        Thread.sleep(20);
    }

    @Override
    public String toString() {
        return "EmbeddedKafkaBroker[" + bootstrapServers() + "]";
    }
}
