package io.syncline.jobs.demo;

import io.syncline.embedded.DeltaApiStandIn;
import io.syncline.jobs.config.SynclineConfig;
import io.syncline.operators.webhook.HmacVerifier;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The demo's optional sources without a database: a helpdesk's REST delta API (an HTTP source
 * polling tickets, with OAuth client credentials) and a payment provider posting signed webhooks (a
 * webhook source). Each writes a change per step into its own model, so that the demo can compare
 * the target with what the API listed and what the receiver acknowledged.
 */
final class DemoApiSources implements AutoCloseable {

    static final String HTTP_SOURCE = "helpdesk";
    static final String WEBHOOK_SOURCE = "payments";

    private static final String TICKETS = "tickets";
    private static final String PAYMENTS = "payments";
    private static final List<String> STATUSES = List.of("open", "pending", "solved");
    private static final Duration SEND_TIMEOUT = Duration.ofSeconds(10);
    private static final int SEND_ATTEMPTS = 20;

    private final Random random = new Random(7);
    private final Clock clock = Clock.systemUTC();
    private final DeltaApiStandIn api;
    private final String clientSecret = randomHex(16);
    private final String webhookSecret = randomHex(24);
    private final int webhookPort;
    private final HttpClient http = HttpClient.newHttpClient();

    // By entity id: [id, tenant, second column, third column]; null once deleted.
    private final Map<Long, List<String>> tickets = new TreeMap<>();
    private final Map<Long, Long> ticketVersions = new TreeMap<>();
    private final Map<Long, List<String>> payments = new TreeMap<>();
    private final Map<Long, Long> paymentVersions = new TreeMap<>();
    private final AtomicInteger ticketItems = new AtomicInteger();
    private final AtomicInteger paymentsAcknowledged = new AtomicInteger();
    private final AtomicInteger paymentRetries = new AtomicInteger();
    private int events;

    private DemoApiSources(boolean httpSource, boolean webhook) throws IOException {
        this.api = httpSource ? new DeltaApiStandIn("syncline-demo", clientSecret, 60) : null;
        this.webhookPort = webhook ? freePort() : -1;
    }

    /** The sources chosen; {@code null} when neither is. */
    static DemoApiSources start(boolean httpSource, boolean webhook) throws IOException {
        return httpSource || webhook ? new DemoApiSources(httpSource, webhook) : null;
    }

    boolean httpSource() {
        return api != null;
    }

    boolean webhook() {
        return webhookPort > 0;
    }

    /** The entries of the configuration's {@code sources:} list. */
    String sourcesYaml() {
        StringBuilder yaml = new StringBuilder();
        if (httpSource()) {
            yaml.append(
                    """
                      # A helpdesk's REST API, polled for the tickets changed since the last cursor
                      # (--with-http-source); the cursor is in every checkpoint.
                      - id: %s
                        type: http
                        baseUrl: %s
                        auth: {tokenUrl: "%s", clientId: syncline-demo, clientSecret: %s}
                        pollInterval: 1s
                        pageSize: 50
                        fields: {version: version}
                        tables:
                          - table: %s
                            entityType: ticket
                            primaryKey: [id]
                            tenantColumn: tenant
                            columns: {id: bigint, tenant: text, subject: text, status: text}
                    """
                            .formatted(
                                    HTTP_SOURCE,
                                    api.baseUrl(),
                                    api.tokenUrl(),
                                    clientSecret,
                                    TICKETS));
        }
        if (webhook()) {
            yaml.append(
                    """
                      # A payment provider POSTs signed changes (--with-webhook); they are
                      # acknowledged once in the landing topic, which the job reads.
                      - id: %s
                        type: webhook
                        host: 127.0.0.1
                        port: %d
                        path: /webhooks/payments
                        secret: %s
                        tables:
                          - table: payments
                            entityType: payment
                            primaryKey: [id]
                            tenantColumn: tenant
                            columns: {id: bigint, tenant: text, amount_cents: bigint, status: text}
                    """
                            .formatted(WEBHOOK_SOURCE, webhookPort, webhookSecret));
        }
        return yaml.toString();
    }

