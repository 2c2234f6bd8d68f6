package io.syncline.jobs.config;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Binds an {@code eventHubs:} block, the profile of Azure Event Hubs' Kafka-compatible endpoint,
 * into the Kafka client settings it stands for: the namespace's bootstrap server on port 9093,
 * SASL_SSL with a connection string (PLAIN) or Microsoft Entra ID client credentials (OAUTHBEARER),
 * and the client settings Microsoft recommends for Event Hubs.
 */
final class EventHubsBinder {

    /** Kafka client settings of an Event Hubs namespace. */
    record EventHubs(String bootstrapServers, Map<String, String> properties) {

        EventHubs {
            properties = Map.copyOf(properties);
        }
    }

    static final String DEFAULT_DOMAIN = "servicebus.windows.net";
    static final String DEFAULT_AUTHORITY = "https://login.microsoftonline.com";

    /** Event Hubs speaks Kafka over TLS on this port only. */
    static final int KAFKA_PORT = 9093;

    /**
     * Event Hubs closes connections idle for 240 s and refuses requests over 1,046,528 bytes; these
     * are the values of Microsoft's "recommended configurations for Apache Kafka clients".
     */
    static final Map<String, String> RECOMMENDED =
            Map.of(
                    "metadata.max.age.ms", "180000",
                    "connections.max.idle.ms", "180000",
                    "max.request.size", "1000000",
                    "request.timeout.ms", "60000",
                    "session.timeout.ms", "30000");

    /** Keys the profile sets, which {@code properties:} must not set too. */
    static final List<String> MANAGED =
            List.of("security.protocol", "sasl.mechanism", "sasl.jaas.config");

    private static final Pattern CONNECTION_STRING_ENDPOINT =
            Pattern.compile("(?i)^Endpoint=sb://([^/;]+)/?;");
    private static final Pattern NAMESPACE =
            Pattern.compile("[a-zA-Z][a-zA-Z0-9-]{4,48}[a-zA-Z0-9]");
    private static final String OAUTH_HANDLER =
            "org.apache.kafka.common.security.oauthbearer.OAuthBearerLoginCallbackHandler";

    private EventHubsBinder() {}

    /** The profile of {@code node}; {@code null} when it is absent. */
    static EventHubs bind(ConfigNode node) {
        if (node.isAbsent()) {
            return null;
        }
        ConfigNode connectionStringNode = node.get("connectionString");
        String connectionString = connectionStringNode.text(null);
        ConfigNode oauthNode = node.get("oauth");
        String domain = node.get("domain").text(DEFAULT_DOMAIN);
        ConfigNode namespaceNode = node.get("namespace");
        String namespace = namespaceNode.text(namespaceOf(connectionString, domain));
        Map<String, String> properties = new LinkedHashMap<>(RECOMMENDED);
        properties.put("security.protocol", "SASL_SSL");
        if (connectionString != null && !oauthNode.isAbsent()) {
            node.problem(
                    "both connectionString and oauth are set; sign in with one of them: the"
                            + " connection string of a shared access policy, or oauth (Microsoft"
                            + " Entra ID client credentials)");
        } else if (connectionString != null) {
            checkConnectionString(connectionStringNode, connectionString, namespace, domain);
            properties.put("sasl.mechanism", "PLAIN");
            properties.put(
                    "sasl.jaas.config",
                    "org.apache.kafka.common.security.plain.PlainLoginModule required"
                            + " username=\"$ConnectionString\" password=\""
                            + jaasEscaped(connectionString)
                            + "\";");
        } else if (!oauthNode.isAbsent()) {
            String tenantId =
                    oauthNode.get("tenantId").requiredText("00000000-0000-0000-0000-000000000000");
            String clientId = oauthNode.get("clientId").requiredText("syncline-app-client-id");
            String clientSecret =
                    oauthNode.get("clientSecret").requiredText("${EVENTHUBS_CLIENT_SECRET}");
            String authority = oauthNode.get("authority").text(DEFAULT_AUTHORITY);
            oauthNode.rejectUnknownKeys();
            properties.put("sasl.mechanism", "OAUTHBEARER");
            properties.put(
                    "sasl.oauthbearer.token.endpoint.url",
                    authority.replaceAll("/+$", "") + "/" + tenantId + "/oauth2/v2.0/token");
            properties.put("sasl.login.callback.handler.class", OAUTH_HANDLER);
            properties.put(
                    "sasl.jaas.config",
                    "org.apache.kafka.common.security.oauthbearer.OAuthBearerLoginModule required"
                            + " clientId=\""
                            + jaasEscaped(clientId)
                            + "\" clientSecret=\""
                            + jaasEscaped(clientSecret)
                            + "\" scope=\"https://"
                            + namespace
                            + "."
                            + domain
                            + "/.default\";");
        } else {
            node.problem(
                    "says neither how to sign in; add connectionString:"
                            + " ${EVENTHUBS_CONNECTION_STRING} (a shared access policy's), or"
                            + " oauth: {tenantId, clientId, clientSecret}");
        }
        if (namespace == null) {
            namespaceNode.problem(
                    "is required; e.g. contoso-sync (of contoso-sync." + domain + ")");
        } else if (!NAMESPACE.matcher(namespace).matches()) {
            namespaceNode.problem(
                    "'"
                            + namespace
                            + "' is not an Event Hubs namespace name: 6 to 50 letters, digits and"
                            + " hyphens, starting with a letter, without ."
                            + domain);
        }
        node.rejectUnknownKeys();
        return new EventHubs(namespace + "." + domain + ":" + KAFKA_PORT, properties);
    }

