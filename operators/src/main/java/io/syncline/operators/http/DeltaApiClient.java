package io.syncline.operators.http;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.syncline.operators.decode.SourceRecordDecoder;
import io.syncline.operators.errors.ErrorCodes;
import io.syncline.operators.errors.ErrorRecords;
import io.syncline.operators.retry.Sleeper;
import io.syncline.schema.ErrorClass;
import io.syncline.schema.ErrorRecord;
import java.io.IOException;
import java.net.URI;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads pages of a delta API: {@code GET {baseUrl}{path}?{cursorParam}=<cursor>}, with a bearer
 * token when the source has client credentials. A refused token is replaced once; 429s wait for
 * their Retry-After; 5xx, I/O failures and answers that are not a page are retried with backoff;
 * when the retries are used up it throws {@link HttpSourceException}.
 */
public final class DeltaApiClient {

    private static final ObjectMapper JSON = new ObjectMapper();

    private static final Pattern NEXT_LINK =
            Pattern.compile("<([^>]*)>\\s*;[^,]*rel\\s*=\\s*\"?next\"?", Pattern.CASE_INSENSITIVE);

    private final String sourceId;
    private final HttpApiSettings settings;
    private final HttpClient http;
    private final Clock clock;
    private final Sleeper sleeper;
    private final SplittableRandom random = new SplittableRandom();
    private final AccessTokens tokens;

    public DeltaApiClient(HttpSourceSettings source, Clock clock, Sleeper sleeper) {
        this.sourceId = source.sourceId();
        this.settings = source.api();
        this.clock = clock;
        this.sleeper = sleeper;
        this.http = HttpClient.newBuilder().connectTimeout(settings.requestTimeout()).build();
        this.tokens =
                settings.auth() == null
                        ? null
                        : new AccessTokens(
                                settings.auth(),
                                http,
                                settings.requestTimeout(),
                                settings.retry(),
                                clock,
                                sleeper,
                                random);
    }

    /** The page of {@code resource}'s changes after {@code cursor} (null: from the beginning). */
    public Page fetch(HttpResource resource, String cursor)
            throws IOException, InterruptedException {
        URI uri = uriOf(resource, cursor);
        Attempts attempts =
                new Attempts(settings.retry(), sleeper, random, "GET " + uri + " of " + source());
        List<ErrorRecord> rejected = new ArrayList<>();
        boolean tokenReplaced = false;
        while (true) {
            // Outside the try: a refused token is no I/O failure to retry.
            HttpRequest request = request(uri);
            HttpResponse<String> response;
            try {
                response = http.send(request, HttpResponse.BodyHandlers.ofString());
            } catch (IOException e) {
                attempts.failed(e.toString(), null, e);
                continue;
            }
            int status = response.statusCode();
            if (status == 401 && tokens != null && !tokenReplaced) {
                tokens.invalidate();
                tokenReplaced = true;
                continue;
            }
            if (status == 401 || status == 403) {
                throw new HttpSourceException(
                        "GET "
                                + uri
                                + " of "
                                + source()
                                + " was refused with HTTP "
                                + status
                                + (tokens == null
                                        ? "; the API wants credentials: configure auth"
                                        : " even with a fresh token; check that auth.clientId '"
                                                + settings.auth().clientId()
                                                + "' may read "
                                                + resource.path()
                                                + " (auth.scope)"));
            }
            if (status == 429 || status >= 500) {
                attempts.failed(
                        "HTTP " + status,
                        RetryAfter.parse(response.headers(), clock.instant()),
                        null);
                continue;
            }
            if (status / 100 != 2) {
                throw new HttpSourceException(
                        "GET "
                                + uri
                                + " of "
                                + source()
                                + " answered HTTP "
                                + status
                                + ": "
                                + AccessTokens.excerpt(response.body())
                                + "; check baseUrl and the resource path");
            }
            JsonNode items;
            String problem;
            JsonNode body = null;
            try {
                body = JSON.readTree(response.body());
                items = body == null ? null : body.at(settings.itemsPointer());
                problem =
                        items != null && items.isArray()
                                ? null
                                : "has no items array at " + settings.itemsPointer();
            } catch (JsonProcessingException e) {
                items = null;
                problem = "is not JSON (" + e.getOriginalMessage() + ")";
            }
            if (problem != null) {
                String message =
                        "the answer to GET " + uri + " " + problem + "; it is asked for again";
                rejected.add(rejectedAnswer(resource, cursor, message, response.body()));
                attempts.failed(message, null, null);
                continue;
            }
            return pageOf(resource, cursor, items, body, response, rejected);
        }
    }