    /** What the console says about them at start. */
    String describe() {
        List<String> lines = new ArrayList<>();
        if (httpSource()) {
            lines.add(
                    "  HTTP source      "
                            + api.baseUrl()
                            + "/"
                            + TICKETS
                            + " (a helpdesk's delta API, OAuth client credentials) -> table "
                            + TICKETS);
        }
        if (webhook()) {
            lines.add(
                    "  webhook          "
                            + endpoint()
                            + " (signed POSTs of payments, HMAC-SHA256) -> table "
                            + PAYMENTS);
        }
        return String.join(System.lineSeparator(), lines);
    }

    /** One change of each chosen source. */
    void step() {
        events++;
        if (httpSource()) {
            ticketChange();
        }
        if (webhook()) {
            paymentChange();
        }
    }

    /** One line of counts for the console. */
    String line() {
        List<String> parts = new ArrayList<>();
        if (httpSource()) {
            parts.add(
                    "helpdesk API listed "
                            + ticketItems.get()
                            + " ticket changes ("
                            + api.tokensIssued()
                            + " tokens, "
                            + api.dataRequests()
                            + " page requests)");
        }
        if (webhook()) {
            parts.add(
                    "webhook: "
                            + paymentsAcknowledged.get()
                            + " payment changes acknowledged ("
                            + paymentRetries.get()
                            + " resent)");
        }
        return String.join(" | ", parts);
    }

    /** The target tables compared with what the API listed and the receiver acknowledged. */
    List<TargetCheck.Result> check(SynclineConfig config, DemoTarget target) throws SQLException {
        List<TargetCheck.Result> results = new ArrayList<>();
        if (httpSource()) {
            results.add(
                    compare(
                            config,
                            target,
                            TICKETS,
                            "ticket",
                            "id, tenant, subject, status",
                            HTTP_SOURCE + " API",
                            tickets));
        }
        if (webhook()) {
            results.add(
                    compare(
                            config,
                            target,
                            PAYMENTS,
                            "payment",
                            "id, tenant, amount_cents, status",
                            WEBHOOK_SOURCE + " webhook",
                            payments));
        }
        return results;
    }

    /** Reads rows of the target database. */
    interface DemoTarget {
        List<List<String>> rows(String sql) throws SQLException;
    }

    private synchronized TargetCheck.Result compare(
            SynclineConfig config,
            DemoTarget target,
            String table,
            String entityType,
            String columns,
            String source,
            Map<Long, List<String>> model)
            throws SQLException {
        Map<String, List<String>> expected = new TreeMap<>();
        model.forEach(
                (id, row) -> {
                    if (row != null) {
                        expected.put(String.valueOf(id), row);
                    }
                });
        Map<String, List<String>> actual = new TreeMap<>();
        for (List<String> row :
                target.rows(
                        "SELECT "
                                + columns
                                + " FROM "
                                + table
                                + " WHERE NOT _syncline_deleted ORDER BY id")) {
            actual.put(row.get(0), row);
        }
        List<String> mismatches = new ArrayList<>();
        expected.forEach(
                (id, row) -> {
                    List<String> found = actual.get(id);
                    if (!row.equals(found)) {
                        mismatches.add("id " + id + ": expected " + row + ", target " + found);
                    }
                });
        actual.keySet().stream()
                .filter(id -> !expected.containsKey(id))
                .forEach(id -> mismatches.add("id " + id + ": in the target, not expected"));
        return new TargetCheck.Result(
                table,
                config.consistency().policyOf(entityType).name(),
                Map.of(source, expected.size()),
                expected.size(),
                actual.size(),
                mismatches);
    }

