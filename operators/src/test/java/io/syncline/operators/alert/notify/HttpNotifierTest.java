package io.syncline.operators.alert.notify;

import static io.syncline.operators.alert.notify.SampleAlerts.accuracyWarning;
import static io.syncline.operators.alert.notify.SampleAlerts.sourceStalled;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.http.HttpClient;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The HTTP channels against a real local HTTP server. */
class HttpNotifierTest {

    @RegisterExtension final RecordingEndpoint endpoint = new RecordingEndpoint();

    private final HttpClient client = HttpClient.newHttpClient();

    @Test
    void slackGetsItsMessagePostedAsJson() throws NotifierException {
        HttpNotifier slack =
                HttpNotifier.slack(new SlackSettings(endpoint.url("/services/T0/B0/x")), client);

        slack.send(accuracyWarning());

        assertThat(endpoint.requests())
                .singleElement()
                .satisfies(
                        request -> {
                            assertThat(request.method()).isEqualTo("POST");
                            assertThat(request.path()).isEqualTo("/services/T0/B0/x");
                            assertThat(request.header("Content-Type"))
                                    .isEqualTo("application/json");
                            assertThat(Json.parse(request.body()))
                                    .isEqualTo(Json.parse(SlackMessage.json(accuracyWarning())));
                        });
        assertThat(slack.channel()).isEqualTo(Channel.SLACK);
    }

    @Test
    void pagerDutyGetsItsEventWithTheRoutingKey() throws NotifierException {
        HttpNotifier pagerDuty =
                HttpNotifier.pagerDuty(
                        new PagerDutySettings(endpoint.url("/v2/enqueue"), "routing-key"), client);

        pagerDuty.send(sourceStalled());

        assertThat(endpoint.requests())
                .singleElement()
                .satisfies(
                        request ->
                                assertThat(Json.parse(request.body()))
                                        .isEqualTo(
                                                Json.parse(
                                                        PagerDutyEvent.json(
                                                                sourceStalled(), "routing-key"))));
    }

    @Test
    void theSmsGatewayGetsItsAuthorizationHeader() throws NotifierException {
        HttpNotifier sms =
                HttpNotifier.sms(
                        new SmsSettings(
                                endpoint.url("/send"), "Bearer token-1", List.of("+4915112345678")),
                        client);

        sms.send(sourceStalled());

        assertThat(endpoint.requests())
                .singleElement()
                .satisfies(
                        request -> {
                            assertThat(request.header("Authorization")).isEqualTo("Bearer token-1");
                            assertThat(Json.parse(request.body()).get("to").get(0).asText())
                                    .isEqualTo("+4915112345678");
                        });
    }

    @Test
    void serverErrorsTimeoutsAndTooManyRequestsAreRetryable() {
        HttpNotifier slack = HttpNotifier.slack(new SlackSettings(endpoint.url("/hook")), client);
        endpoint.answer(500, 503, 408, 429);

        for (int status : List.of(500, 503, 408, 429)) {
            NotifierException failure =
                    catchThrowableOfType(
                            () -> slack.send(accuracyWarning()), NotifierException.class);
            assertThat(failure.retryable()).as("status %s", status).isTrue();
            assertThat(failure)
                    .hasMessage(
                            "slack endpoint http://127.0.0.1:%d/… answered %d: error %d",
                            port(), status, status);
        }
    }

    @Test
    void otherClientErrorsAreFinal() {
        HttpNotifier slack = HttpNotifier.slack(new SlackSettings(endpoint.url("/hook")), client);
        endpoint.answer(400, 404);

        for (int status : List.of(400, 404)) {
            NotifierException failure =
                    catchThrowableOfType(
                            () -> slack.send(accuracyWarning()), NotifierException.class);
            assertThat(failure.retryable()).as("status %s", status).isFalse();
        }
        assertThat(endpoint.requests()).hasSize(2);
    }

    @Test
    void anEndpointNobodyListensOnIsRetryable() throws IOException {
        HttpNotifier slack =
                HttpNotifier.slack(new SlackSettings("http://127.0.0.1:" + closedPort()), client);

        assertThatThrownBy(() -> slack.send(accuracyWarning()))
                .isInstanceOfSatisfying(
                        NotifierException.class,
                        failure -> assertThat(failure.retryable()).isTrue())
                .hasMessageStartingWith("slack endpoint http://127.0.0.1:")
                .hasMessageContaining("failed: ConnectException");
    }

    private int port() {
        return Integer.parseInt(endpoint.url("").replaceAll(".*:", ""));
    }

    /** A port that was free a moment ago and has nobody listening. */
    static int closedPort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }
}
