package io.syncline.jobs.config;

import io.syncline.jobs.config.PostgresTls.Mode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import javax.crypto.EncryptedPrivateKeyInfo;

/**
 * Binds the {@code tls} blocks of the PostgreSQL sources, the target and Kafka. Files are resolved
 * against the configuration file's directory and must exist and be readable here; problems name the
 * path and the fix like the rest of the file's.
 */
final class TlsBinder {

    private static final String TLS_VERSION = "TLSv1.3";
    private static final String KAFKA_SSL = "SSL";
    // Kafka's SASL over TLS: the tls block adds the TLS part, the properties the SASL part.
    private static final String KAFKA_SASL_SSL = "SASL_SSL";
    private static final String SECURITY_PROTOCOL = "security.protocol";
    private static final String PK8_FIX =
            "; pgjdbc reads unencrypted PKCS#8 DER keys: convert it with openssl pkcs8 -topk8"
                    + " -outform DER -nocrypt -in client.key -out client.pk8";

    private TlsBinder() {}

    /**
     * A source's or the target's {@code tls}: absent means plaintext; present, the mode defaults to
     * verify-full.
     */
    static PostgresTls postgres(ConfigNode node, Path baseDirectory) {
        if (node.isAbsent()) {
            return PostgresTls.DISABLED;
        }
        ConfigNode modeNode = node.get("mode");
        String modeName = modeNode.text(Mode.VERIFY_FULL.configName());
        Mode mode = Mode.named(modeName).orElse(null);
        if (mode == null) {
            modeNode.problem(
                    "'"
                            + modeName
                            + "' is not a TLS mode; use one of "
                            + String.join(", ", Mode.configNames())
                            + " (verify-full, the default, checks the server's certificate and"
                            + " name)");
        }
        ConfigNode rootCertNode = node.get("rootCert");
        String rootCert = file(rootCertNode, baseDirectory, "ca.pem");
        ConfigNode clientCertNode = node.get("clientCert");
        String clientCert = file(clientCertNode, baseDirectory, "client.pem");
        ConfigNode clientKeyNode = node.get("clientKey");
        String clientKey = file(clientKeyNode, baseDirectory, "client.pk8");
        node.rejectUnknownKeys();
        if (mode == null) {
            return PostgresTls.DISABLED;
        }
        if (mode == Mode.DISABLE) {
            if (!rootCertNode.isAbsent() || !clientCertNode.isAbsent()) {
                modeNode.problem(
                        "disable turns TLS off, yet certificates are set; remove them, or use"
                                + " verify-full");
            }
            return PostgresTls.DISABLED;
        }
        if (mode.verifiesServer() && rootCertNode.isAbsent()) {
            rootCertNode.problem(
                    "is required with mode "
                            + mode.configName()
                            + ": the PEM certificate of the authority that signed the server's"
                            + " certificate, e.g. rootCert: ca.pem (or mode: require, which"
                            + " encrypts without checking the server)");
        }
        if (!clientCertNode.isAbsent() && clientKeyNode.isAbsent()) {
            clientKeyNode.problem(
                    "is required with clientCert: the client certificate's private key,"
                            + " unencrypted PKCS#8 DER, e.g. clientKey: client.pk8");
        }
        if (clientCertNode.isAbsent() && !clientKeyNode.isAbsent()) {
            clientCertNode.problem(
                    "is required with clientKey: the PEM client certificate, e.g. clientCert:"
                            + " client.pem");
        }
        if (clientKey != null) {
            checkPkcs8Der(clientKeyNode, Path.of(clientKey));
        }
        return new PostgresTls(mode, rootCert, clientCert, clientKey);
    }

