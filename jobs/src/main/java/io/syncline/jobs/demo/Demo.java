package io.syncline.jobs.demo;

import io.syncline.embedded.EmbeddedKafkaBroker;
import io.syncline.embedded.EmbeddedPostgresServer;
import io.syncline.jobs.config.ConfigLoader;
import io.syncline.jobs.config.ConfigPreflight;
import io.syncline.jobs.config.SynclineConfig;
import io.syncline.jobs.report.QualityReport;
import io.syncline.jobs.report.QualityReports;
import io.syncline.jobs.report.QualityReports.ReportFiles;
import io.syncline.jobs.report.ReportException;
import io.syncline.jobs.report.ReportThresholds;
import io.syncline.jobs.wiring.JobEnvironments;
import io.syncline.jobs.wiring.SyncJobFactory;
import io.syncline.operators.decode.DecodeRouter;
import io.syncline.operators.resolve.ConflictsTable;
import io.syncline.schema.Alert;
import io.syncline.schema.AlertStatus;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
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
 * sources, a console report every few seconds with the quality of each window and the alerts, and
 * the daily quality report at exit.
 */
public final class Demo {

    private static final Duration REPORT_EVERY = Duration.ofSeconds(5);
    private static final Duration SNAPSHOT_POLL = Duration.ofMillis(500);
    private static final Duration CATCH_UP = Duration.ofSeconds(60);
    private static final Duration JOB_STOP = Duration.ofSeconds(30);

    /** How often the optional API sources change something: 4 changes per second each. */
    private static final Duration API_CHANGE_EVERY = Duration.ofMillis(250);

    /** Beyond a window's end: the watermark's delay, a checkpoint and the monitor's settling. */
    private static final Duration LAST_WINDOW = Duration.ofSeconds(60);

    private static final String REPORT_INDENT = "       ";

    private final int rate;
    private final int webUiPort;
    private final int prometheusPort;
    private final PrintStream out;
    private final boolean withHttpSource;
    private final boolean withWebhook;
    private final Clock clock = Clock.systemUTC();
    private final CountDownLatch stopRequested = new CountDownLatch(1);
    private final AtomicInteger windowsClosed = new AtomicInteger();
    private final AtomicInteger alertsFired = new AtomicInteger();
    private final AtomicInteger alertsResolved = new AtomicInteger();

    /** When the workload last started writing a change; no commit of it is earlier. */
    private volatile Instant lastWriteStarted = Instant.EPOCH;

    /**
     * @param rate changes per second the workload writes
     * @param webUiPort port of the Flink web UI
     * @param prometheusPort port of the job's Prometheus endpoint
     */
    public Demo(int rate, int webUiPort, int prometheusPort, PrintStream out) {
        this(rate, webUiPort, prometheusPort, out, false, false);
    }

