package io.syncline.jobs.cli;

import io.syncline.jobs.config.ConfigLoader;
import io.syncline.jobs.config.ConfigPreflight;
import io.syncline.jobs.config.SynclineConfig;
import io.syncline.jobs.wiring.JobEnvironments;
import io.syncline.jobs.wiring.RestoreCheck;
import io.syncline.jobs.wiring.SyncJobFactory;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.RestOptions;
import org.apache.flink.streaming.api.environment.LocalStreamEnvironment;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code syncline run}: validates the configuration, checks that every system is reachable and runs
 * the sync job, on the cluster when submitted with {@code flink run}, locally otherwise.
 */
@Command(name = "run", description = "Run the sync job described by a configuration file.")
final class RunCommand implements Callable<Integer> {

    @Option(
            names = {"-c", "--config"},
            required = true,
            description = "The YAML configuration file.")
    Path config;

    @Option(
            names = "--web-ui-port",
            defaultValue = "8081",
            description =
                    "Port of the Flink web UI when running locally (default: ${DEFAULT-VALUE}).")
    int webUiPort;

    @Option(
            names = "--parallelism",
            paramLabel = "<n>",
            description = "The job's parallelism (default: job.parallelism of the configuration).")
    Integer parallelism;

    private static volatile boolean submittedToCluster;

    /**
     * Whether this JVM's {@code run} submits the job to a cluster rather than running it here: its
     * main then runs inside the JobManager (flink run, the REST API's jar run, application mode).
     */
    static boolean submittedToCluster() {
        return submittedToCluster;
    }

    @Override
    public Integer call() throws Exception {
        // Known first, so that a failure below reaches whoever submitted (see SynclineCli.main).
        submittedToCluster =
                !(StreamExecutionEnvironment.getExecutionEnvironment()
                        instanceof LocalStreamEnvironment);
        SynclineConfig loaded = ConfigLoader.load(config);
        ConfigPreflight.check(loaded);
        Configuration flink = JobEnvironments.configuration(loaded);
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(flink);
        if (env instanceof LocalStreamEnvironment) {
            flink.set(RestOptions.PORT, webUiPort);
            env = StreamExecutionEnvironment.createLocalEnvironmentWithWebUI(flink);
            System.out.printf("Flink web UI: http://localhost:%d%n", webUiPort);
        }
        JobEnvironments.configure(env, loaded);
        if (parallelism != null) {
            env.setParallelism(parallelism);
        }
        RestoreCheck.verify(loaded, env.getConfiguration());
        SyncJobFactory.create(loaded).build(env);
        env.execute(loaded.job().name());
        return 0;
    }
}
