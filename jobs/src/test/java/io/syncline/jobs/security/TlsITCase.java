package io.syncline.jobs.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.syncline.embedded.EmbeddedKafkaBroker;
import io.syncline.embedded.EmbeddedPostgresServer;
import io.syncline.embedded.TestCertificates;
import io.syncline.jobs.Poll;
import io.syncline.jobs.TableRows;
import io.syncline.jobs.TopicReader;
import io.syncline.jobs.config.ConfigLoader;
import io.syncline.jobs.config.PostgresTls;
import io.syncline.jobs.config.SynclineConfig;
import io.syncline.jobs.wiring.JobEnvironments;
import io.syncline.jobs.wiring.SyncJobFactory;
import io.syncline.schema.ChangeEvent;
import io.syncline.schema.Operation;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLHandshakeException;
import javax.net.ssl.SSLSocket;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.errors.SslAuthenticationException;
import org.apache.kafka.common.errors.TimeoutException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.postgresql.Driver;

/**
 * The sync job with every connection over TLS 1.3 with client certificates: a PostgreSQL server
 * that accepts {@code hostssl} connections with a certificate only, as source and target, and a
 * Kafka broker whose only listener is SSL with {@code ssl.client.auth=required}. Since the servers
 * refuse anything else, rows arriving prove that every connection the job makes (CDC snapshot and
 * replication, target writes, topics) uses the configured TLS; and plaintext or certificate-less
 * clients are refused.
 */
class TlsITCase {

    private static final Duration TIMEOUT = Duration.ofMinutes(2);
    private static final String SOURCE_DB = "src_tls";
    private static final String TARGET_DB = "tgt_tls";
    private static final String CHANGE_TOPIC = "changes-tls";

    @RegisterExtension
    static final MiniClusterExtension FLINK =
            new MiniClusterExtension(
                    new MiniClusterResourceConfiguration.Builder()
                            .setNumberTaskManagers(1)
                            .setNumberSlotsPerTaskManager(2)
                            .build());

    @TempDir static Path directory;

    private static TestCertificates certificates;
    private static EmbeddedPostgresServer postgres;
    private static EmbeddedKafkaBroker kafka;

    @BeforeAll
    static void startServersWithMutualTls() {
        certificates = TestCertificates.create(directory.resolve("tls"));
        postgres = EmbeddedPostgresServer.startWithTls(certificates.postgresServer(true));
        kafka = EmbeddedKafkaBroker.startWithTls(certificates.kafkaServer(true));
    }

    @AfterAll
    static void stopServers() {
        if (kafka != null) {
            kafka.close();
        }
        if (postgres != null) {
            postgres.close();
        }
    }

    @Test
    void syncJobDeliversOverMutualTls13ToTargetAndTopic() throws Exception {
        postgres.createDatabase(SOURCE_DB);
        postgres.createDatabase(TARGET_DB);
        postgres.execute(
                SOURCE_DB,
                "CREATE TABLE customers (id BIGINT PRIMARY KEY, tenant_id TEXT, name TEXT)",
                "INSERT INTO customers VALUES (1, 'acme', 'Ada'), (2, 'globex', 'Grace')");
        SynclineConfig config = ConfigLoader.load(writeConfig());

        JobClient job = start(config);
        try {
            awaitTargetRows(List.of(List.of("1", "acme", "Ada"), List.of("2", "globex", "Grace")));
            postgres.execute(SOURCE_DB, "INSERT INTO customers VALUES (3, 'acme', 'Linus')");
            awaitTargetRows(
                    List.of(
                            List.of("1", "acme", "Ada"),
                            List.of("2", "globex", "Grace"),
                            List.of("3", "acme", "Linus")));

            assertThat(readChanges(config, 3))
                    .extracting(
                            change ->
                                    change.getTenant()
                                            + "/"
                                            + change.getEntityId()
                                            + " "
                                            + change.getOp())
                    .containsExactlyInAnyOrder(
                            "acme/1 " + Operation.READ,
                            "globex/2 " + Operation.READ,
                            "acme/3 " + Operation.CREATE);
            // Replication and query connections of the job, as the server saw them.
            try (Connection c = postgres.connect("postgres")) {
                assertThat(
                                TableRows.query(
                                        c,
                                        "SELECT DISTINCT a.datname, a.backend_type, s.ssl,"
                                                + " s.version, s.client_dn"
                                                + " FROM pg_stat_activity a JOIN pg_stat_ssl s"
                                                + " USING (pid) WHERE a.datname IN ('"
                                                + SOURCE_DB
                                                + "', '"
                                                + TARGET_DB
                                                + "') ORDER BY 1, 2"))
                        .containsExactly(
                                List.of(
                                        SOURCE_DB,
                                        "client backend",
                                        "t",
                                        "TLSv1.3",
                                        "/CN=postgres"),
                                List.of(SOURCE_DB, "walsender", "t", "TLSv1.3", "/CN=postgres"),
                                List.of(
                                        TARGET_DB,
                                        "client backend",
                                        "t",
                                        "TLSv1.3",
                                        "/CN=postgres"));
            }
        } finally {
            Poll.cancel(job);
        }
    }

