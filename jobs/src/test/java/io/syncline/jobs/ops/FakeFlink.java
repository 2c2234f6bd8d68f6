package io.syncline.jobs.ops;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A stand-in for a Flink REST API that answers each "METHOD /path" with a canned status and body
 * and records what it was asked, for tests of the error paths; the real behaviour is proven on a
 * real cluster ({@code ClusterOperationsITCase}).
 */
public final class FakeFlink implements AutoCloseable {

    private final HttpServer server;
    private final Map<String, Answer> answers = new LinkedHashMap<>();
    private final List<String> requests = new ArrayList<>();
    private final Map<String, String> bodies = new LinkedHashMap<>();

    public FakeFlink() throws IOException {
        server = HttpServer.create(new InetSocketAddress("localhost", 0), 0);
        server.createContext(
                "/",
                exchange -> {
                    String uri = exchange.getRequestURI().toString();
                    String key = exchange.getRequestMethod() + " " + uri;
                    String body;
                    try (InputStream in = exchange.getRequestBody()) {
                        body = new String(in.readAllBytes(), StandardCharsets.UTF_8);
                    }
                    Answer answer;
                    synchronized (this) {
                        requests.add(key);
                        bodies.put(key, body);
                        answer =
                                answers.getOrDefault(
                                        key,
                                        new Answer(
                                                404, "{\"errors\":[\"Not found: " + uri + "\"]}"));
                    }
                    byte[] bytes = answer.body().getBytes(StandardCharsets.UTF_8);
                    exchange.getResponseHeaders().set("Content-Type", "application/json");
                    exchange.sendResponseHeaders(answer.status(), bytes.length);
                    try (OutputStream out = exchange.getResponseBody()) {
                        out.write(bytes);
                    }
                });
        server.start();
    }

    /** The base URL, for {@code --rest}. */
    public String url() {
        return "http://localhost:" + server.getAddress().getPort();
    }

    /** Answers {@code request} ("GET /jobs/overview") with 200 and {@code json}. */
    public FakeFlink on(String request, String json) {
        return on(request, 200, json);
    }

    public synchronized FakeFlink on(String request, int status, String json) {
        answers.put(request, new Answer(status, json));
        return this;
    }

    /** The requests made so far, as "METHOD /path?query". */
    public synchronized List<String> requests() {
        return List.copyOf(requests);
    }

    /** The body of the last {@code request} ("POST /jobs/x/savepoints"), null if none was made. */
    public synchronized String body(String request) {
        return bodies.get(request);
    }

    @Override
    public void close() {
        server.stop(0);
    }

    /** A job as GET /jobs/overview lists it. */
    public static String overviewEntry(String id, String name, String state, long startTime) {
        return "{\"jid\":\"%s\",\"name\":\"%s\",\"state\":\"%s\",\"start-time\":%d}"
                .formatted(id, name, state, startTime);
    }

    /** Flink's error answer for an exception with {@code cause} on the server. */
    public static String serverError(String exception, String cause) {
        String trace =
                "org.apache.flink.runtime.rest.handler.RestHandlerException: "
                        + exception
                        + "\\n\\tat org.apache.flink.runtime.webmonitor.handlers.JarRunHandler"
                        + ".handleRequest(JarRunHandler.java:100)\\nCaused by: "
                        + cause
                        + "\\n\\tat io.syncline.jobs.cli.SynclineCli.main(SynclineCli.java:70)"
                        + "\\n\\t... 12 more\\n";
        return "{\"errors\":[\"Internal server error.\",\"<Exception on server side:\\n"
                + trace
                + "\\nEnd of exception on server side>\"]}";
    }

    private record Answer(int status, String body) {}
}
