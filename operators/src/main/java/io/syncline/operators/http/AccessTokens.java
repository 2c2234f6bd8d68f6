package io.syncline.operators.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.syncline.operators.retry.RetryPolicy;
import io.syncline.operators.retry.Sleeper;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.random.RandomGenerator;

/**
 * OAuth 2.0 client-credentials access tokens: fetched when first needed, kept until {@code
 * refreshMargin} before they expire, and dropped when the API refuses one.
 */
public final class AccessTokens {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final OAuthSettings settings;
    private final HttpClient http;
    private final Duration requestTimeout;
    private final RetryPolicy retry;
    private final Clock clock;
    private final Sleeper sleeper;
    private final RandomGenerator random;

    private String token;
    private Instant refreshAt;

    AccessTokens(
            OAuthSettings settings,
            HttpClient http,
            Duration requestTimeout,
            RetryPolicy retry,
            Clock clock,
            Sleeper sleeper,
            RandomGenerator random) {
        this.settings = settings;
        this.http = http;
        this.requestTimeout = requestTimeout;
        this.retry = retry;
        this.clock = clock;
        this.sleeper = sleeper;
        this.random = random;
    }

    /** A token valid for at least the refresh margin, fetched if the cached one is not. */
    String token() throws IOException, InterruptedException {
        if (token == null || (refreshAt != null && !clock.instant().isBefore(refreshAt))) {
            fetch();
        }
        return token;
    }

    /** Forgets the cached token, which the API refused. */
    void invalidate() {
        token = null;
    }

    private void fetch() throws IOException, InterruptedException {
        Attempts attempts =
                new Attempts(
                        retry, sleeper, random, "token request to auth.tokenUrl " + tokenUrl());
        while (true) {
            HttpResponse<String> response;
            try {
                response = http.send(request(), HttpResponse.BodyHandlers.ofString());
            } catch (IOException e) {
                attempts.failed(e.toString(), null, e);
                continue;
            }
            int status = response.statusCode();
            if (status == 429 || status >= 500) {
                attempts.failed(
                        "HTTP " + status,
                        RetryAfter.parse(response.headers(), clock.instant()),
                        null);
                continue;
            }
            if (status == 400 || status == 401 || status == 403) {
                throw new HttpSourceException(
                        "the token endpoint "
                                + tokenUrl()
                                + " refused the client credentials of auth.clientId '"
                                + settings.clientId()
                                + "' (HTTP "
                                + status
                                + ": "
                                + excerpt(response.body())
                                + "); check auth.clientSecret and auth.clientId"
                                + (settings.scope() == null ? "" : " and auth.scope"));
            }
            if (status / 100 != 2) {
                throw new HttpSourceException(
                        "the token endpoint auth.tokenUrl "
                                + tokenUrl()
                                + " answered HTTP "
                                + status
                                + "; check auth.tokenUrl");
            }
            read(response.body());
            return;
        }
    }

    private void read(String body) throws HttpSourceException {
        JsonNode answer;
        try {
            answer = JSON.readTree(body);
        } catch (IOException e) {
            answer = null;
        }
        JsonNode accessToken = answer == null ? null : answer.get("access_token");
        if (accessToken == null || !accessToken.isTextual() || accessToken.textValue().isBlank()) {
            throw new HttpSourceException(
                    "the token endpoint auth.tokenUrl "
                            + tokenUrl()
                            + " answered without an access_token: "
                            + excerpt(body)
                            + "; check auth.tokenUrl");
        }
        token = accessToken.textValue();
        JsonNode expiresIn = answer.get("expires_in");
        refreshAt =
                expiresIn != null && expiresIn.canConvertToLong()
                        ? clock.instant()
                                .plusSeconds(expiresIn.asLong())
                                .minus(settings.refreshMargin())
                        : null;
    }

    private HttpRequest request() {
        return tokenRequest(settings, requestTimeout);
    }

    /**
     * The client-credentials token request of {@code settings}: the credentials as HTTP basic
     * authentication or in the form, as {@link OAuthSettings#basicAuth()} says.
     */
    public static HttpRequest tokenRequest(OAuthSettings settings, Duration timeout) {
        StringBuilder form = new StringBuilder("grant_type=client_credentials");
        if (settings.scope() != null) {
            form.append("&scope=").append(encode(settings.scope()));
        }
        HttpRequest.Builder request =
                HttpRequest.newBuilder(URI.create(settings.tokenUrl()))
                        .timeout(timeout)
                        .header("Content-Type", "application/x-www-form-urlencoded")
                        .header("Accept", "application/json");
        if (settings.basicAuth()) {
            String credentials =
                    encode(settings.clientId()) + ":" + encode(settings.clientSecret());
            request.header(
                    "Authorization",
                    "Basic "
                            + Base64.getEncoder()
                                    .encodeToString(credentials.getBytes(StandardCharsets.UTF_8)));
        } else {
            form.append("&client_id=")
                    .append(encode(settings.clientId()))
                    .append("&client_secret=")
                    .append(encode(settings.clientSecret()));
        }
        return request.POST(HttpRequest.BodyPublishers.ofString(form.toString())).build();
    }

    private String tokenUrl() {
        return settings.tokenUrl();
    }

    private static String encode(String text) {
        return URLEncoder.encode(text, StandardCharsets.UTF_8);
    }

    static String excerpt(String body) {
        if (body == null) {
            return "";
        }
        String line = body.replaceAll("\\s+", " ").strip();
        return line.length() <= 200 ? line : line.substring(0, 200) + "...";
    }
}