    /**
     * {@code url} with the TLS settings as parameters. A URL that sets them itself as well would
     * leave two sources of truth, so that is a problem.
     */
    static String postgresUrl(ConfigNode urlNode, String url, PostgresTls tls) {
        if (url == null || !tls.enabled()) {
            return url;
        }
        int query = url.indexOf('?');
        if (query >= 0) {
            List<String> own =
                    Arrays.stream(url.substring(query + 1).split("&"))
                            .map(parameter -> parameter.split("=", 2)[0])
                            .filter(PostgresTls.DRIVER_PROPERTIES::contains)
                            .toList();
            if (!own.isEmpty()) {
                urlNode.problem(
                        "sets "
                                + String.join(", ", own)
                                + " and so does tls; remove "
                                + (own.size() == 1 ? "it" : "them")
                                + " from the URL and keep the tls block, which checks the files");
                return url;
            }
        }
        return tls.addTo(url);
    }

    /**
     * {@code sinks.kafka.properties} with the client settings of {@code sinks.kafka.tls} added, so
     * that every Kafka client Syncline makes (sinks, sources, admin clients, the CLI's) uses TLS.
     */
    static Map<String, String> kafkaProperties(
            ConfigNode tlsNode,
            ConfigNode propertiesNode,
            Map<String, String> properties,
            Path baseDirectory) {
        Map<String, String> tls = kafka(tlsNode, baseDirectory);
        if (tls.isEmpty()) {
            return properties;
        }
        Map<String, String> merged = new LinkedHashMap<>(properties);
        for (String key : properties.keySet()) {
            boolean sasl =
                    key.equals(SECURITY_PROTOCOL) && KAFKA_SASL_SSL.equals(properties.get(key));
            if (!sasl && (key.equals(SECURITY_PROTOCOL) || key.startsWith("ssl."))) {
                propertiesNode
                        .get(key)
                        .problem(
                                key
                                        + " is set by sinks.kafka.tls; remove it here (only"
                                        + " security.protocol: SASL_SSL may stay, for SASL over"
                                        + " TLS)");
            }
        }
        tls.forEach(
                (key, value) -> {
                    if (!key.equals(SECURITY_PROTOCOL) || !merged.containsKey(key)) {
                        merged.put(key, value);
                    }
                });
        return merged;
    }

    private static Map<String, String> kafka(ConfigNode node, Path baseDirectory) {
        if (node.isAbsent()) {
            return Map.of();
        }
        ConfigNode truststoreNode = node.get("truststore");
        String truststore = file(truststoreNode, baseDirectory, "truststore.p12");
        ConfigNode truststorePasswordNode = node.get("truststorePassword");
        String truststorePassword = truststorePasswordNode.text(null);
        ConfigNode keystoreNode = node.get("keystore");
        String keystore = file(keystoreNode, baseDirectory, "client.p12");
        ConfigNode keystorePasswordNode = node.get("keystorePassword");
        String keystorePassword = keystorePasswordNode.text(null);
        ConfigNode keyPasswordNode = node.get("keyPassword");
        String keyPassword = keyPasswordNode.text(null);
        node.rejectUnknownKeys();

        Map<String, String> properties = new LinkedHashMap<>();
        properties.put(SECURITY_PROTOCOL, KAFKA_SSL);
        properties.put("ssl.protocol", TLS_VERSION);
        properties.put("ssl.enabled.protocols", TLS_VERSION);
        properties.put("ssl.endpoint.identification.algorithm", "https");
        if (truststore != null) {
            String type = storeType(truststoreNode, truststore);
            properties.put("ssl.truststore.type", type);
            properties.put("ssl.truststore.location", truststore);
            if (truststorePassword != null) {
                if ("PEM".equals(type)) {
                    truststorePasswordNode.problem("a PEM trust store has no password; remove it");
                }
                properties.put("ssl.truststore.password", truststorePassword);
            }
        } else if (truststorePassword != null) {
            truststorePasswordNode.problem(
                    "has no trust store to open; set truststore (e.g. truststore.p12) or remove"
                            + " it (without a trust store the JDK's default authorities are"
                            + " trusted)");
        }
        if (keystore != null) {
            String type = storeType(keystoreNode, keystore);
            properties.put("ssl.keystore.type", type);
            properties.put("ssl.keystore.location", keystore);
            if ("PEM".equals(type)) {
                if (keystorePassword != null) {
                    keystorePasswordNode.problem(
                            "a PEM key store has no password; remove it (an encrypted key's"
                                    + " password is keyPassword)");
                }
            } else if (keystorePassword == null) {
                keystorePasswordNode.problem(
                        "is required with keystore: a "
                                + type
                                + " key store cannot be opened without it; e.g."
                                + " keystorePassword: ${KAFKA_KEYSTORE_PASSWORD}");
            } else {
                properties.put("ssl.keystore.password", keystorePassword);
            }
            if (keyPassword != null) {
                properties.put("ssl.key.password", keyPassword);
            }
        } else if (keystoreNode.isAbsent()) {
            for (ConfigNode orphan : List.of(keystorePasswordNode, keyPasswordNode)) {
                if (!orphan.isAbsent()) {
                    orphan.problem(
                            "has no key store to open; set keystore (e.g. client.p12) for"
                                    + " mutual TLS, or remove it");
                }
            }
        }
        return properties;
    }

