package io.syncline.operators.alert.notify;

import io.syncline.schema.Alert;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.function.Function;

/**
 * Posts alerts as JSON to an HTTP endpoint: Slack webhooks, PagerDuty's Events API, SMS gateways. A
 * 2xx is delivered; a 408, a 429, a 5xx or a connection failure may pass and is retryable; any
 * other answer is final.
 */
public final class HttpNotifier implements Notifier {

    /** How long one request may take, connecting included. */
    public static final Duration DEFAULT_REQUEST_TIMEOUT = Duration.ofSeconds(10);

    private static final int MAX_ERROR_BODY = 200;

    private final Channel channel;
    private final URI endpoint;
    private final Map<String, String> headers;
    private final Function<Alert, String> body;
    private final HttpClient client;
    private final Duration requestTimeout;

    /**
     * @param channel the channel it sends to
     * @param endpoint where the JSON is posted
     * @param headers request headers besides the content type, e.g. Authorization
     * @param body the JSON body of an alert
     * @param client the client to send with
     * @param requestTimeout how long one request may take
     */
    public HttpNotifier(
            Channel channel,
            URI endpoint,
            Map<String, String> headers,
            Function<Alert, String> body,
            HttpClient client,
            Duration requestTimeout) {
        this.channel = Objects.requireNonNull(channel, "channel");
        this.endpoint = Objects.requireNonNull(endpoint, "endpoint");
        this.headers = Map.copyOf(headers);
        this.body = Objects.requireNonNull(body, "body");
        this.client = Objects.requireNonNull(client, "client");
        this.requestTimeout = Objects.requireNonNull(requestTimeout, "requestTimeout");
    }

    /** Posts {@link SlackMessage}s to the webhook. */
    public static HttpNotifier slack(SlackSettings settings, HttpClient client) {
        return new HttpNotifier(
                Channel.SLACK,
                URI.create(settings.webhookUrl()),
                Map.of(),
                SlackMessage::json,
                client,
                DEFAULT_REQUEST_TIMEOUT);
    }

    /** Posts {@link PagerDutyEvent}s with the routing key to the Events API. */
    public static HttpNotifier pagerDuty(PagerDutySettings settings, HttpClient client) {
        String routingKey = settings.routingKey();
        return new HttpNotifier(
                Channel.PAGERDUTY,
                URI.create(settings.eventsUrl()),
                Map.of(),
                alert -> PagerDutyEvent.json(alert, routingKey),
                client,
                DEFAULT_REQUEST_TIMEOUT);
    }

    /** Posts {@link SmsMessage}s to the gateway, with its Authorization header if it has one. */
    public static HttpNotifier sms(SmsSettings settings, HttpClient client) {
        Map<String, String> headers = new LinkedHashMap<>();
        if (settings.authorization() != null) {
            headers.put("Authorization", settings.authorization());
        }
        return new HttpNotifier(
                Channel.SMS,
                URI.create(settings.gatewayUrl()),
                headers,
                alert -> SmsMessage.json(alert, settings.to()),
                client,
                DEFAULT_REQUEST_TIMEOUT);
    }

    @Override
    public Channel channel() {
        return channel;
    }

    @Override
    public void send(Alert alert) throws NotifierException {
        HttpRequest.Builder request =
                HttpRequest.newBuilder(endpoint)
                        .timeout(requestTimeout)
                        .header("Content-Type", "application/json")
                        .POST(
                                HttpRequest.BodyPublishers.ofString(
                                        body.apply(alert), StandardCharsets.UTF_8));
        headers.forEach(request::header);
        HttpResponse<String> response;
        try {
            response =
                    client.send(
                            request.build(),
                            HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new NotifierException(
                    channel.id()
                            + " endpoint "
                            + Endpoints.redacted(endpoint)
                            + " failed: "
                            + e.getClass().getSimpleName()
                            + (e.getMessage() == null ? "" : ": " + e.getMessage()),
                    true,
                    e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new NotifierException(
                    channel.id() + " notification interrupted: the sink is closing", false, e);
        }
        int status = response.statusCode();
        if (status >= 200 && status < 300) {
            return;
        }
        throw new NotifierException(
                channel.id()
                        + " endpoint "
                        + Endpoints.redacted(endpoint)
                        + " answered "
                        + status
                        + ": "
                        + abbreviated(response.body()),
                isRetryable(status));
    }

    /** A timeout, too many requests, or a server error may pass; other answers will not. */
    static boolean isRetryable(int status) {
        return status == 408 || status == 429 || status >= 500;
    }

    private static String abbreviated(String body) {
        String text = body == null ? "" : body.strip();
        return text.length() <= MAX_ERROR_BODY ? text : text.substring(0, MAX_ERROR_BODY) + "…";
    }
}
