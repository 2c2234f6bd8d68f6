package io.syncline.jobs.cli;

import io.syncline.jobs.config.BackfillSettings;
import io.syncline.jobs.config.ConfigLoader;
import io.syncline.jobs.config.ConfigPreflight;
import io.syncline.jobs.config.SynclineConfig;
import io.syncline.jobs.wiring.BackfillJobs;
import io.syncline.operators.decode.DecodeRouter;
import io.syncline.operators.read.BackfillRun;
import io.syncline.operators.sink.EntityTypeRouter;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.flink.api.common.JobExecutionResult;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.HeartbeatManagerOptions;
import org.apache.flink.configuration.PipelineOptions;
import org.apache.flink.configuration.RestOptions;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.environment.LocalStreamEnvironment;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code syncline backfill}: reads the chosen tables through the sync job's stages into the targets
 * as a bounded job in BATCH mode, printing progress as it goes and a summary at the end. Progress
 * comes from the readers' metrics through Flink's REST API, the same locally (the web UI this
 * command starts) and on a cluster.
 */
@Command(
        name = "backfill",
        description =
                "Read chosen source tables through the sync pipeline into the targets (a bounded"
                        + " job); safe while the sync job runs.")
final class BackfillCommand implements Callable<Integer> {

    private static final Duration PROGRESS_INTERVAL = Duration.ofSeconds(2);

    @Spec CommandSpec spec;

    @Option(
            names = {"-c", "--config"},
            required = true,
            paramLabel = "<file>",
            description = "The YAML configuration file.")
    Path config;

    @Option(
            names = "--tenant",
            paramLabel = "<tenant>",
            description = "Only this tenant's rows (default: every tenant).")
    String tenant;

    @Option(
            names = "--entity",
            paramLabel = "<entity type>",
            description =
                    "Only tables of this entity type; repeat for more (default: every table).")
    List<String> entities = new ArrayList<>();

    @Option(
            names = "--where",
            paramLabel = "<SQL>",
            description = "Only rows matching this SQL condition on the tables' columns.")
    String where;

    @Option(
            names = "--parallelism",
            paramLabel = "<n>",
            description =
                    "Readers and the parallelism of every stage; each reader holds one"
                            + " connection per source database (default: backfill.parallelism).")
    Integer parallelism;

    @Option(
            names = "--chunk-size",
            paramLabel = "<rows>",
            description = "Rows per query (default: backfill.chunkSize).")
    Integer chunkSize;

    @Option(
            names = "--rows-per-split",
            paramLabel = "<rows>",
            description = "Rows per key range a reader takes (default: backfill.rowsPerSplit).")
    Integer rowsPerSplit;

    @Option(
            names = "--web-ui-port",
            defaultValue = "8081",
            description =
                    "Port of the Flink web UI when running locally (default: ${DEFAULT-VALUE}).")
    int webUiPort;

