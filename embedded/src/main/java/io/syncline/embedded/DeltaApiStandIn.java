package io.syncline.embedded;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Deque;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A REST delta API on the loopback interface, for tests of the HTTP source: each resource is an
 * append-only log of change items served in pages after a cursor ({@code ?cursor=c<index>}, or
 * {@code ?since=<ISO instant>} against the items' {@code updated_at}); an OAuth client-credentials
 * token endpoint at {@code /oauth/token} whose tokens can be expired at will; and faults (429 with
 * Retry-After, 503, bodies that are not JSON) served to the next requests a test chooses. Counts
 * every request.
 */
public final class DeltaApiStandIn implements AutoCloseable {

    /** A fault served instead of the next data request's page. */
    public record Fault(int status, String retryAfter, String body) {

        /** A 429 asking to wait {@code retryAfter} (seconds or an HTTP date). */
        public static Fault tooManyRequests(String retryAfter) {
            return new Fault(429, retryAfter, "{\"error\":\"slow down\"}");
        }

        /** A 503 without Retry-After. */
        public static Fault unavailable() {
            return new Fault(503, null, "<html>unavailable</html>");
        }

        /** A 200 whose body is not JSON, as a broken gateway might answer. */
        public static Fault notJson() {
            return new Fault(200, null, "<html>gateway says hi</html>");
        }
    }

    private final HttpServer server;
    private final String clientId;
    private final String clientSecret;
    private final long tokenLifetimeSeconds;
    private final Map<String, List<String>> logs = new ConcurrentHashMap<>();
    private final Map<String, List<Instant>> updatedAt = new ConcurrentHashMap<>();
    private final Deque<Fault> faults = new ArrayDeque<>();
    private final Set<String> validTokens = ConcurrentHashMap.newKeySet();
    private final AtomicInteger tokensIssued = new AtomicInteger();
    private final AtomicInteger dataRequests = new AtomicInteger();
    private final AtomicInteger unauthorized = new AtomicInteger();
    private final Map<Integer, AtomicInteger> faultsServed = new ConcurrentHashMap<>();
    private final List<String> requestedCursors = new ArrayList<>();
    private volatile boolean linkHeader;

    /**
     * @param tokenLifetimeSeconds the {@code expires_in} of the tokens issued
     */
    public DeltaApiStandIn(String clientId, String clientSecret, long tokenLifetimeSeconds)
            throws IOException {
        this.clientId = clientId;
        this.clientSecret = clientSecret;
        this.tokenLifetimeSeconds = tokenLifetimeSeconds;
        this.server =
                HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/oauth/token", this::token);
        server.createContext("/", this::page);
        server.start();
    }

    /** The base URL, e.g. {@code http://127.0.0.1:41234}. */
    public String baseUrl() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    /** The token endpoint's URL. */
    public String tokenUrl() {
        return baseUrl() + "/oauth/token";
    }

    /**
     * Appends an item to {@code resource}'s log (e.g. {@code /customers}); an {@code updated_at}
     * value, if any, must be an ISO instant.
     */
    public void append(String resource, Map<String, ?> item) {
        String json = json(item);
        synchronized (this) {
            logs.computeIfAbsent(resource, r -> new ArrayList<>()).add(json);
            Object time = item.get("updated_at");
            updatedAt
                    .computeIfAbsent(resource, r -> new ArrayList<>())
                    .add(time == null ? Instant.EPOCH : Instant.parse(time.toString()));
        }
    }

    /** Appends an item given as raw JSON text, which need not be an object. */
    public synchronized void appendRaw(String resource, String json) {
        logs.computeIfAbsent(resource, r -> new ArrayList<>()).add(json);
        updatedAt.computeIfAbsent(resource, r -> new ArrayList<>()).add(Instant.EPOCH);
    }

    /** Serves {@code fault} to the next data requests, one each, after those queued before. */
    public synchronized void fail(Fault... next) {
        faults.addAll(List.of(next));
    }

    /** Makes every token issued so far invalid: the next data request with one gets a 401. */
    public void expireTokens() {
        validTokens.clear();
    }

    /** Sends the next cursor in a {@code Link: <...>; rel="next"} header instead of the body. */
    public void useLinkHeader(boolean use) {
        linkHeader = use;
    }

    public int tokensIssued() {
        return tokensIssued.get();
    }

    public int dataRequests() {
        return dataRequests.get();
    }

    /** Data requests refused with 401 for an expired or unknown token. */
    public int unauthorized() {
        return unauthorized.get();
    }

    /** Faults with {@code status} served so far. */
    public int faultsServed(int status) {
        AtomicInteger served = faultsServed.get(status);
        return served == null ? 0 : served.get();
    }

    /** Faults queued and not served yet. */
    public synchronized int faultsQueued() {
        return faults.size();
    }

    /**
     * Every data request that got a page, in order, as {@code resource@cursor} ({@code -} for no
     * cursor), e.g. {@code /customers@c10}.
     */
    public synchronized List<String> requestedCursors() {
        return List.copyOf(requestedCursors);
    }

    private void token(HttpExchange exchange) throws IOException {
        Map<String, String> form =
                query(new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
        String id = form.get("client_id");
        String secret = form.get("client_secret");
        String authorization = exchange.getRequestHeaders().getFirst("Authorization");
        if (authorization != null && authorization.startsWith("Basic ")) {
            String[] pair =
                    new String(
                                    Base64.getDecoder().decode(authorization.substring(6)),
                                    StandardCharsets.UTF_8)
                            .split(":", 2);
            id = URLDecoder.decode(pair[0], StandardCharsets.UTF_8);
            secret = pair.length > 1 ? URLDecoder.decode(pair[1], StandardCharsets.UTF_8) : null;
        }
        if (!"client_credentials".equals(form.get("grant_type"))
                || !clientId.equals(id)
                || !clientSecret.equals(secret)) {
            respond(exchange, 401, Map.of(), "{\"error\":\"invalid_client\"}");
            return;
        }
        String token = "token-" + tokensIssued.incrementAndGet();
        validTokens.add(token);
        respond(
                exchange,
                200,
                Map.of(),
                "{\"access_token\":\""
                        + token
                        + "\",\"token_type\":\"Bearer\",\"expires_in\":"
                        + tokenLifetimeSeconds
                        + "}");
    }

    private void page(HttpExchange exchange) throws IOException {
        dataRequests.incrementAndGet();
        String authorization = exchange.getRequestHeaders().getFirst("Authorization");
        if (authorization == null
                || !authorization.startsWith("Bearer ")
                || !validTokens.contains(authorization.substring(7))) {
            unauthorized.incrementAndGet();
            respond(exchange, 401, Map.of(), "{\"error\":\"invalid_token\"}");
            return;
        }
        Fault fault;
        synchronized (this) {
            fault = faults.poll();
        }
        if (fault != null) {
            faultsServed
                    .computeIfAbsent(fault.status(), s -> new AtomicInteger())
                    .incrementAndGet();
            respond(
                    exchange,
                    fault.status(),
                    fault.retryAfter() == null
                            ? Map.of()
                            : Map.of("Retry-After", fault.retryAfter()),
                    fault.body());
            return;
        }
        String resource = exchange.getRequestURI().getPath();
        Map<String, String> query = query(exchange.getRequestURI().getRawQuery());
        int limit = Integer.parseInt(query.getOrDefault("limit", "100"));
        List<String> items = new ArrayList<>();
        int from;
        int to;
        synchronized (this) {
            List<String> log = logs.getOrDefault(resource, List.of());
            List<Instant> times = updatedAt.getOrDefault(resource, List.of());
            String since = query.get("since");
            String cursor = query.get("cursor");
            requestedCursors.add(
                    resource + "@" + (since != null ? since : cursor == null ? "-" : cursor));
            if (since != null) {
                Instant after = Instant.parse(since);
                List<Integer> matching = new ArrayList<>();
                for (int i = 0; i < log.size(); i++) {
                    if (!times.get(i).isBefore(after)) {
                        matching.add(i);
                    }
                }
                matching.sort((a, b) -> times.get(a).compareTo(times.get(b)));
                matching.stream().limit(limit).forEach(i -> items.add(log.get(i)));
                respond(exchange, 200, Map.of(), "{\"data\":[" + String.join(",", items) + "]}");
                return;
            }
            from = cursor == null ? 0 : Integer.parseInt(cursor.substring(1));
            to = Math.min(log.size(), from + limit);
            items.addAll(log.subList(Math.min(from, log.size()), to));
        }
        String next = "c" + to;
        boolean more = items.size() == limit;
        Map<String, String> headers = new HashMap<>();
        String body;
        if (linkHeader) {
            if (more) {
                headers.put(
                        "Link",
                        "<"
                                + baseUrl()
                                + resource
                                + "?cursor="
                                + next
                                + "&limit="
                                + limit
                                + ">; rel=\"next\"");
            }
            body = "{\"data\":[" + String.join(",", items) + "]}";
        } else {
            body = "{\"data\":[" + String.join(",", items) + "],\"next_cursor\":\"" + next + "\"}";
        }
        respond(exchange, 200, headers, body);
    }

    private static void respond(
            HttpExchange exchange, int status, Map<String, String> headers, String body)
            throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", "application/json");
        headers.forEach((name, value) -> exchange.getResponseHeaders().set(name, value));
        exchange.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }

    private static Map<String, String> query(String query) {
        Map<String, String> params = new LinkedHashMap<>();
        if (query == null || query.isEmpty()) {
            return params;
        }
        for (String pair : query.split("&")) {
            int eq = pair.indexOf('=');
            if (eq > 0) {
                params.put(
                        URLDecoder.decode(pair.substring(0, eq), StandardCharsets.UTF_8),
                        URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
            }
        }
        return params;
    }

    /** JSON of a flat item: strings, numbers, booleans and nulls. */
    static String json(Map<String, ?> item) {
        StringBuilder json = new StringBuilder("{");
        for (Map.Entry<String, ?> field : item.entrySet()) {
            if (json.length() > 1) {
                json.append(',');
            }
            json.append(quote(field.getKey())).append(':');
            Object value = field.getValue();
            if (value == null || value instanceof Number || value instanceof Boolean) {
                json.append(value);
            } else {
                json.append(quote(value.toString()));
            }
        }
        return json.append('}').toString();
    }

    private static String quote(String text) {
        return '"' + text.replace("\\", "\\\\").replace("\"", "\\\"") + '"';
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
