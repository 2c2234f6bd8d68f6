package io.syncline.jobs.config;

import io.syncline.operators.sink.TargetColumn;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.regex.Pattern;

/**
 * What a {@link SourceBinder} gets besides its node: the common keys already bound, and the binding
 * of {@code tables:} shared by every source type.
 *
 * @param id the source's id ({@code null} if missing or invalid, already reported)
 * @param priority the source's {@code priority}
 * @param baseDirectory the directory the configuration file lies in; files it names are relative to
 *     it
 */
record SourceContext(
        String id,
        int priority,
        Path baseDirectory,
        Function<ConfigNode, TableMapping> tableBinder) {

    // A Postgres type as written in DDL: numeric(12,2), timestamp with time zone, text[].
    private static final Pattern COLUMN_TYPE = Pattern.compile("[a-z][a-z0-9 _(),]*(\\[\\])?");

    /** The source's tables and the columns they declare. */
    record Tables(List<TableMapping> mappings, Map<String, List<TargetColumn>> declaredColumns) {

        Tables {
            mappings = List.copyOf(mappings);
            declaredColumns = Map.copyOf(declaredColumns);
        }
    }

    /**
     * Binds {@code source}'s required {@code tables:} list, whose entries are written as a Postgres
     * source's ({@code table}, {@code entityType}, {@code primaryKey}, {@code tenantColumn} or
     * {@code tenant}, {@code targetTable}); with {@code columnsAllowed} an entry may also declare
     * its target columns, {@code columns: {id: bigint, name: text}}.
     *
     * @param example what an entry looks like, for the message when the list is missing
     */
    Tables tables(ConfigNode source, String example, boolean columnsAllowed) {
        ConfigNode tablesNode = source.require("tables", example);
        List<TableMapping> mappings = new ArrayList<>();
        Map<String, List<TargetColumn>> declared = new LinkedHashMap<>();
        for (ConfigNode entry : tablesNode.elements()) {
            List<TargetColumn> columns = columnsAllowed ? columns(entry.get("columns")) : List.of();
            TableMapping mapping = tableBinder.apply(entry);
            mappings.add(mapping);
            if (!columns.isEmpty() && mapping.entityType() != null) {
                declared.put(mapping.entityType(), columns);
            }
        }
        if (mappings.isEmpty() && !tablesNode.isAbsent()) {
            tablesNode.problem("at least one entry is required; e.g. " + example);
        }
        return new Tables(mappings, declared);
    }

    private static List<TargetColumn> columns(ConfigNode node) {
        List<TargetColumn> columns = new ArrayList<>();
        if (node.isAbsent()) {
            return columns;
        }
        node.textMap()
                .forEach(
                        (name, type) -> {
                            String normalized = type.trim().toLowerCase(java.util.Locale.ROOT);
                            if (!COLUMN_TYPE.matcher(normalized).matches()) {
                                node.problem(
                                        "column '"
                                                + name
                                                + "' has type '"
                                                + type
                                                + "', which is not a Postgres type; write e.g."
                                                + " bigint, text, numeric(12,2), timestamptz");
                            } else {
                                columns.add(new TargetColumn(name, normalized));
                            }
                        });
        if (columns.isEmpty() && !node.isAbsent()) {
            node.problem("declares no column; write e.g. {id: bigint, name: text}");
        }
        return columns;
    }
}
