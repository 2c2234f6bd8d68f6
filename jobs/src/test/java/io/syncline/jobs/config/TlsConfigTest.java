package io.syncline.jobs.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.entry;

import io.syncline.embedded.TestCertificates;
import io.syncline.jobs.config.PostgresTls.Mode;
import java.io.IOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The {@code tls} blocks of sources, target and Kafka: what they bind to and what they refuse. */
class TlsConfigTest {

    private static final String TLS13_FACTORY = "io.syncline.operators.jdbc.Tls13SocketFactory";

    @TempDir static Path directory;

    private static TestCertificates certificates;

    @BeforeAll
    static void issueCertificates() {
        certificates = TestCertificates.create(directory);
    }

    @Test
    void postgresTlsReachesEveryConnectionThroughUrlAndDebeziumProperties() {
        SynclineConfig config =
                load(
                        "{rootCert: ca.pem, clientCert: client.pem, clientKey: client.pk8}",
                        "{mode: verify-ca, rootCert: ./ca.pem}",
                        null);

        SourceConfig source = config.sources().get(0);
        assertThat(source.tls())
                .isEqualTo(
                        new PostgresTls(
                                Mode.VERIFY_FULL,
                                certificates.caCertificate().toString(),
                                certificates.clientCertificate().toString(),
                                certificates.clientKey().toString()));
        assertThat(source.jdbcUrl())
                .isEqualTo(
                        "jdbc:postgresql://db.internal:5432/crm?sslmode=verify-full&sslrootcert="
                                + encoded(certificates.caCertificate())
                                + "&sslcert="
                                + encoded(certificates.clientCertificate())
                                + "&sslkey="
                                + encoded(certificates.clientKey())
                                + "&sslfactory="
                                + TLS13_FACTORY);
        assertThat(source.tls().debeziumProperties())
                .containsOnly(
                        entry("database.sslmode", "verify-full"),
                        entry("database.sslrootcert", certificates.caCertificate().toString()),
                        entry("database.sslcert", certificates.clientCertificate().toString()),
                        entry("database.sslkey", certificates.clientKey().toString()),
                        entry("database.sslfactory", TLS13_FACTORY));
        assertThat(config.sinks().target().url())
                .isEqualTo(
                        "jdbc:postgresql://localhost:5432/warehouse?sslmode=verify-ca&sslrootcert="
                                + encoded(certificates.caCertificate())
                                + "&sslfactory="
                                + TLS13_FACTORY);
    }

    @Test
    void withoutTlsEveryConnectionStaysAsConfigured() {
        SynclineConfig config = load(null, null, null);

        assertThat(config.sources().get(0).tls()).isEqualTo(PostgresTls.DISABLED);
        assertThat(config.sources().get(0).jdbcUrl())
                .isEqualTo("jdbc:postgresql://db.internal:5432/crm");
        assertThat(config.sinks().target().url())
                .isEqualTo("jdbc:postgresql://localhost:5432/warehouse");
        assertThat(config.sinks().kafka().properties()).containsOnly(entry("linger.ms", "5"));
    }

    @Test
    void kafkaTlsIsAddedToTheClientPropertiesOfEveryKafkaClient() {
        SynclineConfig config =
                load(
                        null,
                        null,
                        "{truststore: truststore.p12, truststorePassword: trust-pw,"
                                + " keystore: client.p12, keystorePassword: store-pw,"
                                + " keyPassword: key-pw}");

        assertThat(config.sinks().kafka().properties())
                .containsOnly(
                        entry("linger.ms", "5"),
                        entry("security.protocol", "SSL"),
                        entry("ssl.protocol", "TLSv1.3"),
                        entry("ssl.enabled.protocols", "TLSv1.3"),
                        entry("ssl.endpoint.identification.algorithm", "https"),
                        entry("ssl.truststore.type", "PKCS12"),
                        entry("ssl.truststore.location", certificates.truststore().toString()),
                        entry("ssl.truststore.password", "trust-pw"),
                        entry("ssl.keystore.type", "PKCS12"),
                        entry("ssl.keystore.location", certificates.clientKeystore().toString()),
                        entry("ssl.keystore.password", "store-pw"),
                        entry("ssl.key.password", "key-pw"));
    }

    @Test
    void pemStoresNeedNoPasswordAndSaslKeepsItsProtocol() {
        SynclineConfig config =
                ConfigLoader.load(
                        write(
                                config(null, null, "{truststore: ca.pem}")
                                        .replace("linger.ms: 5", "security.protocol: SASL_SSL")),
                        name -> null);

        assertThat(config.sinks().kafka().properties())
                .contains(
                        entry("security.protocol", "SASL_SSL"),
                        entry("ssl.truststore.type", "PEM"),
                        entry("ssl.truststore.location", certificates.caCertificate().toString()))
                .doesNotContainKey("ssl.truststore.password");
    }

