package io.syncline.jobs.sources;

import io.syncline.operators.webhook.HmacVerifier;
import io.syncline.operators.webhook.WebhookBody;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A sender as docs/sources/webhook.md asks for one: signs every attempt afresh and sends the same
 * request again, with the same event id, until it gets an answer other than 5xx or no answer.
 */
final class WebhookSender {

    private final HttpClient http =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    private final URI uri;
    private final String secret;
    private final AtomicInteger retries = new AtomicInteger();

    WebhookSender(URI uri, String secret) {
        this.uri = uri;
        this.secret = secret;
    }

    /** Sends once, signed with {@code secret}, and returns the answer. */
    HttpResponse<String> sendOnce(String eventId, String body, String secret)
            throws IOException, InterruptedException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        String timestamp = Long.toString(System.currentTimeMillis() / 1000);
        HttpRequest.Builder request =
                HttpRequest.newBuilder(uri)
                        .timeout(Duration.ofSeconds(20))
                        .header(HmacVerifier.TIMESTAMP_HEADER, timestamp)
                        .header(
                                HmacVerifier.SIGNATURE_HEADER,
                                HmacVerifier.sign(secret, timestamp, bytes))
                        .POST(HttpRequest.BodyPublishers.ofByteArray(bytes));
        if (eventId != null) {
            request.header(WebhookBody.EVENT_ID_HEADER, eventId);
        }
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    /**
     * Sends until the receiver gives a final answer (not 5xx, not unreachable) and returns it;
     * fails after {@code timeout}.
     */
    HttpResponse<String> send(String eventId, String body, Duration timeout)
            throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            try {
                HttpResponse<String> answer = sendOnce(eventId, body, secret);
                if (answer.statusCode() < 500) {
                    return answer;
                }
            } catch (IOException unreachable) {
                // The receiver is down (the job is restarting) or the connection broke.
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError(
                        "no final answer from " + uri + " within " + timeout + " for " + eventId);
            }
            retries.incrementAndGet();
            TimeUnit.MILLISECONDS.sleep(100);
        }
    }

    /** Attempts that got no final answer and were sent again. */
    int retries() {
        return retries.get();
    }
}
