package io.syncline.jobs.config;

import static io.syncline.jobs.config.ConfigFiles.problem;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.entry;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The {@code eventHubs} profile of {@code sinks.kafka} and of {@code debezium-kafka} sources: the
 * exact Kafka client properties it stands for, that real Kafka clients accept them (and, with
 * OAuth, fetch their token from the configured authority), and the problems it names.
 */
class EventHubsConfigTest {

    private static final String CONNECTION_STRING =
            "Endpoint=sb://contoso-sync.servicebus.windows.net/;SharedAccessKeyName=syncline;"
                    + "SharedAccessKey=c2VjcmV0LWtleS0xMjM0NTY3ODkw";

    private static final String PLAIN_JAAS =
            "org.apache.kafka.common.security.plain.PlainLoginModule required"
                    + " username=\"$ConnectionString\" password=\""
                    + CONNECTION_STRING
                    + "\";";

    @TempDir Path directory;

    @Test
    void aConnectionStringSignsInWithPlainOverSaslSsl() {
        SynclineConfig config =
                load(
                        sinks(
                                "eventHubs: {connectionString: \"" + CONNECTION_STRING + "\"}",
                                "properties: {linger.ms: \"20\"}"),
                        "");

        KafkaSinkSettings kafka = config.sinks().kafka();
        assertThat(kafka.bootstrapServers()).isEqualTo("contoso-sync.servicebus.windows.net:9093");
        assertThat(kafka.properties())
                .containsOnly(
                        entry("security.protocol", "SASL_SSL"),
                        entry("sasl.mechanism", "PLAIN"),
                        entry("sasl.jaas.config", PLAIN_JAAS),
                        entry("metadata.max.age.ms", "180000"),
                        entry("connections.max.idle.ms", "180000"),
                        entry("max.request.size", "1000000"),
                        entry("request.timeout.ms", "60000"),
                        entry("session.timeout.ms", "30000"),
                        entry("linger.ms", "20"));
        // Real clients take the settings (the JAAS text is parsed and the login runs).
        try (KafkaProducer<byte[], byte[]> producer = producer(kafka)) {
            assertThat(producer.metrics()).isNotEmpty();
        }
    }

    @Test
    void oauthFetchesAClientCredentialsTokenForTheNamespace() throws IOException {
        List<String> tokenRequests = new CopyOnWriteArrayList<>();
        HttpServer authority = tokenAuthority(tokenRequests);
        try {
            String base = "http://localhost:" + authority.getAddress().getPort();
            SynclineConfig config =
                    load(
                            sinks(
                                    "eventHubs: {namespace: contoso-sync, oauth: {tenantId:"
                                            + " tenant-1, clientId: app-1, clientSecret: s3cret,"
                                            + " authority: \""
                                            + base
                                            + "\"}}",
                                    ""),
                            "");

            KafkaSinkSettings kafka = config.sinks().kafka();
            assertThat(kafka.properties())
                    .contains(
                            entry("security.protocol", "SASL_SSL"),
                            entry("sasl.mechanism", "OAUTHBEARER"),
                            entry(
                                    "sasl.oauthbearer.token.endpoint.url",
                                    base + "/tenant-1/oauth2/v2.0/token"),
                            entry(
                                    "sasl.login.callback.handler.class",
                                    "org.apache.kafka.common.security.oauthbearer"
                                            + ".OAuthBearerLoginCallbackHandler"),
                            entry(
                                    "sasl.jaas.config",
                                    "org.apache.kafka.common.security.oauthbearer"
                                            + ".OAuthBearerLoginModule required clientId=\"app-1\""
                                            + " clientSecret=\"s3cret\" scope=\"https://"
                                            + "contoso-sync.servicebus.windows.net/.default\";"));

            try (KafkaProducer<byte[], byte[]> producer = producer(kafka)) {
                assertThat(producer.metrics()).isNotEmpty();
            }
            assertThat(tokenRequests)
                    .as("the client's login asked the authority for a token")
                    .first()
                    .isEqualTo(
                            "POST /tenant-1/oauth2/v2.0/token Basic "
                                    + Base64.getEncoder()
                                            .encodeToString(
                                                    "app-1:s3cret".getBytes(StandardCharsets.UTF_8))
                                    + " grant_type=client_credentials&scope="
                                    + "https%3A%2F%2Fcontoso-sync.servicebus.windows.net"
                                    + "%2F.default");
        } finally {
            authority.stop(0);
        }
    }

