package io.syncline.jobs.config;

import java.util.List;
import java.util.Map;

/** Binds a {@code type: debezium-kafka} source. */
final class DebeziumKafkaSourceBinder implements SourceBinder {

    static final String TYPE = "debezium-kafka";

    private static final List<String> STARTING_OFFSETS = List.of("earliest", "latest");
    private static final List<String> FORMATS = List.of("json");

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
                properties,
                tables.mappings(),
                tables.declaredColumns());
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
