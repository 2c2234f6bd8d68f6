package io.syncline.jobs.cli;

import io.syncline.jobs.config.ConfigLoader;
import io.syncline.jobs.ops.ClusterJobs;
import io.syncline.jobs.ops.FlinkRest;
import io.syncline.jobs.ops.FlinkRest.JobSummary;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * The common part of the commands that work on a Flink cluster through its REST API ({@code
 * submit}, {@code resume}, {@code status}, {@code savepoint}, {@code stop}, {@code upgrade}): where
 * the cluster is, and printing results one {@code label: value} line each.
 */
abstract class ClusterCommand implements Callable<Integer> {

    @Option(
            names = {"-h", "--help"},
            usageHelp = true,
            description = "Show this help and exit.")
    boolean help;

    @Option(
            names = "--rest",
            paramLabel = "<url>",
            defaultValue = "${env:SYNCLINE_REST:-" + FlinkRest.DEFAULT_URL + "}",
            description =
                    "The cluster's REST API, the Flink web UI's address (default: $SYNCLINE_REST,"
                            + " else "
                            + FlinkRest.DEFAULT_URL
                            + "; now ${DEFAULT-VALUE}).")
    String rest;

    @Option(
            names = "--timeout",
            defaultValue = "300",
            paramLabel = "<seconds>",
            description =
                    "How long to wait for a savepoint, or for a started job to run (default:"
                            + " ${DEFAULT-VALUE}).")
    int timeoutSeconds;

    @Spec CommandSpec spec;

    @Override
    public final Integer call() {
        if (timeoutSeconds < 1) {
            throw new ParameterException(spec.commandLine(), "--timeout must be at least 1");
        }
        checkArguments();
        return run(new ClusterJobs(new FlinkRest(rest)));
    }

    /** Checks the arguments before anything connects; throws {@link ParameterException}. */
    void checkArguments() {}

    abstract int run(ClusterJobs cluster);

    Duration timeout() {
        return Duration.ofSeconds(timeoutSeconds);
    }

    PrintWriter out() {
        return spec.commandLine().getOut();
    }

    /** Prints one result line: the label, then the value aligned with the others. */
    void print(String label, String value) {
        out().printf("%-16s %s%n", label + ":", value);
    }

    /**
     * A savepoint directory or path for the cluster: a URI (file:, s3:, ...) as given, a plain path
     * made absolute on this machine ({@code file:///...}), which is right for a cluster on it.
     */
    static String clusterUri(String pathOrUri) {
        if (pathOrUri.matches("[a-zA-Z][a-zA-Z0-9+.-]+:.*")) {
            return pathOrUri;
        }
        return Path.of(pathOrUri).toAbsolutePath().normalize().toUri().toString();
    }

    /** {@code --job} / {@code --name}: which job a command is about. */
    static final class JobOptions {

        @Option(
                names = "--job",
                paramLabel = "<job id>",
                description =
                        "The job's id (as the web UI and status show it). Default: the RUNNING job"
                                + " named job.name of the configuration, else the cluster's only"
                                + " job.")
        String id;

        @Option(
                names = "--name",
                paramLabel = "<job name>",
                description = "The job with this name (job.name of its configuration).")
        String name;

        /**
         * The job: by {@code --job}, else by {@code --name}, else by {@code defaultName}, else the
         * cluster's only job.
         */
        JobSummary select(ClusterJobs cluster, String defaultName, boolean runningOnly) {
            return cluster.select(id, name != null ? name : defaultName, runningOnly);
        }
    }

    /** {@code --config}, optional: the job is the one named as its job.name. */
    static final class JobConfigOption {

        @Option(
                names = {"-c", "--config"},
                paramLabel = "<file>",
                description = "The job whose name is job.name of this configuration.")
        Path config;

        /** The configuration's job name, {@code null} without {@code --config}. */
        String jobName() {
            return config == null ? null : ConfigLoader.load(config).job().name();
        }
    }

    /** {@code --dir}: where a savepoint goes. */
    static final class SavepointDirOption {

        @Option(
                names = "--dir",
                paramLabel = "<directory>",
                description =
                        "Where to write the savepoint: a URI the cluster can write (file:///...,"
                                + " s3://...), or a path on this machine. Default: the cluster's"
                                + " savepoint directory (execution.checkpointing.savepoint-dir).")
        String directory;

        /** The directory for the cluster, {@code null} for its default. */
        String uri() {
            return directory == null ? null : clusterUri(directory);
        }
    }
}