    private synchronized void ticketChange() {
        long id = pick(tickets);
        String tenant = DemoDatabase.TENANTS.get((int) (id % DemoDatabase.TENANTS.size()));
        boolean delete = tickets.get(id) != null && random.nextInt(8) == 0;
        long version = ticketVersions.merge(id, 1L, Long::sum);
        Map<String, Object> item = new LinkedHashMap<>();
        item.put("id", id);
        item.put("tenant", tenant);
        String subject = "printer on floor " + (1 + random.nextInt(9)) + " (#" + events + ")";
        String status = STATUSES.get(random.nextInt(STATUSES.size()));
        item.put("subject", subject);
        item.put("status", status);
        item.put("version", version);
        item.put("updated_at", clock.instant().toString());
        if (delete) {
            item.put("deleted", true);
            tickets.put(id, null);
        } else {
            tickets.put(id, List.of(String.valueOf(id), tenant, subject, status));
        }
        api.append("/" + TICKETS, item);
        ticketItems.incrementAndGet();
    }

    private void paymentChange() {
        long id;
        long version;
        String tenant;
        String body;
        List<String> row;
        boolean delete;
        synchronized (this) {
            id = pick(payments);
            tenant = DemoDatabase.TENANTS.get((int) (id % DemoDatabase.TENANTS.size()));
            delete = payments.get(id) != null && random.nextInt(10) == 0;
            version = paymentVersions.merge(id, 1L, Long::sum);
            long amount = 100 + random.nextInt(100_000);
            String status = List.of("authorized", "captured", "refunded").get(random.nextInt(3));
            row =
                    delete
                            ? null
                            : List.of(String.valueOf(id), tenant, String.valueOf(amount), status);
            body =
                    "{\"eventId\":\"pay-%d-v%d\",\"entityType\":\"payment\",\"tenant\":\"%s\",\"op\":\"%s\",\"version\":%d,\"occurredAt\":\"%s\",\"data\":{\"id\":%d,\"tenant\":\"%s\",\"amount_cents\":%d,\"status\":\"%s\"}}"
                            .formatted(
                                    id,
                                    version,
                                    tenant,
                                    delete ? "delete" : "upsert",
                                    version,
                                    clock.instant(),
                                    id,
                                    tenant,
                                    amount,
                                    status);
        }
        if (send(body)) {
            synchronized (this) {
                payments.put(id, row);
            }
            paymentsAcknowledged.incrementAndGet();
        }
    }

    /**
     * Posts {@code body}, signed, until the receiver acknowledges it (a sender's duty: the receiver
     * is down while the job restarts); false if it never did.
     */
    private boolean send(String body) {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        for (int attempt = 0; attempt < SEND_ATTEMPTS; attempt++) {
            if (attempt > 0) {
                paymentRetries.incrementAndGet();
                pause(Duration.ofMillis(250L * attempt));
            }
            String timestamp = String.valueOf(clock.instant().getEpochSecond());
            HttpRequest request =
                    HttpRequest.newBuilder(URI.create(endpoint()))
                            .timeout(SEND_TIMEOUT)
                            .header("Content-Type", "application/json")
                            .header(HmacVerifier.TIMESTAMP_HEADER, timestamp)
                            .header(
                                    HmacVerifier.SIGNATURE_HEADER,
                                    HmacVerifier.sign(webhookSecret, timestamp, bytes))
                            .POST(HttpRequest.BodyPublishers.ofByteArray(bytes))
                            .build();
            try {
                if (http.send(request, HttpResponse.BodyHandlers.discarding()).statusCode()
                        == 202) {
                    return true;
                }
            } catch (IOException e) {
                // Not listening yet (the job is starting) or restarting: send again.
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
        }
        return false;
    }

    /** A new entity one time in three (always while there are few), else an existing one. */
    private long pick(Map<Long, List<String>> model) {
        if (model.size() < 5 || random.nextInt(3) == 0) {
            return model.size() + 1L;
        }
        return 1 + random.nextInt(model.size());
    }

    private String endpoint() {
        return "http://127.0.0.1:" + webhookPort + "/webhooks/payments";
    }

    private static void pause(Duration duration) {
        try {
            Thread.sleep(duration.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    private static String randomHex(int bytes) {
        byte[] random = new byte[bytes];
        new SecureRandom().nextBytes(random);
        return HexFormat.of().formatHex(random);
    }

    @Override
    public void close() {
        if (api != null) {
            api.close();
        }
    }
}
