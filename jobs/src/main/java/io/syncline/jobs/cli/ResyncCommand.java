package io.syncline.jobs.cli;

import io.syncline.jobs.config.ConfigLoader;
import io.syncline.jobs.config.SynclineConfig;
import io.syncline.jobs.control.SigningKey;
import io.syncline.jobs.resync.ResyncRequests;
import io.syncline.operators.resync.ResyncStatus;
import io.syncline.schema.ControlCommandType;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeoutException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code syncline resync}: asks the running sync job to read a tenant's rows of one entity type
 * again from their source and send them through the pipeline, then waits until they are in the
 * targets.
 */
@Command(
        name = "resync",
        description =
                "Ask the running sync job to re-read rows from their source and deliver them again:"
                        + " every row of a tenant's entity type, the ids named, or a key range."
                        + " The job keeps streaming; re-read rows never overwrite newer changes.",
        sortOptions = false)
public final class ResyncCommand implements Callable<Integer> {

    /** Exit code when the job did not serve the request in time. */
    static final int NOT_SERVED = 3;

    @Option(
            names = {"-h", "--help"},
            usageHelp = true,
            description = "Show this help and exit.")
    boolean help;

    @Option(
            names = {"-c", "--config"},
            required = true,
            description = "The YAML configuration file of the job.")
    Path config;

    @Option(names = "--tenant", required = true, description = "The tenant whose rows to re-read.")
    String tenant;

    @Option(names = "--entity", required = true, description = "The entity type to re-read.")
    String entityType;

    @Option(
            names = "--id",
            paramLabel = "<id>",
            description =
                    "An entity id to re-read (repeatable; composite keys joined with '/'). An id"
                            + " the source no longer holds is deleted from the targets.")
    List<String> ids = new ArrayList<>();

    @Option(names = "--from", paramLabel = "<key>", description = "Lowest key, inclusive.")
    String fromKey;

    @Option(names = "--to", paramLabel = "<key>", description = "Highest key, inclusive.")
    String toKey;

    @Option(
            names = "--wait",
            defaultValue = "10m",
            paramLabel = "<duration>",
            converter = DurationConverter.class,
            description = "How long to wait for the job to serve it (default: ${DEFAULT-VALUE}).")
    Duration wait;

    @Option(names = "--no-wait", description = "Publish the request and return.")
    boolean noWait;

    @Mixin SigningOptions signing;

    @Spec CommandSpec spec;

    @Override
    public Integer call() throws InterruptedException {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        SynclineConfig loaded = ConfigLoader.load(config);
        SigningKey key = signing.key(loaded, ControlCommandType.RESYNC);
        ResyncRequests requests = new ResyncRequests(loaded, key);
        String requestId;
        try {
            requestId =
                    requests.request(
                            tenant,
                            entityType,
                            ids,
                            fromKey,
                            toKey,
                            "syncline resync by " + SigningOptions.issuer(key));
        } catch (IllegalArgumentException e) {
            err.println(e.getMessage());
            return SynclineCli.BAD_ARGUMENT;
        }
        out.printf(
                "published re-sync %s (%s of tenant %s, %s) to %s%n",
                requestId, entityType, tenant, scope(), requests.topic());
        if (noWait) {
            return 0;
        }
        out.printf(
                "waiting for the sync job to serve it (up to %s)%n", DurationConverter.text(wait));
        out.flush();
        ResyncStatus status;
        try {
            status =
                    requests.await(
                            requestId,
                            wait,
                            progress -> {
                                if (progress.state() == ResyncStatus.State.READING) {
                                    out.printf(
                                            "  reading: %,d rows%s%n",
                                            progress.rowsRead(),
                                            progress.message() == null
                                                    ? ""
                                                    : " (" + progress.message() + ")");
                                    out.flush();
                                }
                            });
        } catch (TimeoutException e) {
            err.println(e.getMessage());
            return NOT_SERVED;
        }
        if (status.state() == ResyncStatus.State.FAILED) {
            err.printf("re-sync %s failed: %s%n", requestId, status.message());
            return SynclineCli.FAILED;
        }
        out.printf(
                "served: %,d %s re-read, %,d %s of ids the source no longer holds; they are in"
                        + " the targets%n",
                status.rowsRead(),
                status.rowsRead() == 1 ? "row" : "rows",
                status.rowsDeleted(),
                status.rowsDeleted() == 1 ? "delete" : "deletes");
        return 0;
    }

    private String scope() {
        if (!ids.isEmpty()) {
            return ids.size() + " ids";
        }
        if (fromKey != null || toKey != null) {
            return "keys " + (fromKey == null ? "" : fromKey) + ".." + (toKey == null ? "" : toKey);
        }
        return "every row";
    }
}