    /**
     * @param withHttpSource also sync a helpdesk's tickets from a REST delta API (an HTTP source)
     * @param withWebhook also sync payments a provider POSTs as signed webhooks
     */
    public Demo(
            int rate,
            int webUiPort,
            int prometheusPort,
            PrintStream out,
            boolean withHttpSource,
            boolean withWebhook) {
        if (rate < 1) {
            throw new IllegalArgumentException("--rate must be at least 1, got " + rate);
        }
        if (prometheusPort < 1 || prometheusPort > 65_535) {
            throw new IllegalArgumentException(
                    "--prometheus-port must be a port between 1 and 65535, got " + prometheusPort);
        }
        this.rate = rate;
        this.webUiPort = webUiPort;
        this.prometheusPort = prometheusPort;
        this.out = out;
        this.withHttpSource = withHttpSource;
        this.withWebhook = withWebhook;
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
                DemoWorkload workload = new DemoWorkload(source, secondSource, 42);
                DemoApiSources apis = DemoApiSources.start(withHttpSource, withWebhook)) {
            workload.seed(10);

            Path workDir = Files.createTempDirectory("syncline-demo");
            Path configFile = workDir.resolve("syncline-demo.yaml");
            Files.writeString(
                    configFile,
                    DemoConfig.yaml(
                            postgres, kafka, workDir, apis == null ? "" : apis.sourcesYaml()));
            DemoConfig.writeRuleFiles(workDir);
            SynclineConfig config = ConfigLoader.load(configFile);
            ConfigPreflight.check(config);
            DemoKeys.init(config);
            TargetCheck check = TargetCheck.of(config, postgres);
            ConflictsTable conflicts = SyncJobFactory.conflictsTableOf(config);
            // The alert stage's minimums: the console marks what the alerts fire on.
            ReportThresholds thresholds = ReportThresholds.of(config.observability().thresholds());
            Path reportDir = workDir.resolve("report");

            Configuration flink = JobEnvironments.configuration(config);
            flink.set(RestOptions.PORT, webUiPort);
            // Accumulators (the "captured" count) travel with heartbeats: every second, not ten.
            flink.set(HeartbeatManagerOptions.HEARTBEAT_INTERVAL, Duration.ofSeconds(1));
            StreamExecutionEnvironment env =
                    StreamExecutionEnvironment.createLocalEnvironmentWithWebUI(flink);
            JobEnvironments.configure(env, config);
            // The Prometheus endpoint on the demo's port rather than the configuration's, so that
            // a second demo or a test can run beside a demo.
            Configuration prometheus = new Configuration();
            JobEnvironments.prometheusReporter(prometheus, String.valueOf(prometheusPort));
            env.configure(prometheus);
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
                            + "  quality          per tenant and entity type in %s windows, in"
                            + " table %s and topic %s; a table below each time a window closes,"
                            + " %s marks a share below its threshold (%s)%n"
                            + "  alerts           in table %s and topic %s (no notifier in the"
                            + " demo); printed below as they fire and resolve%n"
                            + "  Prometheus       %s%n"
                            + "  quality report   the day's, written into %s at exit%n"
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
                    config.sinks().kafka().conflictTopic(),
                    config.observability().window().describe(),
                    config.sinks().target().qualityMetricsTable(),
                    config.sinks().kafka().qualityTopic(),
                    QualityConsole.BELOW_THRESHOLD,
                    QualityConsole.thresholds(thresholds),
                    config.sinks().target().alertsTable(),
                    config.sinks().kafka().alertTopic(),
                    "http://localhost:"
                            + prometheusPort
                            + "/metrics (quality and lag per tenant and entity type, lag per source)",
                    reportDir);
            if (apis != null) {
                out.println(apis.describe());
                out.println();
            }

