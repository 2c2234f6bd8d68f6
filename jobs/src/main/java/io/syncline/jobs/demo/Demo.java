package io.syncline.jobs.demo;

import io.syncline.embedded.EmbeddedKafkaBroker;
import io.syncline.embedded.EmbeddedPostgresServer;
import io.syncline.jobs.config.ConfigLoader;
import io.syncline.jobs.config.ConfigPreflight;
import io.syncline.jobs.config.SynclineConfig;
import io.syncline.jobs.wiring.JobEnvironments;
import io.syncline.jobs.wiring.SyncJobFactory;
import io.syncline.operators.decode.DecodeRouter;
import io.syncline.operators.resolve.ConflictsTable;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Collectors;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.HeartbeatManagerOptions;
import org.apache.flink.configuration.RestOptions;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import sun.misc.Signal;
import sun.misc.SignalHandler;

/**
 * The demo: embedded PostgreSQL (two source databases and a target) and Kafka, the sync job on a
 * local Flink cluster with its web UI, a generated workload with conflicting writes in the two
 * sources, and a console report every few seconds.
 */
public final class Demo {

    private static final Duration REPORT_EVERY = Duration.ofSeconds(5);
    private static final Duration SNAPSHOT_POLL = Duration.ofMillis(500);
    private static final Duration CATCH_UP = Duration.ofSeconds(60);
    private static final String REPORT_INDENT = "       ";

    private final int rate;
    private final int webUiPort;
    private final PrintStream out;
    private final Clock clock = Clock.systemUTC();
    private final CountDownLatch stopRequested = new CountDownLatch(1);

    /**
     * @param rate changes per second the workload writes
     * @param webUiPort port of the Flink web UI
     */
    public Demo(int rate, int webUiPort, PrintStream out) {
        if (rate < 1) {
            throw new IllegalArgumentException("--rate must be at least 1, got " + rate);
        }
        this.rate = rate;
        this.webUiPort = webUiPort;
        this.out = out;
    }

    /**
     * Runs until {@code duration} has passed (forever when null) or Ctrl-C, then stops everything.
     *
     * @return whether the target matched the source at the end
     */
    public boolean run(Duration duration) throws Exception {
        // Ctrl-C and SIGTERM stop the demo in order (job, then Kafka, then PostgreSQL) instead of
        // starting the JVM's shutdown, whose hooks would stop PostgreSQL under the running job.
        Map<Signal, SignalHandler> previous = new HashMap<>();
        for (String name : List.of("INT", "TERM")) {
            Signal signal = new Signal(name);
            previous.put(signal, Signal.handle(signal, this::onSignal));
        }
        try {
            return runUntilStopped(duration);
        } finally {
            previous.forEach(Signal::handle);
        }
    }

    private void onSignal(Signal signal) {
        if (stopRequested.getCount() == 0) {
            out.println("\nStopping at once.");
            System.exit(130);
        }
        out.println("\nStopping (Ctrl-C again to stop at once) ...");
        stopRequested.countDown();
    }

