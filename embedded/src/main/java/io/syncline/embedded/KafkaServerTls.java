package io.syncline.embedded;

import java.nio.file.Path;
import java.util.Objects;

/**
 * How an {@link EmbeddedKafkaBroker} serves TLS: one SSL listener, TLS 1.3 only, and no plaintext
 * listener for clients.
 *
 * @param keystore PKCS#12 file with the broker's key and certificate (for {@code 127.0.0.1}); the
 *     broker's own clients present it too
 * @param truststore PKCS#12 file with the certificate authority that signed the broker's and the
 *     clients' certificates
 * @param password of both files and of the key
 * @param requireClientCertificate whether clients must present a certificate the truststore trusts
 *     ({@code ssl.client.auth=required})
 */
public record KafkaServerTls(
        Path keystore, Path truststore, String password, boolean requireClientCertificate) {

    public KafkaServerTls {
        Objects.requireNonNull(keystore, "keystore");
        Objects.requireNonNull(truststore, "truststore");
        Objects.requireNonNull(password, "password");
    }
}