            Instant started = clock.instant();
            ScheduledExecutorService scheduler = Executors.newScheduledThreadPool(3);
            try (TopicMonitor monitor =
                            new TopicMonitor(
                                    kafka.bootstrapServers(),
                                    config.sinks().kafka().changeTopic(),
                                    config.sinks().kafka().errorTopic(),
                                    clock);
                    QualityMonitor quality =
                            new QualityMonitor(
                                    kafka.bootstrapServers(),
                                    config.sinks().kafka().qualityTopic(),
                                    config.sinks().kafka().alertTopic(),
                                    // A window's rows commit with the checkpoints after it closed.
                                    config.checkpoints().interval().plusSeconds(1),
                                    clock)) {
                scheduler.scheduleAtFixedRate(
                        () -> step(workload),
                        0,
                        TimeUnit.SECONDS.toMicros(1) / rate,
                        TimeUnit.MICROSECONDS);
                if (apis != null) {
                    // Once both databases stream: their snapshots at start are the slow part,
                    // and the API sources' work would only compete with them for the cores.
                    scheduler.scheduleAtFixedRate(
                            () -> {
                                if (workload.secondSourceStarted()) {
                                    apis.step();
                                }
                            },
                            0,
                            API_CHANGE_EVERY.toMillis(),
                            TimeUnit.MILLISECONDS);
                }
                scheduler.scheduleWithFixedDelay(
                        () -> startSecondSourceOnceStreaming(started, workload, postgres),
                        SNAPSHOT_POLL.toMillis(),
                        SNAPSHOT_POLL.toMillis(),
                        TimeUnit.MILLISECONDS);
                scheduler.scheduleAtFixedRate(
                        () -> {
                            report(started, job, workload, monitor, postgres, conflicts);
                            if (apis != null) {
                                out.println(REPORT_INDENT + apis.line());
                            }
                            printQuality(started, quality.news(), thresholds);
                        },
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
                awaitTargetMatchesSources(check, config, apis, postgres);
                out.println("Waiting for the quality windows of the last changes to close ...");
                awaitLastQualityWindow(quality);
                report(started, job, workload, monitor, postgres, conflicts);
                printQuality(started, quality.allNews(), thresholds);
                List<TargetCheck.Result> results = new ArrayList<>(check.run());
                if (apis != null) {
                    out.println(REPORT_INDENT + apis.line());
                    results.addAll(apis.check(config, target(postgres)));
                }
                results.forEach(result -> out.println(result.describe()));
                out.println(check.encryptionNote());
                out.printf(
                        "quality: %d windows closed; alerts: %d fired, %d resolved%n",
                        windowsClosed.get(), alertsFired.get(), alertsResolved.get());
                return results.stream().allMatch(TargetCheck.Result::identical);
            } finally {
                scheduler.shutdownNow();
                out.println("Stopping the job ...");
                stop(job);
                writeQualityReport(config, thresholds, reportDir);
                out.println("Stopping Kafka and PostgreSQL ...");
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
            lastWriteStarted = clock.instant();
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

    /**
     * Prints the tables of the windows that closed and the alerts that fired or resolved, e.g.
     *
     * <pre>
     * [  25s] quality window 10:41:20-10:41:30 UTC
     *        tenant  entity    validated  errors  complete  accurate  consistent  timely  lag p50 ...
     *        acme    contract         14       1         -    92.9%!           -  100.0%     1.1s ...
     * [  25s] alert FIRING   WARNING  accuracy of contract for tenant acme is 92.86 % ...
     * </pre>
     */
    private void printQuality(
            Instant started, QualityMonitor.News news, ReportThresholds thresholds) {
        String elapsed =
                String.format("[%4ds] ", Duration.between(started, clock.instant()).toSeconds());
        try {
            for (QualityMonitor.Window window : news.windows()) {
                List<String> lines = QualityConsole.table(window, thresholds);
                out.println(elapsed + lines.get(0));
                lines.subList(1, lines.size()).forEach(line -> out.println(REPORT_INDENT + line));
                if (!window.again()) {
                    windowsClosed.incrementAndGet();
                }
            }
            for (Alert alert : news.alerts()) {
                out.println(elapsed + QualityConsole.alert(alert));
                (alert.getStatus() == AlertStatus.FIRING ? alertsFired : alertsResolved)
                        .incrementAndGet();
            }
        } catch (RuntimeException e) {
            out.println("quality: " + e.getMessage());
        }
    }

    /**
     * Waits until the quality window of the workload's last change has closed and its rows have
     * arrived, so that the console and the daily report show every change.
     */
    private void awaitLastQualityWindow(QualityMonitor quality) throws InterruptedException {
        Instant lastWrite = lastWriteStarted;
        Instant deadline = clock.instant().plus(LAST_WINDOW);
        while (clock.instant().isBefore(deadline)
                && !(quality.latestWindowEnd().isAfter(lastWrite) && quality.settled())) {
            TimeUnit.MILLISECONDS.sleep(500);
        }
    }

    /**
     * Cancels the job and waits until it and its local cluster are gone, so that nothing writes the
     * quality tables any more.
     */
    private static void stop(JobClient job)
            throws ExecutionException, InterruptedException, TimeoutException {
        job.cancel().get(JOB_STOP.toMillis(), TimeUnit.MILLISECONDS);
        // Completes exceptionally, as the job was cancelled; only the end matters here.
        job.getJobExecutionResult()
                .handle((result, failure) -> null)
                .get(JOB_STOP.toMillis(), TimeUnit.MILLISECONDS);
    }

    /**
     * Writes today's (UTC) daily quality report from the target's tables into {@code reportDir} and
     * prints where, with the tenants' entity types below their thresholds.
     */
    private void writeQualityReport(
            SynclineConfig config, ReportThresholds thresholds, Path reportDir) {
        LocalDate today = LocalDate.now(clock);
        try {
            QualityReport report =
                    QualityReports.load(config.sinks().target(), today, null, thresholds, clock);
            ReportFiles files = QualityReports.write(report, reportDir);
            out.printf(
                    "Daily quality report of %s (UTC): %s%n  %s%n  %s%n",
                    today,
                    QualityConsole.verdict(report),
                    files.html().toAbsolutePath(),
                    files.json().toAbsolutePath());
        } catch (ReportException | IOException e) {
            out.println("quality report: " + e.getMessage());
        }
    }

    private void awaitTargetMatchesSources(
            TargetCheck check,
            SynclineConfig config,
            DemoApiSources apis,
            EmbeddedPostgresServer postgres)
            throws SQLException, InterruptedException {
        Instant deadline = clock.instant().plus(CATCH_UP);
        while (clock.instant().isBefore(deadline)
                && !(check.matches()
                        && (apis == null
                                || apis.check(config, target(postgres)).stream()
                                        .allMatch(TargetCheck.Result::identical)))) {
            TimeUnit.MILLISECONDS.sleep(500);
        }
    }

    private static DemoApiSources.DemoTarget target(EmbeddedPostgresServer postgres) {
        return sql -> DemoDatabase.rows(postgres, DemoDatabase.TARGET, sql);
    }
}