    private boolean runUntilStopped(Duration duration) throws Exception {
        out.println("Starting embedded PostgreSQL and Kafka ...");
        try (EmbeddedPostgresServer postgres = startPostgres();
                EmbeddedKafkaBroker kafka = EmbeddedKafkaBroker.start();
                Connection source = postgres.connect(DemoDatabase.SOURCE);
                Connection secondSource = postgres.connect(DemoDatabase.SECOND_SOURCE);
                DemoWorkload workload = new DemoWorkload(source, secondSource, 42)) {
            workload.seed(10);

            Path workDir = Files.createTempDirectory("syncline-demo");
            Path configFile = workDir.resolve("syncline-demo.yaml");
            Files.writeString(configFile, DemoConfig.yaml(postgres, kafka, workDir));
            DemoConfig.writeRuleFiles(workDir);
            SynclineConfig config = ConfigLoader.load(configFile);
            ConfigPreflight.check(config);
            TargetCheck check = TargetCheck.of(config, postgres);
            ConflictsTable conflicts = SyncJobFactory.conflictsTableOf(config);

            Configuration flink = JobEnvironments.configuration(config);
            flink.set(RestOptions.PORT, webUiPort);
            // Accumulators (the "captured" count) travel with heartbeats: every second, not ten.
            flink.set(HeartbeatManagerOptions.HEARTBEAT_INTERVAL, Duration.ofSeconds(1));
            StreamExecutionEnvironment env =
                    StreamExecutionEnvironment.createLocalEnvironmentWithWebUI(flink);
            JobEnvironments.configure(env, config);
            SyncJobFactory.create(config).build(env);
            JobClient job = env.executeAsync(config.job().name());

            out.printf(
                    "%nSyncline demo is running.%n"
                            + "  Flink web UI     %s%n"
                            + "  PostgreSQL       %s (source dbs '%s' and '%s', target db '%s',"
                            + " user %s)%n"
                            + "  Kafka            %s (topics %s, %s, %s)%n"
                            + "  configuration    %s%n"
                            + "  workload         %d changes/s for tenants %s, some of them"
                            + " invalid%n"
                            + "  conflicts        once both sources stream, '%s' writes the same"
                            + " customers and accounts as '%s'; customers by %s, accounts by %s;"
                            + " recorded in table %s and topic %s%n"
                            + "Press Ctrl-C to stop.%n%n",
                    webUiPort == 0
                            ? "on a free port (see logs/syncline.log)"
                            : "http://localhost:" + webUiPort,
                    postgres.jdbcUrl(DemoDatabase.SOURCE),
                    DemoDatabase.SOURCE,
                    DemoDatabase.SECOND_SOURCE,
                    DemoDatabase.TARGET,
                    postgres.username(),
                    kafka.bootstrapServers(),
                    config.sinks().kafka().changeTopic(),
                    config.sinks().kafka().errorTopic(),
                    config.sinks().kafka().conflictTopic(),
                    configFile,
                    rate,
                    DemoDatabase.TENANTS,
                    DemoDatabase.SECOND_SOURCE,
                    DemoDatabase.SOURCE,
                    config.consistency().policyOf("customer").name(),
                    ConflictSummary.shortName(config.consistency().policyOf("account").name()),
                    conflicts.table(),
                    config.sinks().kafka().conflictTopic());

            Instant started = clock.instant();
            ScheduledExecutorService scheduler = Executors.newScheduledThreadPool(3);
            try (TopicMonitor monitor =
                    new TopicMonitor(
                            kafka.bootstrapServers(),
                            config.sinks().kafka().changeTopic(),
                            config.sinks().kafka().errorTopic(),
                            clock)) {
                scheduler.scheduleAtFixedRate(
                        () -> step(workload),
                        0,
                        TimeUnit.SECONDS.toMicros(1) / rate,
                        TimeUnit.MICROSECONDS);
                scheduler.scheduleWithFixedDelay(
                        () -> startSecondSourceOnceStreaming(started, workload, postgres),
                        SNAPSHOT_POLL.toMillis(),
                        SNAPSHOT_POLL.toMillis(),
                        TimeUnit.MILLISECONDS);
                scheduler.scheduleAtFixedRate(
                        () -> report(started, job, workload, monitor, postgres, conflicts),
                        REPORT_EVERY.toMillis(),
                        REPORT_EVERY.toMillis(),
                        TimeUnit.MILLISECONDS);
                if (duration == null) {
                    stopRequested.await();
                } else {
                    stopRequested.await(duration.toMillis(), TimeUnit.MILLISECONDS);
                }
                scheduler.shutdown();
                scheduler.awaitTermination(10, TimeUnit.SECONDS);
                out.println("\nWorkload stopped; waiting for the pipeline to catch up ...");
                awaitTargetMatchesSources(check);
                report(started, job, workload, monitor, postgres, conflicts);
                List<TargetCheck.Result> results = check.run();
                results.forEach(result -> out.println(result.describe()));
                return results.stream().allMatch(TargetCheck.Result::identical);
            } finally {
                scheduler.shutdownNow();
                out.println("Stopping the job, Kafka and PostgreSQL ...");
                job.cancel().get(30, TimeUnit.SECONDS);
            }
        } finally {
            out.println("Stopped.");
        }
    }

    private static EmbeddedPostgresServer startPostgres() {
        EmbeddedPostgresServer postgres = EmbeddedPostgresServer.start();
        try {
            DemoDatabase.create(postgres);
            return postgres;
        } catch (RuntimeException e) {
            postgres.close();
            throw e;
        }
    }

    private void step(DemoWorkload workload) {
        try {
            workload.step();
        } catch (SQLException e) {
            out.println("workload: " + e.getMessage());
        }
    }

