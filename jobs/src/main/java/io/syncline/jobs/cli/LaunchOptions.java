package io.syncline.jobs.cli;

import io.syncline.jobs.config.ConfigLoader;
import io.syncline.jobs.config.ConfigPreflight;
import io.syncline.jobs.config.SynclineConfig;
import io.syncline.jobs.ops.ClusterException;
import io.syncline.jobs.wiring.RestoreCheck;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.StateRecoveryOptions;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;

/**
 * What the commands that start the job on a cluster take ({@code submit}, {@code resume}, {@code
 * upgrade}): the configuration, checked here first as {@code syncline run} would, the job jar and
 * the parallelism; and the arguments the job jar's main gets on the JobManager.
 */
final class LaunchOptions {

    @Option(
            names = {"-c", "--config"},
            required = true,
            paramLabel = "<file>",
            description =
                    "The job's YAML configuration. Checked here first, file and systems, as"
                            + " validate-config does; the JobManager reads it again when it builds"
                            + " the job.")
    Path config;

    @Option(
            names = "--config-on-cluster",
            paramLabel = "<path>",
            description =
                    "Where the JobManager finds the same configuration when it runs elsewhere,"
                            + " e.g. the mount path of its ConfigMap on Kubernetes. Default: the"
                            + " absolute path of --config, right for a cluster on this machine.")
    String configOnCluster;

    @Option(
            names = "--jar",
            paramLabel = "<job jar>",
            description =
                    "The job jar (syncline-jobs-<version>-job.jar). Default: the job jar this"
                            + " CLI runs from, or the one *-job.jar next to its classes"
                            + " (jobs/target/).")
    Path jar;

    @Option(
            names = "--parallelism",
            paramLabel = "<n>",
            description = "The job's parallelism (default: job.parallelism of the configuration).")
    Integer parallelism;

    @Option(
            names = "--allow-non-restored-state",
            description =
                    "Start from a savepoint that holds state of operators the job no longer has;"
                            + " that state is dropped.")
    boolean allowNonRestoredState;

    /** Checks the arguments before anything connects. */
    void check(CommandSpec spec) {
        if (parallelism != null && parallelism < 1) {
            throw new ParameterException(spec.commandLine(), "--parallelism must be at least 1");
        }
        if (jar != null && !Files.isRegularFile(jar)) {
            throw new ParameterException(
                    spec.commandLine(),
                    "--jar " + jar + ": no such file; build it with: mvn -B -DskipTests package");
        }
    }

    /**
     * Loads the configuration and checks that its systems are reachable, as {@code syncline run}
     * does on the cluster, so that a bad configuration fails before anything is uploaded.
     *
     * @throws io.syncline.jobs.config.ConfigException listing every problem
     */
    SynclineConfig validate() {
        SynclineConfig loaded = ConfigLoader.load(config);
        ConfigPreflight.check(loaded);
        return loaded;
    }

    /** "file (job 'name', 1 source, parallelism 2): all systems reachable" */
    String describe(SynclineConfig loaded) {
        return config.toAbsolutePath().normalize()
                + " (job '"
                + loaded.job().name()
                + "', "
                + TableSubcommand.plural(loaded.sources().size(), "source")
                + ", parallelism "
                + (parallelism != null ? parallelism : loaded.job().parallelism())
                + "): valid, all systems reachable";
    }

    /** The arguments of the job jar's main on the JobManager: {@code run --config ...}. */
    List<String> programArguments() {
        List<String> arguments = new ArrayList<>();
        arguments.add("run");
        arguments.add("--config");
        arguments.add(
                configOnCluster != null
                        ? configOnCluster
                        : config.toAbsolutePath().normalize().toString());
        if (parallelism != null) {
            arguments.add("--parallelism");
            arguments.add(String.valueOf(parallelism));
        }
        return arguments;
    }

    /**
     * The job jar: {@code --jar}, else the jar this CLI runs from if it is a job jar, else the one
     * {@code *-job.jar} in the directory next to it (for {@code jobs/target/classes}, {@code
     * jobs/target}).
     */
    Path jarFile() {
        if (jar != null) {
            return jar;
        }
        Path location;
        try {
            location =
                    Path.of(
                            SynclineCli.class
                                    .getProtectionDomain()
                                    .getCodeSource()
                                    .getLocation()
                                    .toURI());
        } catch (URISyntaxException | SecurityException e) {
            throw new ClusterException(
                    "cannot tell where the CLI runs from (" + e + "); pass --jar");
        }
        if (location.getFileName().toString().endsWith("-job.jar")) {
            return location;
        }
        Path directory = location.toAbsolutePath().getParent();
        List<Path> jobJars;
        try (Stream<Path> files = Files.list(directory)) {
            jobJars = files.filter(f -> f.getFileName().toString().endsWith("-job.jar")).toList();
        } catch (IOException e) {
            throw new ClusterException("cannot look for the job jar in " + directory + ": " + e);
        }
        if (jobJars.size() == 1) {
            return jobJars.get(0);
        }
        throw new ClusterException(
                (jobJars.isEmpty()
                                ? "no job jar (*-job.jar) in " + directory
                                : "several job jars in " + directory + ": " + jobJars)
                        + "; pass --jar, or build it with: mvn -B -DskipTests -pl jobs -am"
                        + " package");
    }

    /**
     * A savepoint or retained checkpoint to start from, for the cluster: see {@link
     * ClusterCommand#clusterUri}. A plain path must be a savepoint here (a directory with a {@code
     * _metadata} file); a URI is checked by Flink where the JobManager runs.
     */
    static String restorePath(String pathOrUri) {
        String uri = ClusterCommand.clusterUri(pathOrUri);
        if (!uri.equals(pathOrUri) && !Files.isRegularFile(Path.of(pathOrUri, "_metadata"))) {
            throw new ClusterException(
                    "no savepoint or retained checkpoint at "
                            + Path.of(pathOrUri).toAbsolutePath()
                            + " (it has no _metadata file); pass the path syncline savepoint or"
                            + " stop printed, or a checkpoint's chk-<n> directory");
        }
        return uri;
    }

    /**
     * Refuses to start from {@code savepoint} when a source's replication slot is gone or has lost
     * its WAL (see {@link RestoreCheck}), before anything is uploaded; the JobManager checks again.
     */
    static void checkRestore(SynclineConfig loaded, String savepoint) {
        Configuration restore = new Configuration();
        restore.set(StateRecoveryOptions.SAVEPOINT_PATH, savepoint);
        RestoreCheck.verify(loaded, restore);
    }
}
