package io.syncline.jobs.cli;

import io.syncline.jobs.config.ConfigLoader;
import io.syncline.jobs.config.Durations;
import io.syncline.jobs.config.SynclineConfig;
import io.syncline.jobs.config.TargetSettings;
import io.syncline.jobs.control.SigningKey;
import io.syncline.jobs.reconcile.Difference;
import io.syncline.jobs.reconcile.JobResyncRepair;
import io.syncline.jobs.reconcile.ReconcileException;
import io.syncline.jobs.reconcile.ReconcileJson;
import io.syncline.jobs.reconcile.ReconcileRepair;
import io.syncline.jobs.reconcile.ReconcileReportTables;
import io.syncline.jobs.reconcile.ReconcileRun;
import io.syncline.jobs.reconcile.ReconcileSettings;
import io.syncline.jobs.reconcile.Reconciliation;
import io.syncline.jobs.reconcile.RepairPlan;
import io.syncline.jobs.reconcile.UnitResult;
import io.syncline.jobs.resync.ResyncRequests;
import io.syncline.jobs.wiring.SyncJobFactory;
import io.syncline.operators.jdbc.PostgresConnections;
import io.syncline.operators.retry.Sleeper;
import io.syncline.schema.ControlCommandType;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;
import picocli.CommandLine.TypeConversionException;

/**
 * {@code syncline reconcile}: compares every configured source table with its target table per
 * tenant, reports missing, extra and differing rows (table, JSON and report tables in the target
 * database, consistency into the quality metrics) and, with {@code --repair}, asks the running sync
 * job to re-sync them.
 */
@Command(
        name = "reconcile",
        description =
                "Compare source and target tables per tenant and entity type by checksums over key"
                        + " ranges, and report missing, extra and differing rows. Exit codes: 0 no"
                        + " differences, 1 differences found (and not repaired), 2 usage or"
                        + " configuration error, 3 the reconciliation could not complete"
                        + " (a database unreachable, ...).",
        sortOptions = false)
final class ReconcileCommand implements Callable<Integer> {

    /** Exit code of a reconciliation that found differences and did not repair them. */
    static final int DIFFERENCES = 1;

    /** Exit code of a reconciliation that could not complete. */
    static final int INCOMPLETE = 3;

    /** Differences listed on the console; the JSON and the report tables hold all of them. */
    static final int LISTED = 50;

    @Mixin TableSubcommand.ConfigOption configOption;

    @Option(
            names = "--repair",
            description =
                    "Re-sync the differing rows through the running sync job, then reconcile"
                            + " again.")
    boolean repair;

    @Mixin SigningOptions signing;

    @Option(
            names = "--tenant",
            paramLabel = "<tenant>",
            split = ",",
            description = "Only these tenants (default: every tenant).")
    List<String> tenants = new ArrayList<>();

    @Option(
            names = "--entity",
            paramLabel = "<entity type>",
            split = ",",
            description = "Only these entity types (default: every configured one).")
    List<String> entityTypes = new ArrayList<>();

    @Option(
            names = "--json",
            paramLabel = "<file>",
            description = "Where to write the JSON report (default: reconcile-<run id>.json).")
    Path json;

    @Option(
            names = "--parallelism",
            defaultValue = "4",
            paramLabel = "<n>",
            description = "Key ranges compared at once (default: ${DEFAULT-VALUE}).")
    int parallelism;

    @Option(
            names = "--range-rows",
            defaultValue = "10000",
            paramLabel = "<n>",
            description = "Rows per first-level key range (default: ${DEFAULT-VALUE}).")
    long rangeRows;

    @Option(
            names = "--leaf-rows",
            defaultValue = "256",
            paramLabel = "<n>",
            description =
                    "A differing range of at most this many rows is compared row by row"
                            + " (default: ${DEFAULT-VALUE}).")
    int leafRows;

    @Option(
            names = "--fan-out",
            defaultValue = "16",
            paramLabel = "<n>",
            description = "Ranges a differing range is split into (default: ${DEFAULT-VALUE}).")
    int fanOut;

    @Option(
            names = "--settle",
            defaultValue = "5s",
            paramLabel = "<duration>",
            converter = DurationConverter.class,
            description =
                    "Check each difference again after this long and report only those that"
                            + " persist, so changes in flight are not reported; 0 turns it off"
                            + " (default: ${DEFAULT-VALUE}).")
    Duration settle;