    @Test
    void eachProblemNamesItsPathAndTheFix() {
        ConfigException e =
                failure(
                        "{mode: strict, rootCert: missing.pem, clientCert: client.pem}",
                        "{mode: verify-full}",
                        "{truststore: truststore.p12, keystore: client.p12}");

        assertThat(e.problems())
                .extracting(ConfigProblem::path)
                .containsExactlyInAnyOrder(
                        "sources[0].tls.mode",
                        "sources[0].tls.rootCert",
                        "sinks.kafka.tls.keystorePassword",
                        "sinks.target.tls.rootCert");
        assertThat(problemAt(e, "sources[0].tls.mode"))
                .isEqualTo(
                        "'strict' is not a TLS mode; use one of disable, require, verify-ca,"
                                + " verify-full (verify-full, the default, checks the server's"
                                + " certificate and name)");
        assertThat(problemAt(e, "sources[0].tls.rootCert"))
                .isEqualTo(
                        "'missing.pem' does not exist ("
                                + directory.resolve("missing.pem")
                                + "); check the path (relative paths are resolved against the"
                                + " configuration file's directory)");
        assertThat(problemAt(e, "sinks.target.tls.rootCert"))
                .startsWith(
                        "is required with mode verify-full: the PEM certificate of the authority"
                                + " that signed the server's certificate, e.g. rootCert: ca.pem");
        assertThat(problemAt(e, "sinks.kafka.tls.keystorePassword"))
                .isEqualTo(
                        "is required with keystore: a PKCS12 key store cannot be opened without"
                                + " it; e.g. keystorePassword: ${KAFKA_KEYSTORE_PASSWORD}");
    }

    @Test
    void aClientCertificateNeedsItsKeyInTheFormPgjdbcReads() {
        ConfigException e =
                failure(
                        "{rootCert: ca.pem, clientCert: client.pem}",
                        "{rootCert: ca.pem, clientCert: client.pem, clientKey: server.key}",
                        null);

        assertThat(problemAt(e, "sources[0].tls.clientKey"))
                .isEqualTo(
                        "is required with clientCert: the client certificate's private key,"
                                + " unencrypted PKCS#8 DER, e.g. clientKey: client.pk8");
        assertThat(problemAt(e, "sinks.target.tls.clientKey"))
                .isEqualTo(
                        "is PEM text; pgjdbc reads unencrypted PKCS#8 DER keys: convert it with"
                                + " openssl pkcs8 -topk8 -outform DER -nocrypt -in client.key"
                                + " -out client.pk8");
    }

    @Test
    void tlsSettingsMayNotAlsoBeSetByHand() {
        String yaml =
                config(null, "{rootCert: ca.pem}", "{truststore: truststore.p12}")
                        .replace(
                                "jdbc:postgresql://localhost:5432/warehouse",
                                "jdbc:postgresql://localhost:5432/warehouse?sslmode=require")
                        .replace("linger.ms: 5", "ssl.protocol: TLSv1.2");

        ConfigException e = catchConfigException(yaml);

        assertThat(e.problems())
                .extracting(ConfigProblem::path)
                .containsExactlyInAnyOrder(
                        "sinks.target.url", "sinks.kafka.properties.ssl.protocol");
        assertThat(problemAt(e, "sinks.target.url"))
                .isEqualTo(
                        "sets sslmode and so does tls; remove it from the URL and keep the tls"
                                + " block, which checks the files");
        assertThat(problemAt(e, "sinks.kafka.properties.ssl.protocol"))
                .startsWith("ssl.protocol is set by sinks.kafka.tls; remove it here");
    }

    @Test
    void aMisspeltTlsKeyIsReportedWithTheKnownOnes() {
        ConfigException e = failure("{mode: verify-full, rootCerts: ca.pem}", null, null);

        assertThat(problemAt(e, "sources[0].tls.rootCerts"))
                .isEqualTo(
                        "unknown key 'rootCerts'; did you mean 'rootCert'? Known keys: mode,"
                                + " rootCert, clientCert, clientKey");
    }

    /** A valid configuration with the given {@code tls} blocks (null leaves one out). */
    private static String config(String sourceTls, String targetTls, String kafkaTls) {
        return """
                sources:
                  - id: crm
                    hostname: db.internal
                    database: crm
                    username: syncline
                    tables:
                      - table: public.customers
                        entityType: customer
                        tenantColumn: tenant_id
                %s
                sinks:
                  kafka:
                    bootstrapServers: localhost:9092
                    properties: {linger.ms: 5}
                %s
                  target:
                    url: jdbc:postgresql://localhost:5432/warehouse
                    username: syncline
                %s
                """
                .formatted(
                        sourceTls == null ? "" : "    tls: " + sourceTls,
                        kafkaTls == null ? "" : "    tls: " + kafkaTls,
                        targetTls == null ? "" : "    tls: " + targetTls);
    }

    private static SynclineConfig load(String sourceTls, String targetTls, String kafkaTls) {
        return ConfigLoader.load(write(config(sourceTls, targetTls, kafkaTls)), name -> null);
    }

    private static ConfigException failure(String sourceTls, String targetTls, String kafkaTls) {
        return catchConfigException(config(sourceTls, targetTls, kafkaTls));
    }

    private static ConfigException catchConfigException(String yaml) {
        Path file = write(yaml);
        try {
            ConfigLoader.load(file, name -> null);
        } catch (ConfigException e) {
            return e;
        }
        throw new AssertionError("expected a ConfigException");
    }

    /** Writes the configuration next to the certificates, which it names relative to itself. */
    private static Path write(String yaml) {
        Path file = directory.resolve("syncline.yaml");
        try {
            Files.writeString(file, yaml);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        return file;
    }

    private static String problemAt(ConfigException e, String path) {
        return e.problems().stream()
                .filter(p -> p.path().equals(path))
                .map(ConfigProblem::message)
                .findFirst()
                .orElseThrow(
                        () ->
                                new AssertionError(
                                        "no problem at " + path + " in\n" + e.getMessage()));
    }

    private static String encoded(Path file) {
        return URLEncoder.encode(file.toString(), StandardCharsets.UTF_8);
    }
}
