package io.syncline.jobs.lineage;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.UncheckedIOException;

/** An entity's lineage as a JSON document, for tools that read {@code syncline lineage --json}. */
public final class LineageJson {

    private static final ObjectMapper MAPPER =
            new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private LineageJson() {}

    /** The document: the entity, then its entries oldest first, fields that apply only. */
    public static String of(
            String tenant, String entityType, String entityId, EntityLineage.History history) {
        ObjectNode root = MAPPER.createObjectNode();
        root.put("tenant", tenant);
        root.put("entityType", entityType);
        root.put("entityId", entityId);
        ArrayNode entries = root.putArray("entries");
        for (LineageEntry entry : history.entries()) {
            ObjectNode node = entries.addObject();
            node.put("time", entry.time().toString());
            node.put("kind", entry.kind());
            node.put("id", entry.id());
            putIfSet(node, "what", entry.what());
            putIfSet(node, "sourceId", entry.sourceId());
            putIfSet(node, "sourcePosition", entry.sourcePosition());
            putIfSet(node, "transactionId", entry.transactionId());
            if (entry.version() != null) {
                node.put("version", entry.version());
            }
            if (entry.ruleSetVersion() != null) {
                node.put("ruleSetVersion", entry.ruleSetVersion());
            }
            putIfSet(node, "decision", entry.decision());
            if (!entry.sinks().isEmpty()) {
                ArrayNode sinks = node.putArray("sinks");
                entry.sinks().forEach(sinks::add);
            }
            putIfSet(node, "jobVersion", entry.jobVersion());
            putIfSet(node, "status", entry.status());
            putIfSet(node, "actor", entry.actor());
            putIfSet(node, "detail", entry.detail());
        }
        try {
            return MAPPER.writeValueAsString(root);
        } catch (JsonProcessingException e) {
            // A tree of strings and numbers always writes.
            throw new UncheckedIOException(e);
        }
    }

    private static void putIfSet(ObjectNode node, String field, String value) {
        if (value != null) {
            node.put(field, value);
        }
    }
}
