package io.syncline.jobs.observe;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A real local HTTP endpoint that accepts every POST with 202 and keeps the bodies per path, as
 * Slack, PagerDuty or an SMS gateway would receive them.
 */
final class WebhookRecorder implements AutoCloseable {

    private final HttpServer server;
    private final Map<String, List<String>> bodies = new ConcurrentHashMap<>();

    WebhookRecorder() throws IOException {
        server = HttpServer.create(new InetSocketAddress("localhost", 0), 0);
        server.createContext(
                "/",
                exchange -> {
                    try (InputStream in = exchange.getRequestBody()) {
                        String body = new String(in.readAllBytes(), StandardCharsets.UTF_8);
                        bodies.computeIfAbsent(
                                        exchange.getRequestURI().getPath(),
                                        path -> new CopyOnWriteArrayList<>())
                                .add(body);
                    }
                    exchange.sendResponseHeaders(202, -1);
                    exchange.close();
                });
        server.start();
    }

    /** The URL of {@code path} on this endpoint. */
    String url(String path) {
        return "http://localhost:" + server.getAddress().getPort() + path;
    }

    /** The bodies posted to {@code path} so far, in arrival order. */
    List<String> bodies(String path) {
        return List.copyOf(bodies.getOrDefault(path, List.of()));
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
