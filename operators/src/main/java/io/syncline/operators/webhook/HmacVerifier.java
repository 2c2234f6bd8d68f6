package io.syncline.operators.webhook;

import java.nio.charset.StandardCharsets;
import java.security.InvalidKeyException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.Objects;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Checks a webhook request's signature: {@code sha256=<hex HMAC-SHA256(secret, timestamp + "." +
 * body)>}, with the timestamp (epoch seconds) no further than {@code maxSkew} from now, so a
 * captured request cannot be replayed later. Compares in constant time, so a forger learns nothing
 * from how long a refusal takes.
 */
public final class HmacVerifier {

    /** The header carrying the signature. */
    public static final String SIGNATURE_HEADER = "X-Syncline-Signature";

    /** The header carrying the epoch seconds the sender signed at. */
    public static final String TIMESTAMP_HEADER = "X-Syncline-Timestamp";

    private static final String ALGORITHM = "HmacSHA256";
    private static final String PREFIX = "sha256=";

    private final SecretKeySpec key;
    private final Duration maxSkew;
    private final Clock clock;

    /**
     * @param secret the shared secret, as UTF-8 bytes
     * @param maxSkew how far the signed timestamp may be from now, either way
     * @param clock the receiver's clock
     */
    public HmacVerifier(String secret, Duration maxSkew, Clock clock) {
        Objects.requireNonNull(secret, "secret");
        if (secret.isEmpty()) {
            throw new IllegalArgumentException("the webhook secret is empty");
        }
        this.key = new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), ALGORITHM);
        this.maxSkew = Objects.requireNonNull(maxSkew, "maxSkew");
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    /** The signature header's value for {@code body} sent at {@code timestamp} (epoch seconds). */
    public static String sign(String secret, String timestamp, byte[] body) {
        return PREFIX
                + HexFormat.of()
                        .formatHex(
                                mac(
                                        new SecretKeySpec(
                                                secret.getBytes(StandardCharsets.UTF_8), ALGORITHM),
                                        timestamp,
                                        body));
    }

    /**
     * Why the request must be refused, or null when it is authentic and fresh.
     *
     * @param timestamp the {@value #TIMESTAMP_HEADER} header, or null when absent
     * @param signature the {@value #SIGNATURE_HEADER} header, or null when absent
     */
    public String refusal(String timestamp, String signature, byte[] body) {
        if (timestamp == null || signature == null) {
            return "the headers "
                    + SIGNATURE_HEADER
                    + " and "
                    + TIMESTAMP_HEADER
                    + " are required; sign the request as docs/sources/webhook.md shows";
        }
        long seconds;
        try {
            seconds = Long.parseLong(timestamp.trim());
        } catch (NumberFormatException e) {
            return TIMESTAMP_HEADER + " must be the epoch seconds the request was signed at";
        }
        Instant signedAt = Instant.ofEpochSecond(seconds);
        Duration skew = Duration.between(signedAt, clock.instant()).abs();
        if (skew.compareTo(maxSkew) > 0) {
            return "the request was signed at "
                    + signedAt
                    + ", more than "
                    + maxSkew.toSeconds()
                    + "s from the receiver's clock; sign each delivery (and each retry) when"
                    + " sending it, and keep the sender's clock in sync";
        }
        byte[] expected = mac(key, timestamp, body);
        byte[] given = hexOrNull(signature.trim());
        // MessageDigest.isEqual takes the same time whatever the position of the first mismatch.
        if (given == null || !MessageDigest.isEqual(expected, given)) {
            return "the signature does not match the body; compute "
                    + PREFIX
                    + "<hex HMAC-SHA256(secret, timestamp + \".\" + body)> over the exact bytes"
                    + " sent, with the configured secret";
        }
        return null;
    }

    private static byte[] hexOrNull(String signature) {
        if (!signature.startsWith(PREFIX)) {
            return null;
        }
        try {
            return HexFormat.of().parseHex(signature.substring(PREFIX.length()));
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    private static byte[] mac(SecretKeySpec key, String timestamp, byte[] body) {
        try {
            Mac mac = Mac.getInstance(ALGORITHM);
            mac.init(key);
            mac.update(timestamp.getBytes(StandardCharsets.UTF_8));
            mac.update((byte) '.');
            return mac.doFinal(body);
        } catch (NoSuchAlgorithmException | InvalidKeyException e) {
            // Every JDK ships HmacSHA256, and any non-empty key fits it.
            throw new IllegalStateException(e);
        }
    }
}
