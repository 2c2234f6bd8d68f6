package io.syncline.embedded;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Date;
import java.util.concurrent.atomic.AtomicLong;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.CertIOException;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * A throwaway certificate authority with a server certificate (for {@code localhost}, {@code
 * 127.0.0.1} and {@code ::1}) and a client certificate, written to a directory in the formats
 * PostgreSQL, pgjdbc and Kafka read, so that tests can run the servers with TLS and mutual TLS.
 * Never for production: the keys are unencrypted and the certificates last a day.
 *
 * <p>Needs BouncyCastle ({@code org.bouncycastle:bcpkix-jdk18on}) on the classpath: the JDK has no
 * public API to issue certificates.
 */
public final class TestCertificates {

    /** The password of every PKCS#12 file and of the keys in them. */
    public static final String PASSWORD = "syncline-test";

    private static final String SIGNATURE = "SHA256withRSA";
    private static final Duration VALIDITY = Duration.ofDays(1);
    // Clocks of the servers may lag a little behind the test's.
    private static final Duration BACKDATE = Duration.ofHours(1);
    private static final AtomicLong SERIALS = new AtomicLong(System.currentTimeMillis());

    private final Path directory;

    private TestCertificates(Path directory) {
        this.directory = directory;
    }

    /**
     * Issues the certificates into {@code directory} (created if missing). The client certificate's
     * common name is {@code clientName}: PostgreSQL's {@code clientcert=verify-full} lets it log in
     * only as the user of that name.
     */
    public static TestCertificates create(Path directory, String clientName) {
        try {
            Files.createDirectories(directory);
            Instant now = Instant.now();
            KeyPair caKeys = rsaKeys();
            X509Certificate ca =
                    new Issuer(caKeys, null, now).issue(caKeys, "CN=Syncline Test CA", true, false);
            Issuer issuer = new Issuer(caKeys, ca, now);
            KeyPair serverKeys = rsaKeys();
            X509Certificate server = issuer.issue(serverKeys, "CN=localhost", false, true);
            KeyPair clientKeys = rsaKeys();
            X509Certificate client = issuer.issue(clientKeys, "CN=" + clientName, false, false);

            TestCertificates certificates = new TestCertificates(directory);
            writePem(certificates.caCertificate(), "CERTIFICATE", ca.getEncoded());
            writePem(certificates.serverCertificate(), "CERTIFICATE", server.getEncoded());
            writePem(certificates.serverKey(), "PRIVATE KEY", serverKeys.getPrivate().getEncoded());
            writeKeystore(
                    certificates.serverKeystore(), "server", serverKeys.getPrivate(), server, ca);
            writePem(certificates.clientCertificate(), "CERTIFICATE", client.getEncoded());
            writePrivate(certificates.clientKey(), clientKeys.getPrivate().getEncoded());
            writeKeystore(
                    certificates.clientKeystore(), "client", clientKeys.getPrivate(), client, ca);
            writeTruststore(certificates.truststore(), ca);
            return certificates;
        } catch (IOException e) {
            throw new UncheckedIOException("Could not write certificates to " + directory, e);
        } catch (GeneralSecurityException | OperatorCreationException e) {
            throw new IllegalStateException("Could not issue certificates", e);
        }
    }

    /** Issues the certificates with a client certificate for the user {@code postgres}. */
    public static TestCertificates create(Path directory) {
        return create(directory, "postgres");
    }

    public Path directory() {
        return directory;
    }

    /** {@code ca.pem}: the authority's certificate, PEM. */
    public Path caCertificate() {
        return directory.resolve("ca.pem");
    }

    /** {@code server.pem}: the server certificate, PEM. */
    public Path serverCertificate() {
        return directory.resolve("server.pem");
    }

    /** {@code server.key}: the server's private key, PKCS#8 PEM, readable by its owner only. */
    public Path serverKey() {
        return directory.resolve("server.key");
    }

    /** {@code server.p12}: the server's key with its certificate chain, PKCS#12. */
    public Path serverKeystore() {
        return directory.resolve("server.p12");
    }

    /** {@code client.pem}: the client certificate, PEM. */
    public Path clientCertificate() {
        return directory.resolve("client.pem");
    }

    /** {@code client.pk8}: the client's private key, PKCS#8 DER as pgjdbc reads it. */
    public Path clientKey() {
        return directory.resolve("client.pk8");
    }

    /**
     * {@code client.p12}: the client's key with its certificate chain, PKCS#12, as Kafka reads it.
     */
    public Path clientKeystore() {
        return directory.resolve("client.p12");
    }

    /** {@code truststore.p12}: the authority's certificate as a PKCS#12 trust store. */
    public Path truststore() {
        return directory.resolve("truststore.p12");
    }

