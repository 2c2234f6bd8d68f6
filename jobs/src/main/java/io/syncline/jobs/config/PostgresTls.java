package io.syncline.jobs.config;

import io.syncline.operators.jdbc.Tls13SocketFactory;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Properties;

/**
 * How Syncline connects to one PostgreSQL database over TLS ({@code tls:} of a source or of the
 * target), in pgjdbc's terms. Every connection takes these settings from the JDBC URL ({@link
 * #addTo}), and the CDC source from its Debezium properties ({@link #debeziumProperties}), so no
 * connection is left plaintext. TLS 1.3 only.
 *
 * @param mode how far the server is checked; {@link Mode#DISABLE} means no TLS
 * @param rootCert absolute path of the PEM certificate(s) of the authority that signed the server's
 *     certificate; null only in {@link Mode#REQUIRE}
 * @param clientCert absolute path of the PEM client certificate for mutual TLS, or null
 * @param clientKey absolute path of its private key, unencrypted PKCS#8 DER, or null
 */
public record PostgresTls(Mode mode, String rootCert, String clientCert, String clientKey) {

    /** Plaintext, as without a {@code tls:} block. */
    public static final PostgresTls DISABLED = new PostgresTls(Mode.DISABLE, null, null, null);

    /** pgjdbc's TLS properties: with a {@code tls} block, a URL must not set them itself. */
    static final List<String> DRIVER_PROPERTIES =
            List.of("ssl", "sslmode", "sslrootcert", "sslcert", "sslkey", "sslfactory");

    private static final String DEBEZIUM_PREFIX = "database.";

    /** pgjdbc's {@code sslmode} values that Syncline accepts. */
    public enum Mode {
        /** No TLS. */
        DISABLE("disable"),
        /** Encrypted, but the server's certificate is not checked: open to a man in the middle. */
        REQUIRE("require"),
        /** The server's certificate must be signed by {@code rootCert}. */
        VERIFY_CA("verify-ca"),
        /** As verify-ca, and the certificate must name the host connected to. */
        VERIFY_FULL("verify-full");

        private final String configName;

        Mode(String configName) {
            this.configName = configName;
        }

        /** The name in the configuration and in pgjdbc's {@code sslmode}. */
        public String configName() {
            return configName;
        }

        static Optional<Mode> named(String name) {
            return Arrays.stream(values()).filter(m -> m.configName.equals(name)).findFirst();
        }

        static List<String> configNames() {
            return Arrays.stream(values()).map(Mode::configName).toList();
        }

        boolean verifiesServer() {
            return this == VERIFY_CA || this == VERIFY_FULL;
        }
    }

    public PostgresTls {
        Objects.requireNonNull(mode, "mode");
    }

    public boolean enabled() {
        return mode != Mode.DISABLE;
    }

    /**
     * pgjdbc's connection properties: {@code sslmode}, the files, and the TLS 1.3 socket factory;
     * empty when disabled.
     */
    public Map<String, String> driverProperties() {
        Map<String, String> properties = new LinkedHashMap<>();
        if (!enabled()) {
            return properties;
        }
        properties.put("sslmode", mode.configName());
        if (rootCert != null) {
            properties.put("sslrootcert", rootCert);
        }
        if (clientCert != null) {
            properties.put("sslcert", clientCert);
            properties.put("sslkey", clientKey);
        }
        properties.put("sslfactory", Tls13SocketFactory.class.getName());
        return properties;
    }

    /**
     * {@code url} with the {@link #driverProperties()} appended as parameters, so that whoever
     * connects with the URL uses TLS; {@code url} itself when disabled.
     */
    public String addTo(String url) {
        StringBuilder withTls = new StringBuilder(url);
        char separator = url.indexOf('?') < 0 ? '?' : '&';
        for (Map.Entry<String, String> property : driverProperties().entrySet()) {
            withTls.append(separator)
                    .append(property.getKey())
                    .append('=')
                    .append(URLEncoder.encode(property.getValue(), StandardCharsets.UTF_8));
            separator = '&';
        }
        return withTls.toString();
    }

    /**
     * The driver properties as the Flink CDC source takes them: Debezium hands its {@code
     * database.*} properties, without the prefix, to every connection it opens.
     */
    public Properties debeziumProperties() {
        Properties properties = new Properties();
        driverProperties()
                .forEach((key, value) -> properties.setProperty(DEBEZIUM_PREFIX + key, value));
        return properties;
    }

    /**
     * The driver properties among Debezium properties, as {@link #debeziumProperties()} put them
     * there: what another connection of the CDC source must also use.
     */
    public static Map<String, String> driverPropertiesOf(Properties debezium) {
        Map<String, String> properties = new LinkedHashMap<>();
        for (String key : DRIVER_PROPERTIES) {
            String value = debezium.getProperty(DEBEZIUM_PREFIX + key);
            if (value != null) {
                properties.put(key, value);
            }
        }
        return properties;
    }
}
