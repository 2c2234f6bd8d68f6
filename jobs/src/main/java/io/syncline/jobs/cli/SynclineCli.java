package io.syncline.jobs.cli;

import io.syncline.jobs.config.ConfigException;
import io.syncline.jobs.ops.ClusterException;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.IExecutionExceptionHandler;

/**
 * The {@code syncline} command line: run a job, backfill or replay a target from the event store,
 * check a configuration, run the demo, publish rule sets, list, replay or discard errors, list,
 * show or resolve conflicts, reconcile sources with targets, print an entity's lineage, delete what
 * is older than its retention, manage the data keys of field encryption, erase data subjects, and
 * submit, watch, savepoint, stop, upgrade and resume the job on a Flink cluster.
 */
@Command(
        name = "syncline",
        mixinStandardHelpOptions = true,
        version = "syncline 0.1.0",
        description = "Exactly-once data synchronization on Apache Flink.",
        subcommands = {
            RunCommand.class,
            BackfillCommand.class,
            ReplayCommand.class,
            ValidateConfigCommand.class,
            DemoCommand.class,
            RulesCommand.class,
            ReportCommand.class,
            ErrorsCommand.class,
            ConflictsCommand.class,
            ReconcileCommand.class,
            SubmitCommand.class,
            StatusCommand.class,
            SavepointCommand.class,
            StopCommand.class,
            UpgradeCommand.class,
            ResumeCommand.class,
            ResyncCommand.class,
            EraseCommand.class,
            LineageCommand.class,
            CleanupCommand.class,
            KeysCommand.class,
            SignersCommand.class,
            WebhookCommand.class
        })
public final class SynclineCli {

    /** Exit code of a configuration that does not validate. */
    static final int BAD_CONFIG = 2;

    /**
     * Exit code of arguments that parse but cannot be acted on, e.g. resolving a conflict that is
     * resolved already; the same code as a usage error.
     */
    static final int BAD_ARGUMENT = 2;

    /** Exit code of a job that could not be started or failed. */
    static final int FAILED = 1;

    public static void main(String[] args) {
        CommandLine commandLine = commandLine();
        IExecutionExceptionHandler printing = commandLine.getExecutionExceptionHandler();
        List<String> failures = new ArrayList<>();
        commandLine.setExecutionExceptionHandler(
                (e, cmd, parseResult) -> {
                    failures.add(e instanceof ConfigException ? e.getMessage() : describe(e));
                    return printing.handleExecutionException(e, cmd, parseResult);
                });
        int code = commandLine.execute(args);
        // Run by a Flink cluster (flink run, the REST API's jar run, application mode on
        // Kubernetes) main runs inside the JobManager, which an exit would stop (or refuse, with
        // cluster.intercept-user-system-exit: THROW, hiding why): main returns, or throws the
        // failure so that whoever submitted reads it.
        if (RunCommand.submittedToCluster()) {
            if (code == 0) {
                return;
            }
            throw new IllegalStateException(
                    failures.isEmpty()
                            ? "syncline run failed with exit code " + code
                            : String.join("\n", failures));
        }
        System.exit(code);
    }

    /** The command line, with errors printed as one clear message instead of a stack trace. */
    public static CommandLine commandLine() {
        CommandLine commandLine = new CommandLine(new SynclineCli());
        commandLine.setExecutionExceptionHandler(
                (e, cmd, parseResult) -> {
                    if (e instanceof ConfigException) {
                        cmd.getErr().println(e.getMessage());
                        return BAD_CONFIG;
                    }
                    if (e instanceof ClusterException) {
                        // Its message is complete: the problem, Flink's cause and the fix.
                        cmd.getErr().println("syncline: " + e.getMessage());
                        return FAILED;
                    }
                    cmd.getErr().println("syncline: " + describe(e));
                    return FAILED;
                });
        return commandLine;
    }

    private static String describe(Throwable e) {
        StringBuilder message = new StringBuilder(String.valueOf(e.getMessage()));
        for (Throwable cause = e.getCause(); cause != null; cause = cause.getCause()) {
            if (cause.getMessage() != null && !message.toString().contains(cause.getMessage())) {
                message.append("\n  caused by: ").append(cause.getMessage());
            }
        }
        return message.toString();
    }
}