    @Test
    void plaintextConnectionsAreRefused() {
        Properties plaintext = credentials();
        plaintext.setProperty("sslmode", "disable");
        assertThatThrownBy(() -> connect(postgres.jdbcUrl("postgres"), plaintext))
                .isInstanceOf(SQLException.class)
                .hasMessageContaining("no pg_hba.conf entry for host")
                .hasMessageContaining("no encryption");

        assertThatThrownBy(() -> describeCluster(Map.of()))
                .isInstanceOf(ExecutionException.class)
                .hasCauseInstanceOf(TimeoutException.class);
    }

    @Test
    void clientsWithoutCertificateAreRefusedWhenMutualTlsIsRequired() {
        String url =
                new PostgresTls(
                                PostgresTls.Mode.VERIFY_FULL,
                                certificates.caCertificate().toString(),
                                null,
                                null)
                        .addTo(postgres.jdbcUrl("postgres"));
        assertThatThrownBy(() -> connect(url, credentials()))
                .isInstanceOf(SQLException.class)
                .hasMessageContaining("connection requires a valid client certificate");

        Map<String, Object> serverCheckedOnly = new HashMap<>();
        serverCheckedOnly.put("security.protocol", "SSL");
        serverCheckedOnly.put("ssl.enabled.protocols", "TLSv1.3");
        serverCheckedOnly.put("ssl.truststore.type", "PKCS12");
        serverCheckedOnly.put("ssl.truststore.location", certificates.truststore().toString());
        serverCheckedOnly.put("ssl.truststore.password", TestCertificates.PASSWORD);
        assertThatThrownBy(() -> describeCluster(serverCheckedOnly))
                .isInstanceOf(ExecutionException.class)
                .hasCauseInstanceOf(SslAuthenticationException.class);
    }

    @Test
    void aServerOfferingOnlyTls12IsRefused() throws Exception {
        SSLContext context = SSLContext.getInstance("TLS");
        KeyManagerFactory keys = KeyManagerFactory.getInstance("PKIX");
        KeyStore keystore = KeyStore.getInstance("PKCS12");
        char[] password = TestCertificates.PASSWORD.toCharArray();
        try (InputStream in = Files.newInputStream(certificates.serverKeystore())) {
            keystore.load(in, password);
        }
        keys.init(keystore, password);
        context.init(keys.getKeyManagers(), null, null);

        try (ServerSocket server = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            CompletableFuture<Void> tls12Server =
                    CompletableFuture.runAsync(() -> answerWithTls12(server, context));
            String url =
                    new PostgresTls(
                                    PostgresTls.Mode.VERIFY_FULL,
                                    certificates.caCertificate().toString(),
                                    null,
                                    null)
                            .addTo("jdbc:postgresql://localhost:" + server.getLocalPort() + "/db");

            assertThatThrownBy(() -> connect(url, credentials()))
                    .isInstanceOf(SQLException.class)
                    .hasRootCauseInstanceOf(SSLHandshakeException.class)
                    .rootCause()
                    .hasMessageContaining("protocol_version");
            tls12Server.get();
        }
    }

