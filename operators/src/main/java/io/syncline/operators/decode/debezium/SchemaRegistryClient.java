package io.syncline.operators.decode.debezium;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.syncline.operators.retry.Sleeper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import org.apache.avro.Schema;
import org.apache.avro.SchemaParseException;

/**
 * Fetches Avro schemas by id from a Confluent-compatible schema registry ({@code GET
 * /schemas/ids/{id}}), the one call a reader of the Confluent wire format needs, and keeps them: a
 * registered schema never changes under its id. Confluent's own client is not used because its
 * artifacts are not on Maven Central.
 */
public final class SchemaRegistryClient {

    /** The registry's error code for an id it has no schema under. */
    static final int SCHEMA_NOT_FOUND = 40403;

    private static final String ACCEPT = "application/vnd.schemaregistry.v1+json";
    private static final int MAX_MESSAGE = 300;

    private final SchemaRegistrySettings settings;
    private final HttpClient client;
    private final Sleeper sleeper;
    private final ObjectMapper json = new ObjectMapper();
    private final Map<Integer, Schema> schemas = new ConcurrentHashMap<>();

    /** A client with a new HTTP client that waits between retries on the calling thread. */
    public SchemaRegistryClient(SchemaRegistrySettings settings) {
        this(
                settings,
                HttpClient.newBuilder().connectTimeout(settings.requestTimeout()).build(),
                Sleeper.SYSTEM);
    }

    /**
     * @param sleeper waits between attempts
     */
    public SchemaRegistryClient(
            SchemaRegistrySettings settings, HttpClient client, Sleeper sleeper) {
        this.settings = Objects.requireNonNull(settings, "settings");
        this.client = Objects.requireNonNull(client, "client");
        this.sleeper = Objects.requireNonNull(sleeper, "sleeper");
    }

    /**
     * The Avro schema registered under {@code id}.
     *
     * @throws UnknownSchemaException the registry has no schema under the id, or not an Avro one
     * @throws SchemaRegistryException the registry cannot be reached, keeps failing or refuses
     *     Syncline's credentials
     */
    public Schema schema(int id) throws UnknownSchemaException {
        Schema known = schemas.get(id);
        if (known != null) {
            return known;
        }
        Schema fetched = parse(id, fetch(id));
        schemas.put(id, fetched);
        return fetched;
    }

    /** The registry's answer for {@code id}: its JSON body, after retrying passing failures. */
    private JsonNode fetch(int id) throws UnknownSchemaException {
        HttpRequest.Builder builder =
                HttpRequest.newBuilder(URI.create(settings.url() + "/schemas/ids/" + id))
                        .timeout(settings.requestTimeout())
                        .header("Accept", ACCEPT)
                        .GET();
        if (settings.username() != null) {
            String credentials =
                    settings.username()
                            + ":"
                            + (settings.password() == null ? "" : settings.password());
            builder.header(
                    "Authorization",
                    "Basic "
                            + Base64.getEncoder()
                                    .encodeToString(credentials.getBytes(StandardCharsets.UTF_8)));
        }
        HttpRequest request = builder.build();
        int failures = 0;
        while (true) {
            Answer answer = send(request);
            if (answer.status() == 200) {
                return body(answer, id);
            }
            if (answer.status() == 404 && errorCode(answer) == SCHEMA_NOT_FOUND) {
                throw new UnknownSchemaException(
                        "schema registry "
                                + settings.url()
                                + " has no schema with id "
                                + id
                                + "; was the message written against another registry?");
            }
            if (!answer.passing()) {
                throw refused(id, answer);
            }
            failures++;
            if (failures >= settings.retry().maxAttempts()) {
                throw new SchemaRegistryException(
                        "schema registry "
                                + settings.url()
                                + " failed "
                                + failures
                                + " times to give schema "
                                + id
                                + "; the last answer: "
                                + (answer.failure() != null
                                        ? answer.failure().toString()
                                        : answer.status() + " " + abbreviated(answer.body()))
                                + "; is it reachable from here? the job retries once it restarts",
                        answer.failure());
            }
            pause(failures);
        }
    }

    private Answer send(HttpRequest request) {
        try {
            HttpResponse<String> response =
                    client.send(
                            request, HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
            return new Answer(response.statusCode(), response.body(), null);
        } catch (IOException e) {
            // Unreachable, reset or timed out: may pass, like a 503.
            return new Answer(-1, "", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new SchemaRegistryException(
                    "interrupted while asking schema registry " + settings.url(), e);
        }
    }

    private void pause(int failures) {
        try {
            sleeper.sleep(settings.retry().backoff(failures, ThreadLocalRandom.current()));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new SchemaRegistryException(
                    "interrupted while waiting to ask schema registry " + settings.url(), e);
        }
    }

    private JsonNode body(Answer answer, int id) {
        try {
            JsonNode body = json.readTree(answer.body());
            if (body != null && body.path("schema").isTextual()) {
                return body;
            }
        } catch (JsonProcessingException e) {
            // Reported below, like an answer without a schema.
        }
        throw new SchemaRegistryException(
                settings.url()
                        + " answered the request for schema "
                        + id
                        + " without one ("
                        + abbreviated(answer.body())
                        + "); check that sources[].schemaRegistry.url is the registry's base URL");
    }

    private static Schema parse(int id, JsonNode body) throws UnknownSchemaException {
        String type = body.path("schemaType").asText("AVRO");
        if (!type.equals("AVRO")) {
            throw new UnknownSchemaException(
                    "schema "
                            + id
                            + " is a "
                            + type
                            + " schema, not Avro; write the topic with Confluent's AvroConverter"
                            + " or set the source's format to what the topic holds");
        }
        try {
            return new Schema.Parser()
                    .setValidateDefaults(false)
                    .parse(body.get("schema").asText());
        } catch (SchemaParseException e) {
            throw new UnknownSchemaException(
                    "schema " + id + " is not a valid Avro schema (" + e.getMessage() + ")");
        }
    }

    private int errorCode(Answer answer) {
        try {
            return json.readTree(answer.body()).path("error_code").asInt(-1);
        } catch (JsonProcessingException e) {
            return -1;
        }
    }

    private SchemaRegistryException refused(int id, Answer answer) {
        String fix =
                switch (answer.status()) {
                    case 401 -> "; check sources[].schemaRegistry.username and password";
                    case 403 ->
                            "; the user "
                                    + settings.username()
                                    + " may not read schemas: grant it read access to the"
                                    + " subjects of the topic";
                    case 404 ->
                            "; that is not the registry's 'schema not found': check that"
                                    + " sources[].schemaRegistry.url is the registry's base URL";
                    default -> "";
                };
        return new SchemaRegistryException(
                "schema registry "
                        + settings.url()
                        + " refused the request for schema "
                        + id
                        + " ("
                        + answer.status()
                        + " "
                        + abbreviated(answer.body())
                        + ")"
                        + fix);
    }

    private static String abbreviated(String text) {
        String stripped = text == null ? "" : text.strip();
        return stripped.length() <= MAX_MESSAGE
                ? stripped
                : stripped.substring(0, MAX_MESSAGE) + "…";
    }

    /** One answer of the registry, or the I/O failure that stood in for it (status -1). */
    private record Answer(int status, String body, IOException failure) {

        /** Unreachable, timed out, throttled or failing on the registry's side: may pass. */
        boolean passing() {
            return status == -1 || status == 429 || status >= 500;
        }
    }
}