    /** Kafka's store type, from the file's extension. */
    private static String storeType(ConfigNode node, String file) {
        String name = file.toLowerCase(Locale.ROOT);
        if (name.endsWith(".p12") || name.endsWith(".pfx")) {
            return "PKCS12";
        }
        if (name.endsWith(".jks")) {
            return "JKS";
        }
        if (name.endsWith(".pem") || name.endsWith(".crt")) {
            return "PEM";
        }
        node.problem(
                "'"
                        + Path.of(file).getFileName()
                        + "' is not a store Kafka reads by this name; name a PKCS#12 file .p12 or"
                        + " .pfx, a Java key store .jks, or PEM .pem");
        return "PKCS12";
    }

    /**
     * The absolute path of a file named relative to the configuration file, or null if absent; a
     * problem if it is not there or not readable.
     */
    private static String file(ConfigNode node, Path baseDirectory, String example) {
        String text = node.text(null);
        if (text == null) {
            return null;
        }
        if (text.isBlank()) {
            node.problem("must not be empty; e.g. " + example);
            return null;
        }
        Path path = baseDirectory.resolve(text).toAbsolutePath().normalize();
        if (!Files.isRegularFile(path)) {
            node.problem(
                    "'"
                            + text
                            + "' does not exist ("
                            + path
                            + "); check the path (relative paths are resolved against the"
                            + " configuration file's directory)");
            return null;
        }
        if (!Files.isReadable(path)) {
            node.problem(
                    "'"
                            + text
                            + "' cannot be read by this user ("
                            + path
                            + "); make it readable by the user Syncline runs as");
            return null;
        }
        return path.toString();
    }

    /** pgjdbc reads an unencrypted PKCS#8 DER key only (or PKCS#12, which needs a password). */
    private static void checkPkcs8Der(ConfigNode node, Path key) {
        String name = key.getFileName().toString().toLowerCase(Locale.ROOT);
        if (name.endsWith(".p12") || name.endsWith(".pfx")) {
            node.problem("is a PKCS#12 file, which pgjdbc would open with a password" + PK8_FIX);
            return;
        }
        byte[] content;
        try {
            content = Files.readAllBytes(key);
        } catch (IOException e) {
            node.problem("cannot be read: " + e.getMessage());
            return;
        }
        if (new String(content, 0, Math.min(content.length, 64), StandardCharsets.US_ASCII)
                .contains("-----BEGIN")) {
            node.problem("is PEM text" + PK8_FIX);
            return;
        }
        try {
            new EncryptedPrivateKeyInfo(content);
            node.problem("is encrypted" + PK8_FIX);
        } catch (IOException | RuntimeException e) {
            // Not an encrypted key: what pgjdbc reads.
        }
    }
}