    @Override
    public Integer call() throws Exception {
        checkArguments();
        PrintWriter out = spec.commandLine().getOut();
        SynclineConfig loaded = ConfigLoader.load(config);
        ConfigPreflight.check(loaded);
        BackfillSettings settings = loaded.backfill().with(chunkSize, rowsPerSplit, parallelism);
        Clock clock = Clock.systemUTC();
        BackfillJobs.Plan plan;
        try {
            plan =
                    BackfillJobs.plan(
                            loaded,
                            settings,
                            new BackfillJobs.Request(tenant, entities, where),
                            clock);
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), e.getMessage());
        }
        out.printf(
                "Backfill %s: %,d rows in %s; parallelism %d, %d rows per query, %d rows per"
                        + " split%n",
                plan.runId(),
                plan.rows(),
                tables(plan),
                settings.parallelism(),
                settings.chunkSize(),
                settings.rowsPerSplit());
        if (plan.runs().isEmpty()) {
            out.println("Nothing to read.");
            return 0;
        }
        Configuration flink = BackfillJobs.configuration(plan);
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(flink);
        if (env instanceof LocalStreamEnvironment) {
            flink.set(RestOptions.PORT, webUiPort);
            // Progress travels with the heartbeats: every second, not ten.
            flink.set(HeartbeatManagerOptions.HEARTBEAT_INTERVAL, Duration.ofSeconds(1));
            env = StreamExecutionEnvironment.createLocalEnvironmentWithWebUI(flink);
            out.printf("Flink web UI: http://localhost:%d%n", webUiPort);
        }
        env.setParallelism(settings.parallelism());
        BackfillJobs.create(plan, clock).build(env);
        long started = System.nanoTime();
        JobClient job = env.executeAsync(flink.get(PipelineOptions.NAME));
        CompletableFuture<JobExecutionResult> result = job.getJobExecutionResult();
        Reading last = new Reading(0, 0, 0);
        while (true) {
            try {
                JobExecutionResult done =
                        result.get(PROGRESS_INTERVAL.toMillis(), TimeUnit.MILLISECONDS);
                last = Reading.of(done.getAllAccumulatorResults(), last);
                break;
            } catch (TimeoutException stillRunning) {
                last = read(job, last);
                out.println(
                        BackfillProgress.line(
                                last.rows(),
                                last.delivered(),
                                plan.rows(),
                                Duration.ofNanos(System.nanoTime() - started)));
                out.flush();
            }
        }
        Duration took = Duration.ofNanos(System.nanoTime() - started);
        out.printf(
                "Backfill %s done in %s: %,d rows counted at the start, %,d read, %,d of them"
                        + " refused by the read (in the error queue), %,d delivered to the targets;"
                        + " rows refused by validation are in the errors table (syncline errors"
                        + " list)%n",
                plan.runId(),
                BackfillProgress.duration(took),
                plan.rows(),
                last.rows(),
                last.errors(),
                last.delivered());
        return 0;
    }

    private void checkArguments() {
        for (Integer value : new Integer[] {parallelism, chunkSize, rowsPerSplit}) {
            if (value != null && value < 1) {
                throw new ParameterException(
                        spec.commandLine(),
                        "--parallelism, --chunk-size and --rows-per-split must be at least 1");
            }
        }
        if (where != null && where.isBlank()) {
            throw new ParameterException(
                    spec.commandLine(), "--where is empty; give a SQL condition or leave it out");
        }
    }

    /** Rows read, refused by the read and delivered so far, from the job's accumulators. */
    private record Reading(long rows, long errors, long delivered) {

        static Reading of(Map<String, Object> accumulators, Reading previous) {
            return new Reading(
                    Math.max(
                            previous.rows(),
                            count(accumulators, DecodeRouter.CAPTURED_ACCUMULATOR)),
                    Math.max(
                            previous.errors(),
                            count(accumulators, DecodeRouter.REJECTED_ACCUMULATOR)),
                    Math.max(
                            previous.delivered(),
                            count(accumulators, EntityTypeRouter.DELIVERED_ACCUMULATOR)));
        }

        private static long count(Map<String, Object> accumulators, String name) {
            return accumulators.get(name) instanceof Long count ? count : 0L;
        }
    }

    /**
     * The readers' progress: accumulators travel to the JobManager with the TaskManagers'
     * heartbeats (every second in a local run, {@code heartbeat.interval} on a cluster).
     */
    private static Reading read(JobClient job, Reading previous) {
        try {
            return Reading.of(job.getAccumulators().get(5, TimeUnit.SECONDS), previous);
        } catch (TimeoutException | ExecutionException e) {
            return previous;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return previous;
        }
    }

    private static String tables(BackfillJobs.Plan plan) {
        List<String> names = new ArrayList<>();
        plan.runs()
                .forEach(
                        (source, run) -> {
                            for (BackfillRun.Table table : run.tables()) {
                                names.add(source + ":" + table.table().binding().qualifiedName());
                            }
                        });
        return String.join(", ", names);
    }
}