    /**
     * Plays a PostgreSQL server that speaks TLS 1.2 at most: accepts pgjdbc's SSLRequest, then
     * shakes hands offering TLS 1.2 only.
     */
    private static void answerWithTls12(ServerSocket server, SSLContext context) {
        try (Socket client = server.accept()) {
            client.getInputStream().readNBytes(8);
            client.getOutputStream().write('S');
            client.getOutputStream().flush();
            try (SSLSocket tls =
                    (SSLSocket)
                            context.getSocketFactory()
                                    .createSocket(client, "localhost", client.getPort(), false)) {
                tls.setUseClientMode(false);
                tls.setEnabledProtocols(new String[] {"TLSv1.2"});
                tls.startHandshake();
            } catch (SSLException expected) {
                // The client refuses: the handshake fails on both sides.
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The configuration, next to the certificates, which it names by relative paths. */
    private static Path writeConfig() throws Exception {
        String postgresTls =
                "{mode: verify-full, rootCert: ca.pem, clientCert: client.pem, clientKey:"
                        + " client.pk8}";
        String yaml =
                """
                job:
                  name: it-tls
                  parallelism: 1
                checkpoints:
                  interval: 1s
                  directory: %1$s
                sources:
                  - id: crm_tls
                    hostname: %2$s
                    port: %3$d
                    database: %4$s
                    username: %5$s
                    password: %6$s
                    tls: %7$s
                    tables:
                      - table: public.customers
                        entityType: customer
                        tenantColumn: tenant_id
                sinks:
                  kafka:
                    bootstrapServers: %8$s
                    changeTopic: %9$s
                    errorTopic: errors-tls
                    controlTopic: control-tls
                    transactionalIdPrefix: it-tls
                    tls:
                      truststore: truststore.p12
                      truststorePassword: %10$s
                      keystore: client.p12
                      keystorePassword: %10$s
                  target:
                    url: %11$s
                    username: %5$s
                    password: %6$s
                    batchInterval: 100ms
                    tls: %7$s
                """
                        .formatted(
                                directory.resolve("checkpoints").toUri(),
                                postgres.host(),
                                postgres.port(),
                                SOURCE_DB,
                                postgres.username(),
                                postgres.password(),
                                postgresTls,
                                kafka.bootstrapServers(),
                                CHANGE_TOPIC,
                                TestCertificates.PASSWORD,
                                postgres.jdbcUrl(TARGET_DB));
        Path file = certificates.directory().resolve("syncline.yaml");
        Files.writeString(file, yaml);
        return file;
    }

    private static JobClient start(SynclineConfig config) throws Exception {
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        JobEnvironments.configure(env, config);
        env.getConfig().disableGenericTypes();
        SyncJobFactory.create(config).build(env);
        return env.executeAsync(config.job().name());
    }

    private static void awaitTargetRows(List<List<String>> expected) throws Exception {
        Poll.until(TIMEOUT, "target rows " + expected, () -> targetRows().equals(expected));
    }

    private static List<List<String>> targetRows() throws SQLException {
        try (Connection c = postgres.connect(TARGET_DB)) {
            return TableRows.query(
                    c,
                    "SELECT id, tenant_id, name FROM customers WHERE NOT _syncline_deleted"
                            + " ORDER BY id");
        } catch (SQLException e) {
            if ("42P01".equals(e.getSQLState())) {
                return List.of(); // The job has not created the table yet.
            }
            throw e;
        }
    }

    /** The committed changes, read with the job's own Kafka client settings (TLS included). */
    private static List<ChangeEvent> readChanges(SynclineConfig config, int count)
            throws Exception {
        try (TopicReader reader =
                new TopicReader(
                        kafka.bootstrapServers(),
                        CHANGE_TOPIC,
                        config.sinks().kafka().properties())) {
            List<ChangeEvent> changes = new ArrayList<>();
            for (ConsumerRecord<byte[], byte[]> record :
                    reader.readUntil(
                            read -> read.size() >= count, TIMEOUT, Duration.ofSeconds(2))) {
                changes.add(ChangeEvent.getDecoder().decode(ByteBuffer.wrap(record.value())));
            }
            return changes;
        }
    }

    private static Properties credentials() {
        Properties properties = new Properties();
        properties.setProperty("user", postgres.username());
        properties.setProperty("password", postgres.password());
        return properties;
    }

    private static void connect(String url, Properties properties) throws SQLException {
        new Driver().connect(url, properties).close();
    }

    /** Asks the broker for its nodes, giving up after a few seconds. */
    private static void describeCluster(Map<String, Object> client) throws Exception {
        Map<String, Object> properties = new HashMap<>(client);
        properties.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
        properties.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 2_000);
        properties.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 5_000);
        try (Admin admin = Admin.create(properties)) {
            admin.describeCluster().nodes().get();
        }
    }
}
