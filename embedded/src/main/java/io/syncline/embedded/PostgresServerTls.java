package io.syncline.embedded;

import java.nio.file.Path;
import java.util.Objects;

/**
 * How an {@link EmbeddedPostgresServer} serves TLS: TLS 1.3 only, and a {@code pg_hba.conf} that
 * accepts nothing but {@code hostssl} connections, so a plaintext client is refused.
 *
 * @param serverCertificate PEM certificate the server presents, for {@code localhost}
 * @param serverKey its PEM private key
 * @param certificateAuthority PEM certificate of the authority that signs client certificates
 * @param clientCertificate PEM certificate the server's own administrative connections present
 * @param clientKey its private key, PKCS#8 DER, as pgjdbc reads it
 * @param requireClientCertificate whether every connection must present a certificate signed by
 *     {@code certificateAuthority} whose common name is the user it logs in as ({@code
 *     clientcert=verify-full})
 */
public record PostgresServerTls(
        Path serverCertificate,
        Path serverKey,
        Path certificateAuthority,
        Path clientCertificate,
        Path clientKey,
        boolean requireClientCertificate) {

    public PostgresServerTls {
        Objects.requireNonNull(serverCertificate, "serverCertificate");
        Objects.requireNonNull(serverKey, "serverKey");
        Objects.requireNonNull(certificateAuthority, "certificateAuthority");
        Objects.requireNonNull(clientCertificate, "clientCertificate");
        Objects.requireNonNull(clientKey, "clientKey");
    }
}
