package io.syncline.operators.alert.notify;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * A real HTTP endpoint on a free local port for each test: it records every request and answers
 * with the statuses it was told to, then 200. It can also hold requests until released, to keep a
 * delivery in flight.
 */
final class RecordingEndpoint implements BeforeEachCallback, AfterEachCallback {

    /** One request as the endpoint received it. */
    record Request(String method, String path, Map<String, List<String>> headers, String body) {

        String header(String name) {
            return headers.entrySet().stream()
                    .filter(entry -> entry.getKey().equalsIgnoreCase(name))
                    .map(entry -> entry.getValue().get(0))
                    .findFirst()
                    .orElse(null);
        }
    }

    private final List<Request> requests = new CopyOnWriteArrayList<>();
    private final Queue<Integer> statuses = new ArrayDeque<>();
    private volatile CountDownLatch hold = new CountDownLatch(0);
    private HttpServer server;
    private ExecutorService executor;

    @Override
    public void beforeEach(ExtensionContext context) throws IOException {
        requests.clear();
        synchronized (statuses) {
            statuses.clear();
        }
        hold = new CountDownLatch(0);
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/", this::handle);
        // Several threads, so that a held request does not hold up the others.
        executor = Executors.newCachedThreadPool();
        server.setExecutor(executor);
        server.start();
    }

    @Override
    public void afterEach(ExtensionContext context) {
        hold.countDown();
        server.stop(0);
        executor.shutdownNow();
    }

    /** The URL of {@code path} on this endpoint. */
    String url(String path) {
        return "http://127.0.0.1:" + server.getAddress().getPort() + path;
    }

    /** Answers the next requests with {@code codes}, one each, then with 200. */
    void answer(Integer... codes) {
        synchronized (statuses) {
            statuses.addAll(List.of(codes));
        }
    }

    /** Holds every request from now on until {@link #release()}. */
    void holdRequests() {
        hold = new CountDownLatch(1);
    }

    void release() {
        hold.countDown();
    }

    List<Request> requests() {
        return List.copyOf(requests);
    }

    List<Request> requestsTo(String path) {
        return requests.stream().filter(request -> request.path().equals(path)).toList();
    }

    private void handle(HttpExchange exchange) throws IOException {
        String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
        requests.add(
                new Request(
                        exchange.getRequestMethod(),
                        exchange.getRequestURI().getPath(),
                        Map.copyOf(exchange.getRequestHeaders()),
                        body));
        try {
            hold.await(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        Integer status;
        synchronized (statuses) {
            status = statuses.poll();
        }
        int code = status == null ? 200 : status;
        byte[] answer = (code == 200 ? "ok" : "error " + code).getBytes(StandardCharsets.UTF_8);
        exchange.sendResponseHeaders(code, answer.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(answer);
        }
    }
}
