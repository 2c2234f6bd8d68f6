package io.syncline.jobs.cli;

import io.syncline.jobs.config.ConfigLoader;
import io.syncline.jobs.config.Durations;
import io.syncline.jobs.config.SynclineConfig;
import io.syncline.jobs.config.TargetSettings;
import io.syncline.jobs.retention.RetentionCleanup;
import io.syncline.operators.jdbc.PostgresConnections;
import java.io.PrintWriter;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code syncline cleanup}: applies {@code security.retention} to Syncline's own tables in the
 * target database (errors, conflicts, quality metrics, alerts, audit), for a daily CronJob.
 */
@Command(
        name = "cleanup",
        description =
                "Delete the rows of Syncline's own tables that are older than their retention"
                        + " (security.retention): handled errors, decided conflicts, quality"
                        + " metrics, resolved alerts and audit records. Open errors, parked"
                        + " conflicts and firing alerts stay however old. Exit codes: 0 done, 2"
                        + " usage or configuration error, 3 the database could not be reached or"
                        + " a delete failed.",
        sortOptions = false)
final class CleanupCommand implements Callable<Integer> {

    /** Exit code when the target database cannot be reached or a statement fails. */
    static final int DATABASE_FAILED = 3;

    @Mixin TableSubcommand.ConfigOption configOption;

    @Option(names = "--dry-run", description = "Count what would be deleted; delete nothing.")
    boolean dryRun;

    @Option(
            names = "--batch",
            defaultValue = "10000",
            paramLabel = "<rows>",
            description = "Rows deleted per transaction (default: ${DEFAULT-VALUE}).")
    int batch;

    @Spec CommandSpec spec;

    @Override
    public Integer call() {
        if (batch < 1) {
            throw new ParameterException(spec.commandLine(), "--batch must be at least 1");
        }
        SynclineConfig config = ConfigLoader.load(configOption.config);
        TargetSettings target = config.sinks().target();
        RetentionCleanup cleanup =
                new RetentionCleanup(RetentionCleanup.targetsOf(config), batch, Clock.systemUTC());
        List<RetentionCleanup.Result> results;
        try (Connection connection =
                PostgresConnections.open(target.url(), target.username(), target.password())) {
            results = cleanup.run(connection, dryRun);
        } catch (SQLException e) {
            spec.commandLine()
                    .getErr()
                    .println(
                            "syncline: cleanup at "
                                    + target.url()
                                    + " failed: "
                                    + e.getMessage()
                                    + "; is PostgreSQL running and reachable, and may user '"
                                    + target.username()
                                    + "' delete from the tables? What was deleted before stays"
                                    + " deleted; run it again to go on.");
            return DATABASE_FAILED;
        }
        print(spec.commandLine().getOut(), target, results);
        return 0;
    }

    private void print(
            PrintWriter out, TargetSettings target, List<RetentionCleanup.Result> results) {
        out.println(
                (dryRun ? "dry run, nothing deleted: " : "")
                        + "rows older than their retention in "
                        + target.url());
        List<List<String>> rows = new ArrayList<>();
        rows.add(
                List.of(
                        "TABLE",
                        "RETENTION",
                        "OLDER THAN",
                        dryRun ? "WOULD DELETE" : "DELETED",
                        "KEPT"));
        long total = 0;
        for (RetentionCleanup.Result result : results) {
            RetentionCleanup.Target table = result.target();
            if (!result.exists()) {
                rows.add(
                        List.of(
                                table.schema() + "." + table.table(),
                                Durations.format(table.retention()),
                                "-",
                                "-",
                                "no such table"));
                continue;
            }
            total += result.deleted();
            rows.add(
                    List.of(
                            table.schema() + "." + table.table(),
                            Durations.format(table.retention()),
                            result.cutoff().toString(),
                            Long.toString(result.deleted()),
                            table.kept() == null ? "-" : result.kept() + " " + table.kept()));
        }
        TableSubcommand.printTable(out, rows);
        out.println(
                total
                        + (total == 1 ? " row" : " rows")
                        + (dryRun ? " would be deleted" : " deleted"));
    }
}