    @Option(
            names = "--repair-timeout",
            defaultValue = "10m",
            paramLabel = "<duration>",
            converter = DurationConverter.class,
            description =
                    "How long --repair waits for the job to serve its re-sync requests"
                            + " (default: ${DEFAULT-VALUE}).")
    Duration repairTimeout;

    @Spec CommandSpec spec;

    @Override
    public Integer call() throws IOException, InterruptedException {
        ReconcileSettings settings = settings();
        SynclineConfig config = ConfigLoader.load(configOption.config);
        checkEntityTypes(config);
        // Before reconciling, which may take long, so that a key that cannot sign fails at once.
        SigningKey key = repair ? signing.key(config, ControlCommandType.RESYNC) : null;
        try {
            ReconcileRun run = reconcile(config, settings, json);
            if (run.differences() == 0 || !repair) {
                return run.differences() == 0 ? 0 : DIFFERENCES;
            }
            if (!repair(config, run, key)) {
                return DIFFERENCES;
            }
            out().println();
            out().println("reconciling again after the repair");
            ReconcileRun again = reconcile(config, settings, afterRepair(json));
            return again.differences() == 0 ? 0 : DIFFERENCES;
        } catch (ReconcileException e) {
            err().println("syncline: " + e.getMessage());
            return INCOMPLETE;
        }
    }

