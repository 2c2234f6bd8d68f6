package io.syncline.embedded;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.avro.Schema;
import org.apache.avro.SchemaParseException;
import org.apache.avro.generic.GenericDatumWriter;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.EncoderFactory;

/**
 * A schema registry speaking the part of Confluent Schema Registry's REST API that Kafka Connect's
 * AvroConverter and its readers use, for tests and the demo: Confluent's registry is not on Maven
 * Central. Schemas get global ids, the same schema the same id in every subject; errors are
 * answered as the real registry answers them ({@code {"error_code":40403,"message":"Schema not
 * found"}}).
 *
 * <ul>
 *   <li>{@code POST /subjects/{subject}/versions} with {@code {"schema": "...", "schemaType":
 *       "AVRO"}} registers a schema and answers {@code {"id": n}}
 *   <li>{@code GET /schemas/ids/{id}} answers {@code {"schema": "..."}}
 *   <li>{@code GET /subjects} and {@code GET /subjects/{subject}/versions} list them
 * </ul>
 *
 * <p>Optionally it asks for HTTP basic authentication, and it can be told to fail the next requests
 * with 500, as a registry whose backing store is away does.
 */
public final class SchemaRegistryStandIn implements AutoCloseable {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String CONTENT_TYPE = "application/vnd.schemaregistry.v1+json";
    private static final Pattern SCHEMA_BY_ID = Pattern.compile("/schemas/ids/(-?\\d+)");
    private static final Pattern VERSIONS = Pattern.compile("/subjects/([^/]+)/versions");

    private final HttpServer server;
    private final ExecutorService executor;
    private final String authorization;
    private final Map<Integer, Registered> byId = new LinkedHashMap<>();
    private final Map<String, Integer> idsBySchema = new LinkedHashMap<>();
    private final Map<String, List<Integer>> subjects = new LinkedHashMap<>();
    private final AtomicInteger failures = new AtomicInteger();
    private final AtomicInteger schemaRequests = new AtomicInteger();
    private int nextId = 1;

    private SchemaRegistryStandIn(String username, String password) throws IOException {
        this.authorization =
                username == null
                        ? null
                        : "Basic "
                                + Base64.getEncoder()
                                        .encodeToString(
                                                (username + ":" + password)
                                                        .getBytes(StandardCharsets.UTF_8));
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        executor = Executors.newFixedThreadPool(2, SchemaRegistryStandIn::daemon);
        server.setExecutor(executor);
        server.createContext("/", this::handle);
        server.start();
    }

    /** A registry without authentication, on a free port of the loopback interface. */
    public static SchemaRegistryStandIn start() {
        return start(null, null);
    }

    /** A registry that answers only requests with these basic-auth credentials. */
    public static SchemaRegistryStandIn start(String username, String password) {
        try {
            return new SchemaRegistryStandIn(username, password);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start the schema registry stand-in", e);
        }
    }

    /** The base URL, e.g. {@code http://127.0.0.1:41234}. */
    public String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    /** Registers the Avro schema {@code schema} under {@code subject}; its id. */
    public synchronized int register(String subject, Schema schema) {
        return register(subject, schema.toString(), "AVRO");
    }

    /**
     * {@code record} in Confluent's wire format, its schema registered under {@code subject}, as
     * Kafka Connect's AvroConverter writes it (e.g. subject {@code <topic>-value}).
     */
    public byte[] serialize(String subject, GenericRecord record) {
        return wireFormat(register(subject, record.getSchema()), record);
    }

