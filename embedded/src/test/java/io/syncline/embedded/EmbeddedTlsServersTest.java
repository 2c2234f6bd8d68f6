package io.syncline.embedded;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.HashMap;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The servers with TLS, on the certificates {@link TestCertificates} issues. */
class EmbeddedTlsServersTest {

    @TempDir static Path directory;

    private static TestCertificates certificates;

    @BeforeAll
    static void issueCertificates() {
        certificates = TestCertificates.create(directory.resolve("tls"));
    }

    @Test
    void certificatesChainToTheAuthorityAndNameTheServer() throws Exception {
        X509Certificate ca = certificate(certificates.caCertificate());
        X509Certificate server = certificate(certificates.serverCertificate());
        X509Certificate client = certificate(certificates.clientCertificate());

        server.verify(ca.getPublicKey());
        client.verify(ca.getPublicKey());
        assertThat(ca.getBasicConstraints()).as("CA path length").isGreaterThanOrEqualTo(0);
        assertThat(server.getSubjectAlternativeNames())
                .extracting(name -> (Object) name.get(1))
                .containsExactly((Object) "localhost", "127.0.0.1", "0:0:0:0:0:0:0:1");
        assertThat(client.getSubjectX500Principal().getName()).isEqualTo("CN=postgres");
        assertThat(Files.getPosixFilePermissions(certificates.clientKey()))
                .isEqualTo(PosixFilePermissions.fromString("rw-------"));

        KeyStore keystore = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(certificates.clientKeystore())) {
            keystore.load(in, TestCertificates.PASSWORD.toCharArray());
        }
        assertThat(keystore.getCertificateChain("client")).containsExactly(client, ca);
    }

    @Test
    void postgresServesTls13WithClientCertificatesOnly() throws SQLException {
        try (EmbeddedPostgresServer server =
                EmbeddedPostgresServer.startWithTls(certificates.postgresServer(true))) {
            try (Connection c = server.connect("postgres");
                    Statement s = c.createStatement();
                    ResultSet rs =
                            s.executeQuery(
                                    "SELECT ssl, version, client_dn FROM pg_stat_ssl"
                                            + " WHERE pid = pg_backend_pid()")) {
                assertThat(rs.next()).isTrue();
                assertThat(rs.getBoolean(1)).isTrue();
                assertThat(rs.getString(2)).isEqualTo("TLSv1.3");
                assertThat(rs.getString(3)).isEqualTo("/CN=postgres");
            }

            Properties plaintext = new Properties();
            plaintext.setProperty("user", server.username());
            plaintext.setProperty("sslmode", "disable");
            assertThatThrownBy(
                            () ->
                                    new org.postgresql.Driver()
                                            .connect(server.jdbcUrl("postgres"), plaintext)
                                            .close())
                    .isInstanceOf(SQLException.class)
                    .hasMessageContaining("no pg_hba.conf entry")
                    .hasMessageContaining("no encryption");
        }
    }

    @Test
    void kafkaServesTls13Only() throws Exception {
        try (EmbeddedKafkaBroker broker =
                EmbeddedKafkaBroker.startWithTls(certificates.kafkaServer(true))) {
            broker.createTopic("tls-topic", 1);

            Map<String, Object> properties = new HashMap<>(broker.clientProperties());
            properties.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers());
            try (Admin admin = Admin.create(properties)) {
                assertThat(admin.listTopics().names().get()).contains("tls-topic");
            }
            assertThat(broker.clientProperties())
                    .containsEntry("security.protocol", "SSL")
                    .containsEntry("ssl.enabled.protocols", "TLSv1.3");
        }
    }

    private static X509Certificate certificate(Path file) throws Exception {
        try (InputStream in = Files.newInputStream(file)) {
            return (X509Certificate)
                    CertificateFactory.getInstance("X.509").generateCertificate(in);
        }
    }
}