    /**
     * The bootstrap servers of a Kafka client block: {@code eventHubs}' when it is set (then {@code
     * bootstrapServers} must not be), else the block's {@code bootstrapServers} ({@code null} when
     * it is absent and not {@code required}).
     */
    static String bootstrapServers(EventHubs eventHubs, ConfigNode serversNode, boolean required) {
        if (eventHubs == null) {
            return required
                    ? serversNode.requiredText("kafka-1:9092,kafka-2:9092")
                    : serversNode.text(null);
        }
        if (!serversNode.isAbsent()) {
            serversNode.problem(
                    "is set by eventHubs ("
                            + eventHubs.bootstrapServers()
                            + "); remove it, or remove eventHubs for another cluster");
        }
        return eventHubs.bootstrapServers();
    }

    /**
     * The client properties of a block with {@code eventHubs}: the profile's, then {@code
     * properties} (which may tune, but not sign in differently); {@code properties} alone without
     * it.
     */
    static Map<String, String> properties(
            EventHubs eventHubs, ConfigNode propertiesNode, Map<String, String> properties) {
        if (eventHubs == null) {
            return properties;
        }
        Map<String, String> merged = new LinkedHashMap<>(eventHubs.properties());
        properties.forEach(
                (key, value) -> {
                    if (MANAGED.contains(key) || key.startsWith("sasl.")) {
                        propertiesNode
                                .get(key)
                                .problem(
                                        key
                                                + " is set by eventHubs; remove it here (eventHubs"
                                                + " signs in with connectionString or oauth)");
                    } else {
                        merged.put(key, value);
                    }
                });
        return merged;
    }

    /** The namespace a connection string's endpoint names, or {@code null}. */
    private static String namespaceOf(String connectionString, String domain) {
        if (connectionString == null) {
            return null;
        }
        Matcher endpoint = CONNECTION_STRING_ENDPOINT.matcher(connectionString.trim());
        if (!endpoint.find()) {
            return null;
        }
        String host = endpoint.group(1).toLowerCase(Locale.ROOT);
        String suffix = "." + domain.toLowerCase(Locale.ROOT);
        return host.endsWith(suffix) ? host.substring(0, host.length() - suffix.length()) : null;
    }

    private static void checkConnectionString(
            ConfigNode node, String connectionString, String namespace, String domain) {
        String text = connectionString.trim();
        if (!CONNECTION_STRING_ENDPOINT.matcher(text).find()
                || !(text.contains("SharedAccessKey=")
                        || text.contains("SharedAccessSignature="))) {
            // The value is a secret: the message never repeats it.
            node.problem(
                    "is not an Event Hubs connection string; copy a shared access policy's"
                            + " 'Connection string–primary key' from the namespace, which reads"
                            + " Endpoint=sb://<namespace>."
                            + domain
                            + "/;SharedAccessKeyName=...;SharedAccessKey=...");
            return;
        }
        String own = namespaceOf(text, domain);
        if (own != null && namespace != null && !own.equalsIgnoreCase(namespace)) {
            node.problem(
                    "is for namespace '"
                            + own
                            + "', but namespace is '"
                            + namespace
                            + "'; use the connection string of namespace '"
                            + namespace
                            + "' or correct namespace");
        }
    }

    /** A value inside a JAAS option's double quotes. */
    private static String jaasEscaped(String value) {
        return value.replace("\\", "\\\\").replace("\"", "\\\"");
    }
}