    /** Every {@code --entity} must be mapped from a source table. */
    private void checkEntityTypes(SynclineConfig config) {
        Set<String> mapped = new TreeSet<>();
        config.sources()
                .forEach(source -> source.tables().forEach(t -> mapped.add(t.entityType())));
        for (String entityType : entityTypes) {
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
    }

    private ReconcileSettings settings() {
        try {
            return new ReconcileSettings(parallelism, rangeRows, fanOut, leafRows, settle);
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), e.getMessage());
        }
    }

    /**
     * Runs one reconciliation and reports it.
     *
     * @param file where the JSON report goes; null for {@code reconcile-<run id>.json}
     */
    private ReconcileRun reconcile(SynclineConfig config, ReconcileSettings settings, Path file)
            throws IOException, InterruptedException {
        Reconciliation reconciliation =
                new Reconciliation(
                        config,
                        new Reconciliation.Scope(Set.copyOf(tenants), Set.copyOf(entityTypes)),
                        settings,
                        Sleeper.SYSTEM,
                        Clock.systemUTC(),
                        line -> err().println("reconcile: " + line),
                        Duration.ofSeconds(1));
        ReconcileRun run = reconciliation.run();
        printSummary(run);
        writeTables(config, run);
        Path target = file != null ? file : Path.of("reconcile-" + run.runId() + ".json");
        ReconcileJson.write(run, target);
        out().println("wrote " + target.toAbsolutePath().normalize());
        return run;
    }

    private void printSummary(ReconcileRun run) {
        PrintWriter out = out();
        long millis = Math.max(1, Duration.between(run.startedAt(), run.finishedAt()).toMillis());
        out.println(
                String.format(
                        Locale.ROOT,
                        "run %s: %,d rows hashed, %,d hashed again in differing ranges, in %.1f s",
                        run.runId(),
                        run.hashedRows(),
                        run.rehashedRows(),
                        Duration.between(run.startedAt(), run.finishedAt()).toMillis() / 1000.0));
        List<List<String>> rows = new ArrayList<>();
        rows.add(
                List.of(
                        "TENANT",
                        "ENTITY",
                        "SOURCE",
                        "TARGET",
                        "MISSING",
                        "EXTRA",
                        "DIFFERING",
                        "CONSISTENCY"));
        for (UnitResult unit : run.units()) {
            rows.add(
                    List.of(
                            unit.tenant(),
                            unit.entityType(),
                            Long.toString(unit.sourceRows()),
                            Long.toString(unit.targetRows()),
                            Long.toString(unit.missing()),
                            Long.toString(unit.extra()),
                            Long.toString(unit.differing()),
                            percent(unit.consistency())));
        }
        TableSubcommand.printTable(out, rows);
        if (run.differences() == 0) {
            out.println("no differences");
            return;
        }
        List<List<String>> listed = new ArrayList<>();
        listed.add(List.of("TENANT", "ENTITY", "ID", "KIND", "COLUMNS"));
        for (UnitResult unit : run.units()) {
            for (Difference difference : unit.differences()) {
                if (listed.size() > LISTED) {
                    break;
                }
                listed.add(
                        List.of(
                                unit.tenant(),
                                unit.entityType(),
                                difference.entityId(),
                                difference.kind().label(),
                                difference.columns().isEmpty()
                                        ? "-"
                                        : String.join(",", difference.columns())));
            }
        }
        out.println();
        TableSubcommand.printTable(out, listed);
        out.println(
                run.differences() > LISTED
                        ? String.format(
                                Locale.ROOT,
                                "showing %d of %,d differences; the JSON report lists them all",
                                LISTED,
                                run.differences())
                        : run.differences()
                                + (run.differences() == 1 ? " difference" : " differences"));
    }

    private void writeTables(SynclineConfig config, ReconcileRun run) {
        TargetSettings target = config.sinks().target();
        ReconcileReportTables tables =
                new ReconcileReportTables(
                        target.schema(),
                        SyncJobFactory.qualityMetricsTableOf(config),
                        config.observability().latencyTargets());
        try (Connection connection =
                PostgresConnections.open(
                        target.url(),
                        target.username(),
                        target.password(),
                        Duration.ofSeconds(10),
                        "syncline-reconcile")) {
            tables.write(connection, run);
        } catch (SQLException e) {
            throw new ReconcileException(
                    "cannot write the reconciliation report to "
                            + tables.runsTable()
                            + " at "
                            + target.url()
                            + ": "
                            + e.getMessage()
                            + "; check that the database is up and sinks.target.username may"
                            + " create tables in schema "
                            + target.schema()
                            + " (the JSON report is written anyway)",
                    e);
        }
        out().println(
                        "wrote run "
                                + run.runId()
                                + " to "
                                + tables.runsTable()
                                + " and "
                                + tables.differencesTable());
    }

    /** Whether the job served every re-sync request; says why not when it did not. */
    private boolean repair(SynclineConfig config, ReconcileRun run, SigningKey key) {
        List<RepairPlan.Request> plan = RepairPlan.of(run);
        ResyncRequests resyncs = new ResyncRequests(config, key);
        ReconcileRepair repairs =
                new JobResyncRepair(
                        resyncs,
                        "syncline reconcile " + run.runId() + " by " + SigningOptions.issuer(key),
                        Clock.systemUTC(),
                        line -> out().println("  " + line));
        try {
            List<String> requestIds = new ArrayList<>();
            for (RepairPlan.Request request : plan) {
                requestIds.add(
                        repairs.request(request.tenant(), request.entityType(), request.ids()));
            }
            out().println(
                            "published "
                                    + requestIds.size()
                                    + " re-sync request(s) for "
                                    + run.differences()
                                    + " differences on "
                                    + resyncs.topic()
                                    + "; waiting up to "
                                    + Durations.format(repairTimeout)
                                    + " for the sync job to serve them");
            repairs.awaitServed(requestIds, repairTimeout);
        } catch (ReconcileException e) {
            err().println("syncline: " + e.getMessage());
            return false;
        }
        return true;
    }

    /**
     * Where the second run's JSON goes when {@code --json} names the first's: {@code report.json}
     * becomes {@code report.after-repair.json}; null (the run id's name) otherwise.
     */
    static Path afterRepair(Path json) {
        if (json == null) {
            return null;
        }
        String name = json.getFileName().toString();
        int dot = name.lastIndexOf('.');
        String renamed =
                dot < 0
                        ? name + ".after-repair"
                        : name.substring(0, dot) + ".after-repair" + name.substring(dot);
        return json.resolveSibling(renamed);
    }

    private static String percent(Double share) {
        return share == null ? "-" : String.format(Locale.ROOT, "%.2f%%", share * 100);
    }

    private PrintWriter out() {
        return spec.commandLine().getOut();
    }

    private PrintWriter err() {
        return spec.commandLine().getErr();
    }

    /** Parses {@code 5s}, {@code 500ms}, {@code 0}, ... as the configuration file does. */
    static final class DurationConverter implements ITypeConverter<Duration> {
        @Override
        public Duration convert(String value) {
            try {
                return Durations.parse(value);
            } catch (IllegalArgumentException e) {
                throw new TypeConversionException(e.getMessage());
            }
        }
    }
}
