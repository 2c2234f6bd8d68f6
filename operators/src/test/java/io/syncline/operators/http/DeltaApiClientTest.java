package io.syncline.operators.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import io.syncline.embedded.DeltaApiStandIn;
import io.syncline.embedded.DeltaApiStandIn.Fault;
import io.syncline.operators.MutableClock;
import io.syncline.operators.errors.ErrorCodes;
import io.syncline.operators.retry.RetryPolicy;
import io.syncline.schema.ErrorClass;
import io.syncline.schema.ErrorRecord;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Pages, cursors, retries and tokens of {@link DeltaApiClient} against a real local API. */
class DeltaApiClientTest {

    private static final Instant START = Instant.parse("2026-11-26T08:00:00Z");
    private static final HttpResource CUSTOMERS =
            new HttpResource("/customers", "customer", List.of("id"), "tenant", null);

    private final MutableClock clock = new MutableClock(START);
    private final List<Duration> waits = new ArrayList<>();
    private DeltaApiStandIn api;

    @BeforeEach
    void startApi() throws Exception {
        api = new DeltaApiStandIn("syncline", "s3cret", 300);
    }

    @AfterEach
    void stopApi() {
        api.close();
    }

    @Test
    void followsNextCursorsUntilCaughtUp() throws Exception {
        appendCustomers(1, 5);
        DeltaApiClient client = client(tokenCursor(), 2, "s3cret");

        Page first = client.fetch(CUSTOMERS, null);
        Page second = client.fetch(CUSTOMERS, first.nextCursor());
        Page last = client.fetch(CUSTOMERS, second.nextCursor());
        Page empty = client.fetch(CUSTOMERS, last.nextCursor());

        assertThat(ids(first)).containsExactly(1L, 2L);
        assertThat(first.nextCursor()).isEqualTo("c2");
        assertThat(first.caughtUp()).isFalse();
        assertThat(ids(second)).containsExactly(3L, 4L);
        assertThat(ids(last)).containsExactly(5L);
        assertThat(last.nextCursor()).isEqualTo("c5");
        assertThat(last.caughtUp()).isTrue();
        assertThat(empty.items()).isEmpty();
        assertThat(empty.nextCursor()).isEqualTo("c5");
        assertThat(empty.caughtUp()).isTrue();
        assertThat(api.requestedCursors())
                .containsExactly("/customers@-", "/customers@c2", "/customers@c4", "/customers@c5");
        assertThat(api.tokensIssued()).isEqualTo(1);
        assertThat(waits).isEmpty();
    }

    @Test
    void followsLinkHeadersAndKeepsTheCursorOnTheLastPage() throws Exception {
        api.useLinkHeader(true);
        appendCustomers(1, 3);
        DeltaApiClient client =
                client(
                        new CursorSettings(CursorSettings.Mode.TOKEN, "cursor", null, null),
                        2,
                        "s3cret");

        Page first = client.fetch(CUSTOMERS, null);
        Page last = client.fetch(CUSTOMERS, first.nextCursor());

        assertThat(ids(first)).containsExactly(1L, 2L);
        assertThat(first.nextCursor()).isEqualTo("c2");
        assertThat(first.caughtUp()).isFalse();
        assertThat(ids(last)).containsExactly(3L);
        assertThat(last.nextCursor()).isEqualTo("c2");
        assertThat(last.caughtUp()).isTrue();
    }

    @Test
    void timestampCursorMovesToTheLatestUpdateReadInclusively() throws Exception {
        appendCustomers(1, 3);
        DeltaApiClient client =
                client(
                        new CursorSettings(CursorSettings.Mode.TIMESTAMP, "since", null, null),
                        2,
                        "s3cret");

        Page first = client.fetch(CUSTOMERS, null);
        Page second = client.fetch(CUSTOMERS, first.nextCursor());

        assertThat(ids(first)).containsExactly(1L, 2L);
        assertThat(first.nextCursor()).isEqualTo("2026-11-26T08:00:02Z");
        assertThat(first.caughtUp()).isFalse();
        // The item at the cursor's instant comes again; its event id is the same.
        assertThat(ids(second)).containsExactly(2L, 3L);
        assertThat(second.nextCursor()).isEqualTo("2026-11-26T08:00:03Z");
    }

    @Test
    void waitsAsRetryAfterSaysAndBacksOffOnServerErrors() throws Exception {
        appendCustomers(1, 1);
        String httpDate =
                DateTimeFormatter.RFC_1123_DATE_TIME.format(
                        START.plusSeconds(30).atOffset(ZoneOffset.UTC));
        api.fail(
                Fault.tooManyRequests("7"),
                Fault.tooManyRequests(httpDate),
                Fault.unavailable(),
                Fault.unavailable());
        DeltaApiClient client = client(tokenCursor(), 2, "s3cret");

        Page page = client.fetch(CUSTOMERS, null);

        assertThat(ids(page)).containsExactly(1L);
        assertThat(waits)
                .containsExactly(
                        Duration.ofSeconds(7),
                        Duration.ofSeconds(30),
                        Duration.ofMillis(400),
                        Duration.ofMillis(800));
        assertThat(api.faultsServed(429)).isEqualTo(2);
        assertThat(api.faultsServed(503)).isEqualTo(2);
    }

