package io.syncline.jobs.reconcile;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** A {@link ReconcileRun} as a JSON document, holding what the report tables hold. */
public final class ReconcileJson {

    private static final ObjectMapper MAPPER =
            new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private ReconcileJson() {}

    public static ObjectNode of(ReconcileRun run) {
        ObjectNode root = MAPPER.createObjectNode();
        root.put("runId", run.runId());
        root.put("startedAt", run.startedAt().toString());
        root.put("finishedAt", run.finishedAt().toString());
        root.put("differences", run.differences());
        ArrayNode units = root.putArray("entities");
        for (UnitResult unit : run.units()) {
            ObjectNode node = units.addObject();
            node.put("tenant", unit.tenant());
            node.put("entityType", unit.entityType());
            node.put("sourceRows", unit.sourceRows());
            node.put("targetRows", unit.targetRows());
            node.put("missing", unit.missing());
            node.put("extra", unit.extra());
            node.put("differing", unit.differing());
            if (unit.consistency() == null) {
                node.putNull("consistency");
            } else {
                node.put("consistency", unit.consistency());
            }
            ArrayNode differences = node.putArray("differences");
            for (Difference difference : unit.differences()) {
                ObjectNode entry = differences.addObject();
                entry.put("entityId", difference.entityId());
                entry.put("kind", difference.kind().label());
                ArrayNode columns = entry.putArray("columns");
                difference.columns().forEach(columns::add);
            }
        }
        return root;
    }

    /** Writes {@code run} to {@code file}, replacing it. */
    public static void write(ReconcileRun run, Path file) throws IOException {
        Path parent = file.toAbsolutePath().getParent();
        if (parent != null) {
            Files.createDirectories(parent);
        }
        Files.writeString(file, MAPPER.writeValueAsString(of(run)) + "\n");
    }
}
