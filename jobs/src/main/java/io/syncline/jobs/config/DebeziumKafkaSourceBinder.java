package io.syncline.jobs.config;

import io.syncline.operators.decode.debezium.SchemaRegistrySettings;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.List;
import java.util.Map;

/** Binds a {@code type: debezium-kafka} source. */
final class DebeziumKafkaSourceBinder implements SourceBinder {

    static final String TYPE = "debezium-kafka";

    private static final List<String> STARTING_OFFSETS = List.of("earliest", "latest");
    private static final List<String> FORMATS = List.of("json", "avro");

    @Override
    public ChangeSourceConfig bind(ConfigNode node, SourceContext context) {
        EventHubsBinder.EventHubs eventHubs = EventHubsBinder.bind(node.get("eventHubs"));
        String bootstrapServers =
                EventHubsBinder.bootstrapServers(eventHubs, node.get("bootstrapServers"), false);
        ConfigNode topicsNode = node.require("topics", "[crm.public.customers]");
        List<String> topics = topicsNode.texts();
        if (topics.isEmpty() && !topicsNode.isAbsent()) {
            topicsNode.problem("at least one topic is required; e.g. [crm.public.customers]");
        }
        String groupId =
                node.get("groupId").text(context.id() == null ? null : "syncline-" + context.id());
        String startingOffsets = oneOf(node.get("startingOffsets"), STARTING_OFFSETS);
        String format = oneOf(node.get("format"), FORMATS);
        SchemaRegistrySettings schemaRegistry = schemaRegistry(node.get("schemaRegistry"), format);
        ConfigNode propertiesNode = node.get("properties");
        Map<String, String> properties =
                EventHubsBinder.properties(eventHubs, propertiesNode, propertiesNode.textMap());
        SourceContext.Tables tables =
                context.tables(
                        node,
                        "[{table: public.customers, entityType: customer, tenantColumn:"
                                + " tenant_id}]",
                        true);
        node.rejectUnknownKeys();
        return new DebeziumKafkaSourceConfig(
                context.id(),
                context.priority(),
                bootstrapServers,
                topics,
                groupId,
                startingOffsets,
                format,
                schemaRegistry,
                properties,
                tables.mappings(),
                tables.declaredColumns());
    }

    /**
     * The registry Avro messages name their schemas in: required with {@code format: avro}, and
     * meaningless with JSON, whose messages carry their schemas.
     */
    private static SchemaRegistrySettings schemaRegistry(ConfigNode node, String format) {
        if (!"avro".equals(format)) {
            if (!node.isAbsent()) {
                node.problem(
                        "is only used with format: avro; remove it, or set format: avro if the"
                                + " connector writes with io.confluent.connect.avro.AvroConverter");
            }
            return null;
        }
        if (node.isAbsent()) {
            node.problem(
                    "is required with format: avro, where messages name their schema by its id in"
                            + " the registry; e.g. {url: http://schema-registry:8081}");
            return null;
        }
        ConfigNode urlNode = node.get("url");
        String url = urlNode.requiredText("http://schema-registry:8081");
        String username = node.get("username").text(null);
        ConfigNode passwordNode = node.get("password");
        String password = passwordNode.text(null);
        node.rejectUnknownKeys();
        if (url != null && !isHttpUrl(url)) {
            urlNode.problem(
                    "'"
                            + url
                            + "' is not an http or https URL; write the registry's base URL, e.g."
                            + " http://schema-registry:8081");
            return null;
        }
        if (password != null && username == null) {
            passwordNode.problem("needs a username too: the registry signs in with both");
            return null;
        }
        return url == null ? null : new SchemaRegistrySettings(url, username, password);
    }

    private static boolean isHttpUrl(String url) {
        try {
            URI uri = new URI(url);
            return ("http".equals(uri.getScheme()) || "https".equals(uri.getScheme()))
                    && uri.getHost() != null;
        } catch (URISyntaxException e) {
            return false;
        }
    }

    /** The value of {@code node}, one of {@code allowed}; the first of them when absent. */
    static String oneOf(ConfigNode node, List<String> allowed) {
        String value = node.text(allowed.get(0));
        if (value != null && !allowed.contains(value)) {
            node.problem("'" + value + "' is not one of " + String.join(", ", allowed));
        }
        return value;
    }
}