    @Test
    void failsNamingTheRequestWhenRetriesAreUsedUp() throws Exception {
        api.fail(
                Fault.unavailable(),
                Fault.unavailable(),
                Fault.unavailable(),
                Fault.unavailable(),
                Fault.unavailable());
        DeltaApiClient client = client(tokenCursor(), 2, "s3cret");

        assertThatThrownBy(() -> client.fetch(CUSTOMERS, "c3"))
                .isInstanceOf(HttpSourceException.class)
                .hasMessageStartingWith(
                        "GET "
                                + api.baseUrl()
                                + "/customers?cursor=c3&limit=2 of source 'crm' failed 5 times, last: HTTP 503")
                .hasMessageContaining("retry.maxAttempts");
        assertThat(waits).hasSize(4);
    }

    @Test
    void answersThatAreNotJsonBecomeErrorsAndAreAskedForAgain() throws Exception {
        appendCustomers(1, 1);
        api.fail(Fault.notJson());
        DeltaApiClient client = client(tokenCursor(), 2, "s3cret");

        Page page = client.fetch(CUSTOMERS, "c0");

        assertThat(ids(page)).containsExactly(1L);
        assertThat(page.rejectedAnswers()).hasSize(1);
        ErrorRecord error = page.rejectedAnswers().get(0);
        assertThat(error.getCode()).isEqualTo(ErrorCodes.HTTP_MALFORMED_PAGE);
        assertThat(error.getErrorClass()).isEqualTo(ErrorClass.TRANSIENT);
        assertThat(error.getSourcePosition()).isEqualTo("/customers@c0");
        assertThat(error.getPayload()).isEqualTo("<html>gateway says hi</html>");
        assertThat(error.getMessage()).startsWith("the answer to GET ").contains("is not JSON");
        assertThat(waits).containsExactly(Duration.ofMillis(100));
    }

    @Test
    void refreshesTokensBeforeTheyExpireAndOnceWhenRefused() throws Exception {
        appendCustomers(1, 1);
        DeltaApiClient client = client(tokenCursor(), 2, "s3cret");

        client.fetch(CUSTOMERS, null);
        client.fetch(CUSTOMERS, null);
        assertThat(api.tokensIssued()).isEqualTo(1);

        // 300 s tokens with a 30 s margin are replaced from 270 s on.
        clock.advance(Duration.ofSeconds(269));
        client.fetch(CUSTOMERS, null);
        assertThat(api.tokensIssued()).isEqualTo(1);
        clock.advance(Duration.ofSeconds(1));
        client.fetch(CUSTOMERS, null);
        assertThat(api.tokensIssued()).isEqualTo(2);

        api.expireTokens();
        Page page = client.fetch(CUSTOMERS, null);
        assertThat(ids(page)).containsExactly(1L);
        assertThat(api.unauthorized()).isEqualTo(1);
        assertThat(api.tokensIssued()).isEqualTo(3);
    }

    @Test
    void aRefusedSecretNamesTheSetting() throws Exception {
        DeltaApiClient client = client(tokenCursor(), 2, "wrong");

        assertThatThrownBy(() -> client.fetch(CUSTOMERS, null))
                .isInstanceOf(HttpSourceException.class)
                .hasMessage(
                        "the token endpoint "
                                + api.tokenUrl()
                                + " refused the client credentials of auth.clientId 'syncline'"
                                + " (HTTP 401: {\"error\":\"invalid_client\"}); check"
                                + " auth.clientSecret and auth.clientId and auth.scope");
        assertThat(api.dataRequests()).isZero();
    }

    @Test
    void retryAfterReadsSecondsAndHttpDates() {
        assertThat(RetryAfter.parse("120", START)).isEqualTo(Duration.ofMinutes(2));
        assertThat(RetryAfter.parse("Thu, 26 Nov 2026 08:00:10 GMT", START))
                .isEqualTo(Duration.ofSeconds(10));
        assertThat(RetryAfter.parse("Thu, 26 Nov 2026 07:00:00 GMT", START)).isZero();
        assertThat(RetryAfter.parse("soon", START)).isNull();
    }

    private void appendCustomers(int from, int to) {
        for (int id = from; id <= to; id++) {
            Map<String, Object> item = new LinkedHashMap<>();
            item.put("id", id);
            item.put("tenant", "acme");
            item.put("name", "customer " + id);
            item.put("updated_at", START.plusSeconds(id).toString());
            api.append("/customers", item);
        }
    }

    private static CursorSettings tokenCursor() {
        return new CursorSettings(CursorSettings.Mode.TOKEN, "cursor", "/next_cursor", null);
    }

    private DeltaApiClient client(CursorSettings cursor, int pageSize, String secret) {
        HttpApiSettings settings =
                new HttpApiSettings(
                        api.baseUrl(),
                        new OAuthSettings(
                                api.tokenUrl(),
                                "syncline",
                                secret,
                                "changes.read",
                                true,
                                Duration.ofSeconds(30)),
                        Duration.ofSeconds(1),
                        pageSize,
                        "limit",
                        "/data",
                        cursor,
                        ItemFields.defaults(),
                        new RetryPolicy(5, Duration.ofMillis(100), Duration.ofSeconds(5)),
                        Duration.ofSeconds(10));
        return new DeltaApiClient(
                new HttpSourceSettings("crm", settings, List.of(CUSTOMERS), Set.of()),
                clock,
                waits::add);
    }

    private static List<Long> ids(Page page) {
        return page.items().stream().map(item -> item.get("id")).map(JsonNode::asLong).toList();
    }
}
