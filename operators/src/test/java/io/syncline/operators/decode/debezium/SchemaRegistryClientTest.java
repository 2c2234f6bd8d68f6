package io.syncline.operators.decode.debezium;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.syncline.embedded.SchemaRegistryStandIn;
import io.syncline.operators.retry.RetryPolicy;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.http.HttpClient;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.apache.avro.Schema;
import org.apache.avro.SchemaBuilder;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Asks a real HTTP server speaking the registry's REST API (the stand-in), never a mock. */
class SchemaRegistryClientTest {

    private static final RetryPolicy THREE_ATTEMPTS =
            new RetryPolicy(3, Duration.ofMillis(100), Duration.ofSeconds(1));

    private static SchemaRegistryStandIn registry;
    private static SchemaRegistryStandIn securedRegistry;

    private final List<Duration> waits = new ArrayList<>();

    @BeforeAll
    static void startRegistries() {
        registry = SchemaRegistryStandIn.start();
        securedRegistry = SchemaRegistryStandIn.start("syncline", "s3cret");
    }

    @AfterAll
    static void stopRegistries() {
        registry.close();
        securedRegistry.close();
    }

    @Test
    void fetchesASchemaByIdOnceAndKeepsIt() throws Exception {
        Schema schema = customerKey("Fetched");
        int id = registry.register("fetched-key", schema);
        int before = registry.schemaRequests();
        SchemaRegistryClient client = client(registry.url(), null, null);

        assertThat(client.schema(id)).isEqualTo(schema);
        assertThat(client.schema(id)).isEqualTo(schema);
        assertThat(registry.schemaRequests() - before).isEqualTo(1);
    }

    @Test
    void anIdWithoutSchemaIsUnknownAtOnce() {
        int before = registry.schemaRequests();

        assertThatThrownBy(() -> client(registry.url() + "/", null, null).schema(424242))
                .isInstanceOf(UnknownSchemaException.class)
                .hasMessage(
                        "schema registry "
                                + registry.url()
                                + " has no schema with id 424242; was the message written"
                                + " against another registry?");
        assertThat(registry.schemaRequests() - before).isEqualTo(1);
        assertThat(waits).isEmpty();
    }

    @Test
    void aSchemaThatIsNotAvroIsUnknown() {
        int id = registry.register("json-value", "{\"type\":\"object\"}", "JSON");

        assertThatThrownBy(() -> client(registry.url(), null, null).schema(id))
                .isInstanceOf(UnknownSchemaException.class)
                .hasMessage(
                        "schema "
                                + id
                                + " is a JSON schema, not Avro; write the topic with Confluent's"
                                + " AvroConverter or set the source's format to what the topic"
                                + " holds");
    }

    @Test
    void signsInWithBasicAuthentication() throws Exception {
        Schema schema = customerKey("Secured");
        int id = securedRegistry.register("secured-key", schema);

        assertThat(client(securedRegistry.url(), "syncline", "s3cret").schema(id))
                .isEqualTo(schema);
        assertThatThrownBy(() -> client(securedRegistry.url(), "syncline", "wrong").schema(id))
                .isInstanceOf(SchemaRegistryException.class)
                .hasMessage(
                        "schema registry "
                                + securedRegistry.url()
                                + " refused the request for schema "
                                + id
                                + " (401 {\"error_code\":401,\"message\":\"Unauthorized\"}); check"
                                + " sources[].schemaRegistry.username and password");
        assertThat(waits).isEmpty();
    }

    @Test
    void retriesServerErrorsWithGrowingWaits() throws Exception {
        Schema schema = customerKey("Retried");
        int id = registry.register("retried-key", schema);
        int before = registry.schemaRequests();
        registry.failNextRequests(2);

        assertThat(client(registry.url(), null, null).schema(id)).isEqualTo(schema);
        assertThat(registry.schemaRequests() - before).isEqualTo(3);
        assertThat(waits).containsExactly(Duration.ofMillis(100), Duration.ofMillis(200));
    }

    @Test
    void givesUpWhenTheRegistryKeepsFailing() {
        int id = registry.register("failing-key", customerKey("Failing"));
        registry.failNextRequests(3);

        assertThatThrownBy(() -> client(registry.url(), null, null).schema(id))
                .isInstanceOf(SchemaRegistryException.class)
                .hasMessage(
                        "schema registry "
                                + registry.url()
                                + " failed 3 times to give schema "
                                + id
                                + "; the last answer: 500 {\"error_code\":50001,\"message\":\"Error"
                                + " in the backend data store\"}; is it reachable from here? the"
                                + " job retries once it restarts");
        assertThat(waits).hasSize(2);
    }

    @Test
    void givesUpOnARegistryThatIsNotThere() throws IOException {
        int port;
        try (ServerSocket free = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = free.getLocalPort();
        }

        assertThatThrownBy(() -> client("http://127.0.0.1:" + port, null, null).schema(1))
                .isInstanceOf(SchemaRegistryException.class)
                .hasMessageStartingWith(
                        "schema registry http://127.0.0.1:" + port + " failed 3 times")
                .hasCauseInstanceOf(IOException.class);
    }

    @Test
    void timesOutARegistryThatDoesNotAnswer() throws IOException {
        // Connections are accepted by the kernel's backlog and never answered.
        try (ServerSocket silent = new ServerSocket(0, 10, InetAddress.getLoopbackAddress())) {
            SchemaRegistrySettings settings =
                    new SchemaRegistrySettings(
                            "http://127.0.0.1:" + silent.getLocalPort(),
                            null,
                            null,
                            Duration.ofMillis(300),
                            THREE_ATTEMPTS);
            SchemaRegistryClient client =
                    new SchemaRegistryClient(settings, HttpClient.newHttpClient(), waits::add);

            assertThatThrownBy(() -> client.schema(1))
                    .isInstanceOf(SchemaRegistryException.class)
                    .hasMessageContaining("failed 3 times")
                    .hasCauseInstanceOf(HttpTimeoutException.class);
        }
    }

    @Test
    void aPathThatIsNotTheRegistrysIsAConfigurationError() {
        assertThatThrownBy(() -> client(registry.url() + "/api", null, null).schema(1))
                .isInstanceOf(SchemaRegistryException.class)
                .hasMessage(
                        "schema registry "
                                + registry.url()
                                + "/api refused the request for schema 1 (404"
                                + " {\"error_code\":404,\"message\":\"HTTP 404 Not Found\"});"
                                + " that is not the registry's 'schema not found': check that"
                                + " sources[].schemaRegistry.url is the registry's base URL");
    }

    @Test
    void keepsThePasswordOutOfItsSettingsText() {
        assertThat(new SchemaRegistrySettings("http://registry:8081/", "syncline", "s3cret"))
                .hasToString(
                        "SchemaRegistrySettings[http://registry:8081, user syncline, timeout PT10S,"
                                + " 5 attempts]");
    }

    private SchemaRegistryClient client(String url, String username, String password) {
        SchemaRegistrySettings settings =
                new SchemaRegistrySettings(
                        url, username, password, Duration.ofSeconds(5), THREE_ATTEMPTS);
        return new SchemaRegistryClient(settings, HttpClient.newHttpClient(), waits::add);
    }

    private static Schema customerKey(String name) {
        return SchemaBuilder.record(name)
                .namespace("PostgreSQL_server.public.customers")
                .fields()
                .requiredInt("id")
                .endRecord();
    }
}
