package io.syncline.operators.webhook;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;

/** Signatures as senders compute them, and every reason a request is refused. */
class HmacVerifierTest {

    private static final String SECRET = "s3cret";
    private static final Instant NOW = Instant.parse("2024-01-15T10:31:00Z");
    private static final String TIMESTAMP = Long.toString(NOW.getEpochSecond());
    private static final byte[] BODY = "{\"eventId\":\"e1\"}".getBytes(StandardCharsets.UTF_8);

    private final HmacVerifier verifier =
            new HmacVerifier(SECRET, Duration.ofMinutes(5), Clock.fixed(NOW, ZoneOffset.UTC));

    @Test
    void signsAsOpensslDoes() {
        // printf '%s' '1705314660.{"eventId":"e1"}' | openssl dgst -sha256 -hmac s3cret
        assertThat(HmacVerifier.sign(SECRET, TIMESTAMP, BODY))
                .isEqualTo(
                        "sha256=e3d33ebefa39fa6585b2256c160fe7f302052685fcb9b86cffcc403f36a13a7d");
    }

    @Test
    void acceptsASignedFreshRequest() {
        assertThat(verifier.refusal(TIMESTAMP, HmacVerifier.sign(SECRET, TIMESTAMP, BODY), BODY))
                .isNull();
    }

    @Test
    void acceptsATimestampWithinTheSkewEitherWay() {
        String early = Long.toString(NOW.minusSeconds(300).getEpochSecond());
        String late = Long.toString(NOW.plusSeconds(300).getEpochSecond());

        assertThat(verifier.refusal(early, HmacVerifier.sign(SECRET, early, BODY), BODY)).isNull();
        assertThat(verifier.refusal(late, HmacVerifier.sign(SECRET, late, BODY), BODY)).isNull();
    }

    @Test
    void refusesAStaleTimestampEvenWhenSigned() {
        String stale = Long.toString(NOW.minusSeconds(301).getEpochSecond());

        assertThat(verifier.refusal(stale, HmacVerifier.sign(SECRET, stale, BODY), BODY))
                .isEqualTo(
                        "the request was signed at 2024-01-15T10:25:59Z, more than 300s from the"
                                + " receiver's clock; sign each delivery (and each retry) when"
                                + " sending it, and keep the sender's clock in sync");
    }

    @Test
    void refusesATimestampFromTheFuture() {
        String future = Long.toString(NOW.plusSeconds(301).getEpochSecond());

        assertThat(verifier.refusal(future, HmacVerifier.sign(SECRET, future, BODY), BODY))
                .startsWith("the request was signed at 2024-01-15T10:36:01Z, more than 300s");
    }

    @Test
    void refusesAnAlteredBody() {
        String signature = HmacVerifier.sign(SECRET, TIMESTAMP, BODY);
        byte[] altered = "{\"eventId\":\"e2\"}".getBytes(StandardCharsets.UTF_8);

        assertThat(verifier.refusal(TIMESTAMP, signature, altered))
                .isEqualTo(
                        "the signature does not match the body; compute sha256=<hex"
                                + " HMAC-SHA256(secret, timestamp + \".\" + body)> over the exact"
                                + " bytes sent, with the configured secret");
    }

    @Test
    void refusesASignatureOfAnotherTimestamp() {
        String other = Long.toString(NOW.minusSeconds(10).getEpochSecond());

        assertThat(verifier.refusal(TIMESTAMP, HmacVerifier.sign(SECRET, other, BODY), BODY))
                .startsWith("the signature does not match the body");
    }

    @Test
    void refusesAnotherSecret() {
        assertThat(verifier.refusal(TIMESTAMP, HmacVerifier.sign("other", TIMESTAMP, BODY), BODY))
                .startsWith("the signature does not match the body");
    }

    @Test
    void refusesASignatureThatIsNotPrefixedHex() {
        String hex = HmacVerifier.sign(SECRET, TIMESTAMP, BODY).substring("sha256=".length());

        assertThat(verifier.refusal(TIMESTAMP, hex, BODY))
                .startsWith("the signature does not match the body");
        assertThat(verifier.refusal(TIMESTAMP, "sha256=zz", BODY))
                .startsWith("the signature does not match the body");
    }

    @Test
    void refusesMissingHeaders() {
        String signature = HmacVerifier.sign(SECRET, TIMESTAMP, BODY);

        assertThat(verifier.refusal(null, signature, BODY))
                .isEqualTo(
                        "the headers X-Syncline-Signature and X-Syncline-Timestamp are required;"
                                + " sign the request as docs/sources/webhook.md shows");
        assertThat(verifier.refusal(TIMESTAMP, null, BODY))
                .isEqualTo(verifier.refusal(null, signature, BODY));
    }

    @Test
    void refusesATimestampThatIsNotEpochSeconds() {
        assertThat(verifier.refusal("2024-01-15T10:31:00Z", "sha256=00", BODY))
                .isEqualTo(
                        "X-Syncline-Timestamp must be the epoch seconds the request was signed"
                                + " at");
    }

    @Test
    void refusesAnEmptySecret() {
        assertThatThrownBy(() -> new HmacVerifier("", Duration.ofMinutes(5), Clock.systemUTC()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("the webhook secret is empty");
    }
}
