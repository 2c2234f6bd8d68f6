package io.syncline.operators.webhook;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.time.Clock;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The HTTP endpoint of a webhook source: checks each POST's signature, splits its body into changes
 * and answers 202 only once the landing topic holds all of them, so a sender that got no 202 may
 * send again and one that got it never needs to. Answers carry a JSON {@code message}.
 *
 * <ul>
 *   <li>202: every change is durable; the job will apply each event id once;
 *   <li>400: the body is not one change or a batch of them (nothing written);
 *   <li>401: the signature or timestamp is missing, wrong or stale (nothing written);
 *   <li>413: the body is larger than the limit;
 *   <li>503: Kafka did not confirm; some changes may be written, so retry them all.
 * </ul>
 */
public final class WebhookReceiver implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(WebhookReceiver.class);

    private static final ObjectMapper JSON = new ObjectMapper();

    private final String sourceId;
    private final HmacVerifier verifier;
    private final LandingTopic landing;
    private final int maxBodyBytes;
    private final HttpServer server;
    private final ExecutorService handlers;

    private final AtomicLong accepted = new AtomicLong();
    private final AtomicLong unauthorized = new AtomicLong();
    private final AtomicLong malformed = new AtomicLong();
    private final AtomicLong unavailable = new AtomicLong();

    /**
     * Binds {@code address} and serves {@code path} until {@link #close()}.
     *
     * @param landing where accepted changes go; closed with the receiver
     * @param threads requests handled at once
     */
    public WebhookReceiver(
            String sourceId,
            InetSocketAddress address,
            String path,
            HmacVerifier verifier,
            LandingTopic landing,
            int maxBodyBytes,
            int threads)
            throws IOException {
        this.sourceId = sourceId;
        this.verifier = verifier;
        this.landing = landing;
        this.maxBodyBytes = maxBodyBytes;
        this.server = HttpServer.create(address, 64);
        this.handlers =
                Executors.newFixedThreadPool(
                        threads,
                        runnable -> {
                            Thread thread = new Thread(runnable, "webhook-" + sourceId);
                            thread.setDaemon(true);
                            return thread;
                        });
        server.setExecutor(handlers);
        server.createContext(path, this::handle);
        server.start();
        LOG.info("Webhook source {} listens on {}{}", sourceId, server.getAddress(), path);
    }

    /**
     * Starts receiver {@code index} of {@code settings} (on {@code port + index}, or any free port
     * when the port is 0) with the landing topic on Kafka.
     *
     * @throws IllegalStateException naming the address and the fix when it cannot listen
     */
    public static WebhookReceiver start(WebhookSettings settings, int index, Clock clock) {
        int port = settings.port() == 0 ? 0 : settings.port() + index;
        KafkaLandingTopic topic =
                new KafkaLandingTopic(
                        settings.topic(), settings.kafkaProperties(), settings.kafkaTimeout());
        try {
            return new WebhookReceiver(
                    settings.sourceId(),
                    new InetSocketAddress(settings.host(), port),
                    settings.path(),
                    new HmacVerifier(settings.secret(), settings.maxSkew(), clock),
                    topic,
                    settings.maxBodyBytes(),
                    settings.threads());
        } catch (IOException e) {
            topic.close();
            throw new IllegalStateException(
                    "webhook source "
                            + settings.sourceId()
                            + " cannot listen on "
                            + settings.host()
                            + ":"
                            + port
                            + ": "
                            + e.getMessage()
                            + "; free the port or set another one",
                    e);
        }
    }

    /** The port bound, which differs from the one asked for when that was 0. */
    public int port() {
        return server.getAddress().getPort();
    }

    /** Changes acknowledged with 202. */
    public long accepted() {
        return accepted.get();
    }

    /** Requests refused with 401. */
    public long unauthorized() {
        return unauthorized.get();
    }

    /** Requests refused with 400 or 413. */
    public long malformed() {
        return malformed.get();
    }

    /** Requests answered 503 because Kafka did not confirm. */
    public long unavailable() {
        return unavailable.get();
    }

    private void handle(HttpExchange exchange) throws IOException {
        try {
            answer(exchange);
        } catch (RuntimeException e) {
            // Answered so the sender retries, and logged: this is a fault of the receiver.
            LOG.error("Webhook source {} failed on a request", sourceId, e);
            respond(exchange, 500, "the receiver failed; send the same request again");
        } finally {
            exchange.close();
        }
    }

    private void answer(HttpExchange exchange) throws IOException {
        if (!"POST".equals(exchange.getRequestMethod())) {
            exchange.getResponseHeaders().set("Allow", "POST");
            respond(exchange, 405, "only POST is accepted");
            return;
        }
        byte[] body = readAtMost(exchange.getRequestBody(), maxBodyBytes);
        if (body == null) {
            malformed.incrementAndGet();
            respond(
                    exchange,
                    413,
                    "the body is larger than " + maxBodyBytes + " bytes; send smaller batches");
            return;
        }
        String refusal =
                verifier.refusal(
                        exchange.getRequestHeaders().getFirst(HmacVerifier.TIMESTAMP_HEADER),
                        exchange.getRequestHeaders().getFirst(HmacVerifier.SIGNATURE_HEADER),
                        body);
        if (refusal != null) {
            unauthorized.incrementAndGet();
            // Never the body: it came from someone who may not be the sender.
            LOG.warn(
                    "Webhook source {} refused a request from {}: {}",
                    sourceId,
                    exchange.getRemoteAddress(),
                    refusal);
            respond(exchange, 401, refusal);
            return;
        }
        List<WebhookBody.Change> changes;
        try {
            changes =
                    WebhookBody.split(
                            exchange.getRequestHeaders().getFirst(WebhookBody.EVENT_ID_HEADER),
                            body);
        } catch (WebhookBody.MalformedBodyException e) {
            malformed.incrementAndGet();
            respond(exchange, 400, e.getMessage());
            return;
        }
        try {
            landing.write(changes);
        } catch (LandingTopic.LandingUnavailableException e) {
            unavailable.incrementAndGet();
            LOG.warn("Webhook source {} answers 503: {}", sourceId, e.getMessage());
            exchange.getResponseHeaders().set("Retry-After", "5");
            respond(
                    exchange,
                    503,
                    "the changes could not be made durable; send the same request again");
            return;
        }
        accepted.addAndGet(changes.size());
        respond(exchange, 202, "accepted " + changes.size() + " change(s)");
    }

    /** The whole body, or null when it is longer than {@code limit}. */
    private static byte[] readAtMost(InputStream in, int limit) throws IOException {
        byte[] body = in.readNBytes(limit + 1);
        return body.length > limit ? null : body;
    }

    private static void respond(HttpExchange exchange, int status, String message)
            throws IOException {
        ObjectNode answer = JSON.createObjectNode().put("status", status).put("message", message);
        byte[] json = JSON.writeValueAsBytes(answer);
        exchange.getResponseHeaders().set("Content-Type", "application/json");
        exchange.sendResponseHeaders(status, json.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(json);
        }
    }

    /** Stops accepting requests, then closes the landing topic. */
    @Override
    public void close() {
        server.stop(0);
        handlers.shutdownNow();
        landing.close();
        LOG.info("Webhook source {} stopped listening", sourceId);
    }
}
