package io.syncline.jobs.cli;

import io.syncline.jobs.config.BackfillSettings;
import io.syncline.jobs.config.ConfigLoader;
import io.syncline.jobs.config.ConfigPreflight;
import io.syncline.jobs.config.SynclineConfig;
import io.syncline.jobs.ops.ClusterException;
import io.syncline.jobs.ops.FlinkRest;
import io.syncline.jobs.wiring.BackfillJobs;
import io.syncline.operators.read.BackfillRun;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.flink.api.common.JobExecutionResult;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.MetricOptions;
import org.apache.flink.configuration.PipelineOptions;
import org.apache.flink.configuration.ReadableConfig;
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

    /** The readers' counter of rows emitted (see BackfillSource). */
    static final String ROWS_READ = "backfillRowsRead";

    /** The readers' counter of rows that became errors. */
    static final String ROW_ERRORS = "backfillRowErrors";

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
        String rest;
        if (env instanceof LocalStreamEnvironment) {
            flink.set(RestOptions.PORT, webUiPort);
            // Progress is read from the metrics the web UI shows; refresh them as often.
            flink.set(MetricOptions.METRIC_FETCHER_UPDATE_INTERVAL, PROGRESS_INTERVAL);
            env = StreamExecutionEnvironment.createLocalEnvironmentWithWebUI(flink);
            rest = "http://localhost:" + webUiPort;
            out.printf("Flink web UI: %s%n", rest);
        } else {
            // Submitted with flink run: the client's configuration names the cluster's REST API.
            rest = restUrl(env.getConfiguration());
        }
        env.setParallelism(settings.parallelism());
        BackfillJobs.create(plan, clock).build(env);
        long started = System.nanoTime();
        JobClient job = env.executeAsync(flink.get(PipelineOptions.NAME));
        CompletableFuture<JobExecutionResult> result = job.getJobExecutionResult();
        Reading last = new Reading(0, 0);
        FlinkRest flinkRest = rest == null ? null : new FlinkRest(rest);
        while (true) {
            try {
                result.get(PROGRESS_INTERVAL.toMillis(), TimeUnit.MILLISECONDS);
                break;
            } catch (TimeoutException stillRunning) {
                last = read(flinkRest, job.getJobID().toString(), last);
                out.println(
                        BackfillProgress.line(
                                last.rows(),
                                plan.rows(),
                                Duration.ofNanos(System.nanoTime() - started)));
            }
        }
        Duration took = Duration.ofNanos(System.nanoTime() - started);
        out.printf(
                "Backfill %s done in %s: %,d rows counted at the start, %,d read (last metrics"
                        + " reading), %,d rows sent to the error queue by the read; errors of later"
                        + " stages are in the errors table (syncline errors list)%n",
                plan.runId(),
                BackfillProgress.duration(took),
                plan.rows(),
                Math.max(last.rows(), 0),
                last.errors());
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

    /** Rows read and errors so far, summed over the readers. */
    private record Reading(long rows, long errors) {}

    private static Reading read(FlinkRest rest, String jobId, Reading previous) {
        if (rest == null) {
            return previous;
        }
        try {
            long rows = 0;
            long errors = 0;
            boolean any = false;
            for (FlinkRest.Vertex vertex : rest.job(jobId).vertices()) {
                if (!vertex.name().contains("backfill-")) {
                    continue;
                }
                OptionalLong read = rest.operatorMetricSum(jobId, vertex, ROWS_READ);
                if (read.isPresent()) {
                    any = true;
                    rows += read.getAsLong();
                    errors += rest.operatorMetricSum(jobId, vertex, ROW_ERRORS).orElse(0);
                }
            }
            // Metrics of finished readers are gone; never go backwards.
            return any && rows >= previous.rows() ? new Reading(rows, errors) : previous;
        } catch (ClusterException e) {
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

    private static String restUrl(ReadableConfig cluster) {
        if (cluster.get(RestOptions.ADDRESS) == null) {
            return null;
        }
        return "http://" + cluster.get(RestOptions.ADDRESS) + ":" + cluster.get(RestOptions.PORT);
    }
}