    /**
     * {@code record} in Confluent's wire format with the schema id {@code schemaId}: a zero magic
     * byte, the id in 4 bytes big-endian, then the Avro binary.
     */
    public static byte[] wireFormat(int schemaId, GenericRecord record) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(0);
        out.writeBytes(ByteBuffer.allocate(4).putInt(schemaId).array());
        BinaryEncoder encoder = EncoderFactory.get().binaryEncoder(out, null);
        try {
            new GenericDatumWriter<GenericRecord>(record.getSchema()).write(record, encoder);
            encoder.flush();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    /** Answers the next {@code count} requests with 500, as a registry whose store is away. */
    public void failNextRequests(int count) {
        failures.set(count);
    }

    /** How many {@code GET /schemas/ids/{id}} requests were answered, whatever the answer. */
    public int schemaRequests() {
        return schemaRequests.get();
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
    }

    /**
     * Registers {@code schema} of {@code type} ({@code AVRO}, {@code JSON}, {@code PROTOBUF}) under
     * {@code subject} as it is, unchecked; its id.
     */
    public synchronized int register(String subject, String schema, String type) {
        String key = type + "\u0000" + schema;
        Integer id = idsBySchema.get(key);
        if (id == null) {
            id = nextId++;
            idsBySchema.put(key, id);
            byId.put(id, new Registered(schema, type));
        }
        List<Integer> versions = subjects.computeIfAbsent(subject, s -> new ArrayList<>());
        if (!versions.contains(id)) {
            versions.add(id);
        }
        return id;
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            String path = exchange.getRequestURI().getPath();
            if (path.startsWith("/schemas/ids/")) {
                schemaRequests.incrementAndGet();
            }
            if (authorization != null
                    && !authorization.equals(
                            exchange.getRequestHeaders().getFirst("Authorization"))) {
                exchange.getResponseHeaders().add("WWW-Authenticate", "Basic realm=\"registry\"");
                error(exchange, 401, 401, "Unauthorized");
                return;
            }
            if (failures.getAndUpdate(n -> n > 0 ? n - 1 : 0) > 0) {
                error(exchange, 500, 50001, "Error in the backend data store");
                return;
            }
            String method = exchange.getRequestMethod();
            Matcher byIdPath = SCHEMA_BY_ID.matcher(path);
            Matcher versionsPath = VERSIONS.matcher(path);
            if (method.equals("GET") && byIdPath.matches()) {
                schemaById(exchange, Integer.parseInt(byIdPath.group(1)));
            } else if (method.equals("POST") && versionsPath.matches()) {
                registerFrom(
                        exchange, URLDecoder.decode(versionsPath.group(1), StandardCharsets.UTF_8));
            } else if (method.equals("GET") && versionsPath.matches()) {
                List<Integer> ids;
                synchronized (this) {
                    ids =
                            subjects.get(
                                    URLDecoder.decode(
                                            versionsPath.group(1), StandardCharsets.UTF_8));
                }
                if (ids == null) {
                    error(exchange, 404, 40401, "Subject not found.");
                } else {
                    List<Integer> versions = new ArrayList<>();
                    for (int v = 1; v <= ids.size(); v++) {
                        versions.add(v);
                    }
                    answer(exchange, 200, JSON.valueToTree(versions));
                }
            } else if (method.equals("GET") && path.equals("/subjects")) {
                synchronized (this) {
                    answer(exchange, 200, JSON.valueToTree(List.copyOf(subjects.keySet())));
                }
            } else {
                error(exchange, 404, 404, "HTTP 404 Not Found");
            }
        }
    }

    private void schemaById(HttpExchange exchange, int id) throws IOException {
        Registered registered;
        synchronized (this) {
            registered = byId.get(id);
        }
        if (registered == null) {
            error(exchange, 404, 40403, "Schema not found");
            return;
        }
        ObjectNode body = JSON.createObjectNode().put("schema", registered.schema());
        if (!registered.type().equals("AVRO")) {
            body.put("schemaType", registered.type());
        }
        answer(exchange, 200, body);
    }

    private void registerFrom(HttpExchange exchange, String subject) throws IOException {
        JsonNode request;
        try {
            request = JSON.readTree(exchange.getRequestBody());
        } catch (IOException e) {
            error(exchange, 422, 42201, "Invalid schema: the request is not JSON");
            return;
        }
        if (request == null || !request.path("schema").isTextual()) {
            error(exchange, 422, 42201, "Invalid schema: no schema in the request");
            return;
        }
        String type = request.path("schemaType").asText("AVRO");
        String schema = request.get("schema").asText();
        if (type.equals("AVRO")) {
            try {
                // Kept as the real registry keeps it: in Avro's canonical JSON.
                schema = new Schema.Parser().parse(schema).toString();
            } catch (SchemaParseException e) {
                error(exchange, 422, 42201, "Invalid schema " + e.getMessage());
                return;
            }
        }
        answer(exchange, 200, JSON.createObjectNode().put("id", register(subject, schema, type)));
    }

    private static void error(HttpExchange exchange, int status, int code, String message)
            throws IOException {
        answer(
                exchange,
                status,
                JSON.createObjectNode().put("error_code", code).put("message", message));
    }

    private static void answer(HttpExchange exchange, int status, JsonNode body)
            throws IOException {
        byte[] bytes = JSON.writeValueAsBytes(body);
        exchange.getResponseHeaders().add("Content-Type", CONTENT_TYPE);
        exchange.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }

    private static Thread daemon(Runnable task) {
        Thread thread = new Thread(task, "schema-registry-stand-in");
        thread.setDaemon(true);
        return thread;
    }

    private record Registered(String schema, String type) {}
}