    /** The settings of an {@link EmbeddedPostgresServer} serving these certificates. */
    public PostgresServerTls postgresServer(boolean requireClientCertificate) {
        return new PostgresServerTls(
                serverCertificate(),
                serverKey(),
                caCertificate(),
                clientCertificate(),
                clientKey(),
                requireClientCertificate);
    }

    /** The settings of an {@link EmbeddedKafkaBroker} serving these certificates. */
    public KafkaServerTls kafkaServer(boolean requireClientCertificate) {
        return new KafkaServerTls(
                serverKeystore(), truststore(), PASSWORD, requireClientCertificate);
    }

    private static KeyPair rsaKeys() throws GeneralSecurityException {
        KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
        generator.initialize(2048);
        return generator.generateKeyPair();
    }

    /** Signs certificates with the authority's key; a null authority certificate self-signs. */
    private record Issuer(KeyPair keys, X509Certificate certificate, Instant now) {

        X509Certificate issue(
                KeyPair subjectKeys, String subject, boolean authority, boolean server)
                throws GeneralSecurityException, CertIOException, OperatorCreationException {
            X500Name issuerName =
                    certificate == null
                            ? new X500Name(subject)
                            : X500Name.getInstance(
                                    certificate.getSubjectX500Principal().getEncoded());
            JcaX509v3CertificateBuilder builder =
                    new JcaX509v3CertificateBuilder(
                            issuerName,
                            BigInteger.valueOf(SERIALS.incrementAndGet()),
                            Date.from(now.minus(BACKDATE)),
                            Date.from(now.plus(VALIDITY)),
                            new X500Name(subject),
                            subjectKeys.getPublic());
            JcaX509ExtensionUtils extensions = new JcaX509ExtensionUtils();
            builder.addExtension(
                    Extension.subjectKeyIdentifier,
                    false,
                    extensions.createSubjectKeyIdentifier(subjectKeys.getPublic()));
            if (authority) {
                builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(true));
                builder.addExtension(
                        Extension.keyUsage,
                        true,
                        new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign));
            } else {
                builder.addExtension(
                        Extension.authorityKeyIdentifier,
                        false,
                        extensions.createAuthorityKeyIdentifier(certificate));
                builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(false));
                builder.addExtension(
                        Extension.keyUsage,
                        true,
                        new KeyUsage(KeyUsage.digitalSignature | KeyUsage.keyEncipherment));
                // A broker is also a client of itself (transaction markers), with its own key.
                builder.addExtension(
                        Extension.extendedKeyUsage,
                        false,
                        new ExtendedKeyUsage(
                                new KeyPurposeId[] {
                                    KeyPurposeId.id_kp_serverAuth, KeyPurposeId.id_kp_clientAuth
                                }));
            }
            if (server) {
                builder.addExtension(
                        Extension.subjectAlternativeName,
                        false,
                        new GeneralNames(
                                new GeneralName[] {
                                    new GeneralName(GeneralName.dNSName, "localhost"),
                                    new GeneralName(GeneralName.iPAddress, "127.0.0.1"),
                                    new GeneralName(GeneralName.iPAddress, "::1")
                                }));
            }
            return new JcaX509CertificateConverter()
                    .getCertificate(
                            builder.build(
                                    new JcaContentSignerBuilder(SIGNATURE)
                                            .build(keys.getPrivate())));
        }
    }

    private static void writePem(Path file, String type, byte[] der) throws IOException {
        String body =
                Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII))
                        .encodeToString(der);
        String pem = "-----BEGIN " + type + "-----\n" + body + "\n-----END " + type + "-----\n";
        if (type.endsWith("PRIVATE KEY")) {
            writePrivate(file, pem.getBytes(StandardCharsets.US_ASCII));
        } else {
            Files.writeString(file, pem, StandardCharsets.US_ASCII);
        }
    }

    /** Writes a key readable by its owner only, as PostgreSQL demands of its server key. */
    private static void writePrivate(Path file, byte[] content) throws IOException {
        Files.deleteIfExists(file);
        Files.createFile(
                file,
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        Files.write(file, content);
    }

    private static void writeKeystore(
            Path file,
            String alias,
            PrivateKey key,
            X509Certificate certificate,
            X509Certificate authority)
            throws IOException, GeneralSecurityException {
        KeyStore store = KeyStore.getInstance("PKCS12");
        store.load(null, null);
        store.setKeyEntry(
                alias, key, PASSWORD.toCharArray(), new Certificate[] {certificate, authority});
        store(store, file);
    }

    private static void writeTruststore(Path file, X509Certificate authority)
            throws IOException, GeneralSecurityException {
        KeyStore store = KeyStore.getInstance("PKCS12");
        store.load(null, null);
        store.setCertificateEntry("ca", authority);
        store(store, file);
    }

    private static void store(KeyStore store, Path file)
            throws IOException, GeneralSecurityException {
        try (OutputStream out = Files.newOutputStream(file)) {
            store.store(out, PASSWORD.toCharArray());
        }
    }
}