    /**
     * Lets the second source write conflicting changes once the seeded customers of both sources
     * are in the target, i.e. both snapshots of the customers are done (see {@link
     * DemoWorkload#startSecondSource()}).
     */
    private void startSecondSourceOnceStreaming(
            Instant started, DemoWorkload workload, EmbeddedPostgresServer postgres) {
        if (workload.secondSourceStarted()) {
            return;
        }
        try {
            if (inTarget(postgres, workload.seededCustomers(DemoDatabase.SOURCE))
                    && inTarget(postgres, workload.seededCustomers(DemoDatabase.SECOND_SOURCE))) {
                workload.startSecondSource();
                out.printf(
                        "[%4ds] both sources' snapshots are in the target: '%s' now writes the"
                                + " same customers and accounts as '%s'%n",
                        Duration.between(started, clock.instant()).toSeconds(),
                        DemoDatabase.SECOND_SOURCE,
                        DemoDatabase.SOURCE);
            }
        } catch (SQLException e) {
            out.println("second source: " + e.getMessage());
        }
    }

    /** Whether the target holds every one of the customers {@code ids}. */
    private static boolean inTarget(EmbeddedPostgresServer postgres, List<Long> ids)
            throws SQLException {
        List<List<String>> count =
                DemoDatabase.rows(
                        postgres,
                        DemoDatabase.TARGET,
                        "SELECT count(*) FROM customers WHERE id IN ("
                                + ids.stream()
                                        .map(String::valueOf)
                                        .collect(Collectors.joining(", "))
                                + ")");
        return !ids.isEmpty() && Long.parseLong(count.get(0).get(0)) == ids.size();
    }

    private void report(
            Instant started,
            JobClient job,
            DemoWorkload workload,
            TopicMonitor monitor,
            EmbeddedPostgresServer postgres,
            ConflictsTable conflicts) {
        try {
            TopicMonitor.Snapshot seen = monitor.snapshot();
            List<Long> lags = seen.recentLagMillis();
            String lag =
                    lags.isEmpty()
                            ? "no new changes"
                            : String.format(
                                    "p50 %.1fs max %.1fs",
                                    lags.get(lags.size() / 2) / 1000.0,
                                    lags.get(lags.size() - 1) / 1000.0);
            out.printf(
                    "[%4ds] job %s | written %d (ins %d, upd %d, del %d, invalid %d) | captured %d |"
                            + " Kafka %d %s, corrected %d |"
                            + " target rows customers %d, contracts %d, accounts %d | errors %d %s"
                            + " | lag %s%n",
                    Duration.between(started, clock.instant()).toSeconds(),
                    job.getJobStatus().get(5, TimeUnit.SECONDS),
                    workload.inserts()
                            + workload.updates()
                            + workload.deletes()
                            + workload.rejects(),
                    workload.inserts(),
                    workload.updates(),
                    workload.deletes(),
                    workload.rejects(),
                    captured(job),
                    seen.totalChanges(),
                    seen.changes(),
                    seen.corrected(),
                    targetRows(postgres, "customers"),
                    targetRows(postgres, "contracts"),
                    targetRows(postgres, "accounts"),
                    seen.totalErrors(),
                    seen.errors(),
                    lag);
            out.printf(
                    "%s%s: written %d%s | %s%n",
                    REPORT_INDENT,
                    DemoDatabase.SECOND_SOURCE,
                    workload.secondSourceWrites(),
                    workload.secondSourceStarted()
                            ? ""
                            : " (its own customers; conflicting writes once both sources stream)",
                    ConflictSummary.read(postgres, conflicts).line());
        } catch (RuntimeException | SQLException | ExecutionException | TimeoutException e) {
            out.println("report: " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Changes the job's sources captured so far, decoded or rejected. */
    private static long captured(JobClient job)
            throws ExecutionException, InterruptedException, TimeoutException {
        Object captured =
                job.getAccumulators()
                        .get(5, TimeUnit.SECONDS)
                        .get(DecodeRouter.CAPTURED_ACCUMULATOR);
        return captured instanceof Long count ? count : 0L;
    }

    private static long targetRows(EmbeddedPostgresServer postgres, String table)
            throws SQLException {
        List<List<String>> count =
                DemoDatabase.rows(
                        postgres,
                        DemoDatabase.TARGET,
                        "SELECT count(*) FROM " + table + " WHERE NOT _syncline_deleted");
        return Long.parseLong(count.get(0).get(0));
    }

    private void awaitTargetMatchesSources(TargetCheck check)
            throws SQLException, InterruptedException {
        Instant deadline = clock.instant().plus(CATCH_UP);
        while (clock.instant().isBefore(deadline) && !check.matches()) {
            TimeUnit.MILLISECONDS.sleep(500);
        }
    }
}