    @Test
    void aDebeziumSourceReadsFromEventHubsWithItsOwnProfile() {
        SynclineConfig config =
                load(
                        sinks("bootstrapServers: kafka:9092", ""),
                        """
                          - id: erp
                            type: debezium-kafka
                            topics: [erp.public.orders]
                            eventHubs:
                              connectionString: "%s"
                            tables:
                              - {table: public.orders, entityType: order, tenant: acme}
                        """
                                .formatted(CONNECTION_STRING));

        DebeziumKafkaSourceConfig erp = (DebeziumKafkaSourceConfig) config.changeSources().get(0);
        assertThat(erp.bootstrapServers()).isEqualTo("contoso-sync.servicebus.windows.net:9093");
        assertThat(erp.properties())
                .contains(entry("sasl.jaas.config", PLAIN_JAAS), entry("sasl.mechanism", "PLAIN"));
        Properties consumer = new Properties();
        consumer.putAll(erp.properties());
        consumer.put("bootstrap.servers", "localhost:9093");
        try (KafkaConsumer<byte[], byte[]> client =
                new KafkaConsumer<>(
                        consumer, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            assertThat(client.metrics()).isNotEmpty();
        }
        assertThat(config.sinks().kafka().properties()).doesNotContainKey("sasl.jaas.config");
    }

    @Test
    void problemsAreNamedWithoutRepeatingTheSecret() {
        ConfigException e =
                failure(
                        sinks(
                                "bootstrapServers: kafka:9092\n    eventHubs: {namespace: x,"
                                        + " connectionString: \"Endpoint=https://nope;key=TOPSECRET\"}",
                                "properties: {sasl.mechanism: SCRAM-SHA-512}\n    tls: {rootCert: ca.pem}"));

        assertThat(problem(e, "sinks.kafka.bootstrapServers"))
                .isEqualTo(
                        "is set by eventHubs (x.servicebus.windows.net:9093); remove it, or"
                                + " remove eventHubs for another cluster");
        assertThat(problem(e, "sinks.kafka.eventHubs.connectionString"))
                .startsWith("is not an Event Hubs connection string")
                .doesNotContain("TOPSECRET");
        assertThat(problem(e, "sinks.kafka.eventHubs.namespace"))
                .contains("'x' is not an Event Hubs namespace name");
        assertThat(problem(e, "sinks.kafka.properties.sasl.mechanism"))
                .contains("is set by eventHubs");
        assertThat(problem(e, "sinks.kafka.tls")).contains("is not needed with eventHubs");
        assertThat(e.getMessage()).doesNotContain("TOPSECRET");
    }

    @Test
    void signInMustBeOneOfConnectionStringAndOauth() {
        assertThat(
                        problem(
                                failure(sinks("eventHubs: {namespace: contoso-sync}", "")),
                                "sinks.kafka.eventHubs"))
                .startsWith("says neither how to sign in");
        assertThat(
                        problem(
                                failure(
                                        sinks(
                                                "eventHubs: {connectionString: \""
                                                        + CONNECTION_STRING
                                                        + "\", oauth: {tenantId: t, clientId: c,"
                                                        + " clientSecret: s}}",
                                                "")),
                                "sinks.kafka.eventHubs"))
                .startsWith("both connectionString and oauth are set");
        assertThat(
                        problem(
                                failure(
                                        sinks(
                                                "eventHubs: {namespace: other-space,"
                                                        + " connectionString: \""
                                                        + CONNECTION_STRING
                                                        + "\"}",
                                                "")),
                                "sinks.kafka.eventHubs.connectionString"))
                .isEqualTo(
                        "is for namespace 'contoso-sync', but namespace is 'other-space'; use the"
                                + " connection string of namespace 'other-space' or correct"
                                + " namespace");
    }

    /** A Microsoft Entra ID token endpoint: records each request and answers with a JWT. */
    private static HttpServer tokenAuthority(List<String> requests) throws IOException {
        HttpServer server =
                HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext(
                "/",
                exchange -> {
                    String body =
                            new String(
                                    exchange.getRequestBody().readAllBytes(),
                                    StandardCharsets.UTF_8);
                    requests.add(
                            exchange.getRequestMethod()
                                    + " "
                                    + exchange.getRequestURI().getPath()
                                    + " "
                                    + exchange.getRequestHeaders().getFirst("Authorization")
                                    + " "
                                    + body);
                    long now = Instant.now().getEpochSecond();
                    String jwt =
                            base64Url("{\"alg\":\"none\",\"typ\":\"JWT\"}")
                                    + "."
                                    + base64Url(
                                            "{\"sub\":\"app-1\",\"iat\":"
                                                    + now
                                                    + ",\"exp\":"
                                                    + (now + 3600)
                                                    + "}")
                                    + ".c2lnbmF0dXJl";
                    byte[] response =
                            ("{\"token_type\":\"Bearer\",\"expires_in\":3600,\"access_token\":\""
                                            + jwt
                                            + "\"}")
                                    .getBytes(StandardCharsets.UTF_8);
                    exchange.getResponseHeaders().add("Content-Type", "application/json");
                    exchange.sendResponseHeaders(200, response.length);
                    exchange.getResponseBody().write(response);
                    exchange.close();
                });
        server.start();
        return server;
    }

    private static String base64Url(String json) {
        return Base64.getUrlEncoder()
                .withoutPadding()
                .encodeToString(json.getBytes(StandardCharsets.UTF_8));
    }

    private static KafkaProducer<byte[], byte[]> producer(KafkaSinkSettings kafka) {
        Properties properties = new Properties();
        properties.putAll(kafka.properties());
        // The namespace's name does not resolve here; the client connects lazily anyway.
        properties.put("bootstrap.servers", "localhost:9093");
        return new KafkaProducer<>(
                properties, new ByteArraySerializer(), new ByteArraySerializer());
    }

    private static String sinks(String kafka, String more) {
        return """
            sinks:
              kafka:
                %s
                %s
              target:
                url: jdbc:postgresql://localhost:5432/warehouse
                username: syncline
            """
                .formatted(kafka, more);
    }

    private SynclineConfig load(String sinks, String moreSources) {
        return ConfigFiles.load(directory, yaml(sinks, moreSources));
    }

    private ConfigException failure(String sinks) {
        return ConfigFiles.failure(directory, yaml(sinks, ""));
    }

    private static String yaml(String sinks, String moreSources) {
        return """
                sources:
                  - id: crm
                    hostname: db.internal
                    database: crm
                    username: syncline
                    tables:
                      - {table: public.customers, entityType: customer, tenantColumn: tenant_id}
                """
                + moreSources
                + sinks;
    }
}