    private Page pageOf(
            HttpResource resource,
            String cursor,
            JsonNode itemArray,
            JsonNode body,
            HttpResponse<String> response,
            List<ErrorRecord> rejected)
            throws HttpSourceException {
        List<JsonNode> items = new ArrayList<>(itemArray.size());
        itemArray.forEach(items::add);
        boolean fullPage = items.size() >= settings.pageSize();
        if (settings.cursor().mode() == CursorSettings.Mode.TIMESTAMP) {
            String latest = latestUpdate(items, cursor);
            if (fullPage && latest != null && latest.equals(cursor)) {
                throw new HttpSourceException(
                        "a full page of "
                                + items.size()
                                + " items of "
                                + resource.path()
                                + " all changed at "
                                + cursor
                                + ", so a timestamp cursor cannot move past them; raise pageSize"
                                + " of "
                                + source());
            }
            return new Page(resource, cursor, items, latest, !fullPage, rejected);
        }
        String next =
                settings.cursor().fromLinkHeader()
                        ? nextFromLink(response)
                        : textAt(body, settings.cursor().nextPointer());
        boolean caughtUp = !fullPage || next == null || next.equals(cursor);
        return new Page(resource, cursor, items, next == null ? cursor : next, caughtUp, rejected);
    }

    /** The latest update time of {@code items} as cursor text, {@code cursor} if none is later. */
    private String latestUpdate(List<JsonNode> items, String cursor) {
        Instant latest = null;
        if (cursor != null) {
            try {
                latest = Instant.parse(cursor);
            } catch (RuntimeException e) {
                latest = null;
            }
        }
        for (JsonNode item : items) {
            Instant updated = ItemTimes.instantOrNull(item.get(settings.fields().updatedAtField()));
            if (updated != null && (latest == null || updated.isAfter(latest))) {
                latest = updated;
            }
        }
        return latest == null ? cursor : latest.toString();
    }

    private String nextFromLink(HttpResponse<String> response) {
        for (String header : response.headers().allValues("Link")) {
            Matcher link = NEXT_LINK.matcher(header);
            if (link.find()) {
                return queryParam(URI.create(link.group(1)), settings.cursor().param());
            }
        }
        return null;
    }

    private static String queryParam(URI uri, String name) {
        String query = uri.getRawQuery();
        if (query == null) {
            return null;
        }
        for (String pair : query.split("&")) {
            int eq = pair.indexOf('=');
            if (eq > 0
                    && URLDecoder.decode(pair.substring(0, eq), StandardCharsets.UTF_8)
                            .equals(name)) {
                return URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
            }
        }
        return null;
    }

    private static String textAt(JsonNode body, String pointer) {
        JsonNode value = body.at(pointer);
        return value.isTextual() || value.isNumber() ? value.asText() : null;
    }

    private ErrorRecord rejectedAnswer(
            HttpResource resource, String cursor, String message, String body) {
        ErrorRecord.Builder error =
                ErrorRecord.newBuilder()
                        .setSourceId(sourceId)
                        .setSourcePosition(Page.positionOf(resource, cursor))
                        .setEntityType(resource.entityType());
        ErrorRecords.permanent(
                error, SourceRecordDecoder.STAGE, ErrorCodes.HTTP_MALFORMED_PAGE, message);
        error.setErrorClass(ErrorClass.TRANSIENT);
        return ErrorRecords.build(error, AccessTokens.excerpt(body), clock.instant());
    }

    private HttpRequest request(URI uri) throws IOException, InterruptedException {
        HttpRequest.Builder request =
                HttpRequest.newBuilder(uri)
                        .timeout(settings.requestTimeout())
                        .header("Accept", "application/json")
                        .GET();
        if (tokens != null) {
            request.header("Authorization", "Bearer " + tokens.token());
        }
        return request.build();
    }

    URI uriOf(HttpResource resource, String cursor) {
        StringBuilder uri = new StringBuilder(settings.baseUrl()).append(resource.path());
        char separator = resource.path().contains("?") ? '&' : '?';
        if (cursor != null) {
            uri.append(separator).append(encode(settings.cursor().param())).append('=');
            uri.append(encode(cursor));
            separator = '&';
        }
        if (settings.pageSizeParam() != null) {
            uri.append(separator)
                    .append(encode(settings.pageSizeParam()))
                    .append('=')
                    .append(settings.pageSize());
        }
        return URI.create(uri.toString());
    }

    private String source() {
        return "source '" + sourceId + "'";
    }

    private static String encode(String text) {
        return URLEncoder.encode(text, StandardCharsets.UTF_8);
    }
}
