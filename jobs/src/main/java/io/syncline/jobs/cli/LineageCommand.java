package io.syncline.jobs.cli;

import io.syncline.jobs.config.ConfigLoader;
import io.syncline.jobs.config.SynclineConfig;
import io.syncline.jobs.config.TargetSettings;
import io.syncline.jobs.lineage.EntityLineage;
import io.syncline.jobs.lineage.LineageEntry;
import io.syncline.jobs.lineage.LineageJson;
import io.syncline.operators.jdbc.PostgresConnections;
import java.io.PrintWriter;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code syncline lineage}: the history of one entity across systems, from the audit, errors and
 * conflicts tables in the target database.
 */
@Command(
        name = "lineage",
        description =
                "Print the history of one entity across systems, oldest first: each delivered"
                        + " change (source, position, transaction, version, rule set, conflict"
                        + " decision, sinks), its errors and conflicts, and the control commands and"
                        + " erasures that touched it. Exit codes: 0 found, 1 nothing found, 2 usage"
                        + " or configuration error, 3 the database could not be reached.",
        sortOptions = false)
final class LineageCommand implements Callable<Integer> {

    /** Exit code when the tables hold nothing of the entity. */
    static final int NOTHING_FOUND = 1;

    /** Exit code when the target database cannot be reached or a query fails. */
    static final int DATABASE_FAILED = 3;

    @Mixin TableSubcommand.ConfigOption configOption;

    @Option(names = "--tenant", required = true, description = "The entity's tenant.")
    String tenant;

    @Option(names = "--entity", required = true, description = "The entity type, e.g. customer.")
    String entityType;

    @Option(
            names = "--id",
            required = true,
            description = "The entity id (composite keys joined with '/').")
    String entityId;

    @Option(names = "--json", description = "Print JSON instead of a table.")
    boolean json;

    @Spec CommandSpec spec;

    @Override
    public Integer call() {
        SynclineConfig config = ConfigLoader.load(configOption.config);
        checkEntityType(config);
        TargetSettings target = config.sinks().target();
        EntityLineage.History history;
        try (Connection connection =
                PostgresConnections.open(target.url(), target.username(), target.password())) {
            history = EntityLineage.of(config).read(connection, tenant, entityType, entityId);
        } catch (SQLException e) {
            err().println(
                            "syncline: cannot read the lineage at "
                                    + target.url()
                                    + " as user '"
                                    + target.username()
                                    + "': "
                                    + e.getMessage()
                                    + "; is PostgreSQL running and reachable from here? check"
                                    + " sinks.target in "
                                    + configOption.config);
            return DATABASE_FAILED;
        }
        if (history.entries().isEmpty()) {
            err().println(
                            "syncline: nothing found of "
                                    + entityType
                                    + " "
                                    + entityId
                                    + " of tenant "
                                    + tenant
                                    + (history.missingTables().isEmpty()
                                            ? ""
                                            : "; these tables do not exist (has the job run,"
                                                    + " with security.audit on?): "
                                                    + String.join(", ", history.missingTables())));
            return NOTHING_FOUND;
        }
        PrintWriter out = spec.commandLine().getOut();
        if (json) {
            out.println(LineageJson.of(tenant, entityType, entityId, history));
        } else {
            print(out, history.entries());
        }
        return 0;
    }

    /** {@code --entity} must be mapped from a source table. */
    private void checkEntityType(SynclineConfig config) {
        Set<String> mapped = new TreeSet<>();
        config.sources().forEach(s -> s.tables().forEach(t -> mapped.add(t.entityType())));
        if (!mapped.contains(entityType)) {
            throw new ParameterException(
                    spec.commandLine(),
                    "--entity '"
                            + entityType
                            + "' is not mapped from any source table in "
                            + configOption.config
                            + "; use one of "
                            + mapped);
        }
    }

    private void print(PrintWriter out, List<LineageEntry> entries) {
        out.println(
                entityType
                        + " "
                        + entityId
                        + " of tenant "
                        + tenant
                        + ": "
                        + entries.size()
                        + (entries.size() == 1 ? " entry" : " entries")
                        + ", oldest first");
        List<List<String>> rows = new ArrayList<>();
        rows.add(List.of("TIME", "WHAT", "SOURCE", "POSITION", "TX", "VERSION", "RULES", "DETAIL"));
        for (LineageEntry entry : entries) {
            rows.add(
                    List.of(
                            entry.time().toString(),
                            entry.kind() + (entry.what() == null ? "" : " " + entry.what()),
                            TableSubcommand.orDash(entry.sourceId()),
                            TableSubcommand.orDash(entry.sourcePosition()),
                            TableSubcommand.orDash(entry.transactionId()),
                            entry.version() == null ? "-" : entry.version().toString(),
                            entry.ruleSetVersion() == null ? "-" : "v" + entry.ruleSetVersion(),
                            detail(entry)));
        }
        TableSubcommand.printTable(out, rows);
    }

    /** The last column: what the entry's kind says beyond the common columns. */
    private static String detail(LineageEntry entry) {
        List<String> parts = new ArrayList<>();
        if (entry.status() != null) {
            parts.add(entry.status());
        }
        if (entry.decision() != null) {
            parts.add("decision: " + entry.decision());
        }
        if (!entry.sinks().isEmpty()) {
            parts.add("sinks: " + String.join(", ", entry.sinks()));
        }
        if (entry.actor() != null) {
            parts.add("by " + entry.actor());
        }
        if (entry.detail() != null) {
            parts.add(entry.detail());
        }
        if (entry.jobVersion() != null) {
            parts.add("job " + entry.jobVersion());
        }
        return parts.isEmpty() ? "-" : String.join("; ", parts);
    }

    private PrintWriter err() {
        return spec.commandLine().getErr();
    }
}
