package io.syncline.benchmarks;

import io.syncline.benchmarks.DrainBenchmark.Drain;
import io.syncline.benchmarks.Results.Figure;
import io.syncline.embedded.EmbeddedPostgresServer;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import org.apache.kafka.clients.producer.ProducerRecord;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * Runs every end-to-end measurement against embedded PostgreSQL and Kafka, each Syncline figure
 * back to back with its baseline, then prints the ratios as a table and writes them, with the raw
 * measurements and CPU per component, to {@code <out>/<timestamp>.json}.
 */
@Command(
        name = "benchmarks",
        mixinStandardHelpOptions = true,
        description = "Measures the sync pipeline against its own baselines, in one run.")
public final class BenchmarkRunner implements Callable<Integer> {

    @Option(names = "--quick", description = "Smoke-test sizes: tiny loads, seconds per step.")
    boolean quick;

    @Option(
            names = "--out",
            defaultValue = "benchmarks/results",
            description = "Directory of the JSON results (default: ${DEFAULT-VALUE}).")
    Path out;

    @Option(
            names = "--parallelism",
            defaultValue = "2",
            description = "Parallelism of every job (default: ${DEFAULT-VALUE}).")
    int parallelism;

    @Option(
            names = "--checkpoint-interval",
            defaultValue = "2s",
            description =
                    "Checkpoint interval of every job, e.g. 1s, 500ms (default: ${DEFAULT-VALUE}).")
    String checkpointInterval;

    @Option(
            names = "--rates",
            split = ",",
            description = "Change rates tried for the highest sustained rate, ascending.")
    List<Integer> rates;

    @Option(
            names = "--only",
            paramLabel = "<benchmark>",
            description =
                    "Run only this benchmark against its baseline: backfill (R16), jdbc (R8),"
                            + " protect (R17, R18: drains with field encryption against the job"
                            + " without observability) or reconcile (R14, R15, on a PostgreSQL of"
                            + " its own). The results file is then <timestamp>-<benchmark>.json.")
    String only;

    @Option(
            names = "--reconcile-rows",
            description = "Rows of the reconciled table (default: 100,000; 10,000 with --quick).")
    Integer reconcileRows;

    @Option(
            names = "--reconcile-drift",
            defaultValue = "0.01",
            description =
                    "Share of the reconciled table's rows drifted in the target (default:"
                            + " ${DEFAULT-VALUE}).")
    double reconcileDrift;

    /** The benchmarks {@code --only} runs alone. */
    private static final List<String> ONLY =
            List.of(BackfillBenchmark.VARIANT, "reconcile", "jdbc", "protect", "eventstore");

    /**
     * The drains of {@code --only protect}. The warm-up first, as in the full run; then the
     * per-subject keys, because the drain right after the warm-up is still slowed by the JVM (it
     * used 0.1 to 0.3 cores more "GC, JIT" CPU than the drains after it, and R17 was 0.82 with the
     * encrypting drain there, 0.97 to 1.18 with the others): so R17 compares two warm drains, and
     * R18's numerator, paying that instead, errs on the slow side.
     */
    private static final List<JobVariant> PROTECT_DRAINS =
            List.of(
                    JobVariant.WARM_UP,
                    JobVariant.SUBJECT_KEYS,
                    JobVariant.NO_OBSERVABILITY,
                    JobVariant.FIELD_ENCRYPTION);

    /**
     * The drains of {@code --only eventstore}. The warm-up, then {@code full_eo} (the job as
     * shipped) as a second one: the drain right after the warm-up is the slow one, whatever runs
     * there (with the job with its event store there R19 was 0.74, with the job without it 0.99);
     * behind {@code full_eo}, R19 was 0.76 to 1.00 over six runs, in either order of the two.
     */
    private static final List<JobVariant> EVENT_STORE_DRAINS =
            List.of(
                    JobVariant.WARM_UP,
                    JobVariant.FULL,
                    JobVariant.NO_OBSERVABILITY,
                    JobVariant.NO_EVENT_STORE);

    /** What a run of drains alone reports, from the drains and what they left in {@code env}. */
    private interface DrainReport {
        void report(Results results, DrainBenchmark.Outcome drains, BenchEnvironment env)
                throws Exception;
    }

    private final PrintStream console;
    private Path resultFile;
    private Results results;

    public BenchmarkRunner() {
        this(System.out);
    }

    BenchmarkRunner(PrintStream console) {
        this.console = console;
    }

    public static void main(String[] args) {
        System.exit(
                new CommandLine(new BenchmarkRunner())
                        .setOverwrittenOptionsAllowed(true)
                        .execute(args));
    }

    /** The JSON file the last run wrote. */
    public Path resultFile() {
        return resultFile;
    }

    /** What the last run measured. */
    public Results results() {
        return results;
    }

    @Override
    public Integer call() throws Exception {
        Duration interval = parseDuration(checkpointInterval);
        BenchmarkSettings settings =
                quick
                        ? BenchmarkSettings.quick(parallelism, interval)
                        : BenchmarkSettings.full(parallelism, interval);
        if (rates != null && !rates.isEmpty()) {
            settings = settings.withRates(rates);
        }
        int rows = reconcileRows != null ? reconcileRows : quick ? 10_000 : 100_000;
        if (only != null && !ONLY.contains(only)) {
            throw new CommandLine.ParameterException(
                    new CommandLine(this),
                    "--only " + only + " is not a benchmark that runs alone; known: " + ONLY);
        }
        if (only == null) {
            results = run(settings, rows);
        } else if (only.equals(BackfillBenchmark.VARIANT) || only.equals("jdbc")) {
            results = runOnly(settings);
        } else if (only.equals("protect")) {
            results =
                    runDrains(
                            settings,
                            PROTECT_DRAINS,
                            (results, drains, env) -> {
                                results.getSettings()
                                        .put("encryptedFields", JobVariant.ENCRYPTED_FIELDS);
                                reportProtect(results, drains, encryptedTargets(env));
                            });
        } else if (only.equals("eventstore")) {
            results =
                    runDrains(
                            settings,
                            EVENT_STORE_DRAINS,
                            (results, drains, env) -> reportEventStore(results, drains, env));
        } else {
            results = runReconcile(rows);
        }
        String timestamp =
                DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss")
                        .withZone(ZoneOffset.UTC)
                        .format(Instant.parse(results.getStartedAt()));
        resultFile =
                out.resolve(
                        timestamp
                                + (only == null ? "" : "-" + only)
                                + (quick ? "-quick" : "")
                                + ".json");
        results.write(resultFile);
        console.println();
        console.println(results.table());
        if (only == null) {
            console.println(results.cpuTable("full pipeline, latency run"));
        }
        console.println("Results written to " + resultFile);
        return 0;
    }

    /** Only the reconcile measurement, on a PostgreSQL server of its own. */
    private Results runReconcile(int rows) throws Exception {
        Results results = new Results();
        results.startedAt(Instant.now().toString());
        Progress progress = new Progress(console);
        describeMachine(results);
        results.getSettings().putAll(ReconcileBenchmark.settings(rows, reconcileDrift));
        Path workDir = Files.createTempDirectory("syncline-bench-");
        progress.step("starting PostgreSQL");
        try (EmbeddedPostgresServer postgres = EmbeddedPostgresServer.start()) {
            ReconcileBenchmark.report(
                    results,
                    new ReconcileBenchmark(postgres, workDir, rows, reconcileDrift, progress)
                            .run());
        } finally {
            deleteQuietly(workDir);
        }
        results.durationSeconds(Results.round(progress.seconds()));
        return results;
    }

    private Results run(BenchmarkSettings settings, int reconcileRows) throws Exception {
        Results results = new Results();
        Instant started = Instant.now();
        results.startedAt(started.toString());
        Progress progress = new Progress(console);
        describeMachine(results);
        results.getSettings().put("quick", settings.quick());
        results.getSettings().put("parallelism", settings.parallelism());
        results.getSettings().put("checkpointIntervalMs", settings.checkpointInterval().toMillis());
        results.getSettings().put("writers", settings.writers());
        results.getSettings().put("changesPerTransaction", settings.txSize());
        results.getSettings().put("seedRowsPerTable", settings.seedRowsPerTable());
        results.getSettings().put("backlogChanges", settings.backlogChanges());
        results.getSettings().put("rates", settings.rates());
        results.getSettings().put("stepSeconds", settings.stepDuration().toSeconds());
        results.getSettings().put("latencyRunSeconds", settings.latencyDuration().toSeconds());
        results.getSettings().put("latencyBoundMs", settings.latencyBound().toMillis());
        results.getSettings().put("jdbcChanges", settings.jdbcRows());
        results.getSettings().putAll(ReconcileBenchmark.settings(reconcileRows, reconcileDrift));

        Path workDir = Files.createTempDirectory("syncline-bench-");
        progress.step("starting PostgreSQL and Kafka");
        try (BenchEnvironment env = BenchEnvironment.start(settings, workDir);
                Workload workload =
                        new Workload(
                                env.postgres(),
                                BenchEnvironment.SOURCE_DATABASE,
                                settings.writers(),
                                settings.txSize())) {
            progress.step("seeding " + settings.seedRowsPerTable() + " rows per table");
            workload.seed(settings.seedRowsPerTable());

            DrainBenchmark.Outcome drains =
                    new DrainBenchmark(env, workload, progress)
                            .run(
                                    List.of(
                                            JobVariant.WARM_UP,
                                            JobVariant.FULL,
                                            JobVariant.NO_OBSERVABILITY,
                                            JobVariant.NO_VALIDATION,
                                            JobVariant.NO_CONSISTENCY,
                                            JobVariant.FIELD_ENCRYPTION,
                                            JobVariant.SUBJECT_KEYS,
                                            JobVariant.NO_EVENT_STORE,
                                            JobVariant.FULL_AT_LEAST_ONCE,
                                            JobVariant.FULL_HEAP,
                                            JobVariant.PASS_THROUGH,
                                            JobVariant.PASS_THROUGH_KAFKA));

            progress.step("kafka: plain transactional producer writing the same records");
            List<ProducerRecord<byte[], byte[]>> records =
                    KafkaProducerBaseline.readBack(
                            env.kafka().bootstrapServers(),
                            BenchEnvironment.changeTopic(JobVariant.PASS_THROUGH_KAFKA.id()),
                            "bench.producer_baseline",
                            drains.backlog());
            env.kafka().createTopic("bench.producer_baseline", settings.parallelism());
            double producerRate =
                    KafkaProducerBaseline.write(
                            env.kafka().bootstrapServers(), records, settings.checkpointInterval());
            long recordBytes =
                    records.stream().mapToLong(r -> r.value().length + r.key().length).sum();
            records = null;

            progress.step("jdbc: target-table sink against a plain batched upsert");
            JdbcSinkBenchmark.Outcome jdbc = new JdbcSinkBenchmark(env).run();

            ReconcileBenchmark.Outcome reconcile =
                    new ReconcileBenchmark(
                                    env.postgres(),
                                    workDir,
                                    reconcileRows,
                                    reconcileDrift,
                                    progress)
                            .run();

            BackfillBenchmark.Outcome backfill = new BackfillBenchmark(env, progress).run();

            SustainedBenchmark.Outcome sustained =
                    new SustainedBenchmark(env, workload, progress).run();

            report(results, settings, drains, producerRate, recordBytes, jdbc, sustained);
            reportProtect(results, drains, encryptedTargets(env));
            reportEventStore(results, drains, env);
            ReconcileBenchmark.report(results, reconcile);
            reportBackfill(results, backfill);
        } finally {
            deleteQuietly(workDir);
        }
        results.durationSeconds(Results.round(progress.seconds()));
        return results;
    }

    /** {@code --only backfill} or {@code --only jdbc}: that benchmark and its baseline alone. */
    private Results runOnly(BenchmarkSettings settings) throws Exception {
        Results results = new Results();
        results.startedAt(Instant.now().toString());
        Progress progress = new Progress(console);
        describeMachine(results);
        results.getSettings().put("quick", settings.quick());
        results.getSettings().put("only", only);
        results.getSettings().put("parallelism", settings.parallelism());
        results.getSettings().put("checkpointIntervalMs", settings.checkpointInterval().toMillis());
        Path workDir = Files.createTempDirectory("syncline-bench-");
        progress.step("starting PostgreSQL and Kafka");
        try (BenchEnvironment env = BenchEnvironment.start(settings, workDir)) {
            if (only.equals("jdbc")) {
                progress.step("jdbc: target-table sink against a plain batched upsert");
                reportJdbc(results, new JdbcSinkBenchmark(env).run());
            } else {
                reportBackfill(results, new BackfillBenchmark(env, progress).run());
            }
        } finally {
            deleteQuietly(workDir);
        }
        results.durationSeconds(Results.round(progress.seconds()));
        return results;
    }

    /**
     * {@code --only protect} or {@code --only eventstore}: the backlog drained by {@code variants}
     * alone, in that order, then {@code report} of them.
     */
    private Results runDrains(
            BenchmarkSettings settings, List<JobVariant> variants, DrainReport report)
            throws Exception {
        Results results = new Results();
        results.startedAt(Instant.now().toString());
        Progress progress = new Progress(console);
        describeMachine(results);
        results.getSettings().put("quick", settings.quick());
        results.getSettings().put("only", only);
        results.getSettings().put("parallelism", settings.parallelism());
        results.getSettings().put("checkpointIntervalMs", settings.checkpointInterval().toMillis());
        results.getSettings().put("writers", settings.writers());
        results.getSettings().put("changesPerTransaction", settings.txSize());
        results.getSettings().put("seedRowsPerTable", settings.seedRowsPerTable());
        results.getSettings().put("backlogChanges", settings.backlogChanges());
        Path workDir = Files.createTempDirectory("syncline-bench-");
        progress.step("starting PostgreSQL and Kafka");
        try (BenchEnvironment env = BenchEnvironment.start(settings, workDir);
                Workload workload =
                        new Workload(
                                env.postgres(),
                                BenchEnvironment.SOURCE_DATABASE,
                                settings.writers(),
                                settings.txSize())) {
            progress.step("seeding " + settings.seedRowsPerTable() + " rows per table");
            workload.seed(settings.seedRowsPerTable());
            DrainBenchmark.Outcome drains =
                    new DrainBenchmark(env, workload, progress).run(variants);
            report.report(results, drains, env);
            console.println();
            console.println(drainTable(drains.drains()));
            results.measurement("backlogChanges", drains.backlog());
            results.measurement("backlogWriteRate", Results.round(drains.fillRate()));
            results.measurement("drains", drains.drains());
        } finally {
            deleteQuietly(workDir);
        }
        results.durationSeconds(Results.round(progress.seconds()));
        return results;
    }

    /** The drains run alone: rate and CPU per change of each. */
    private static String drainTable(Map<JobVariant, Drain> drains) {
        StringBuilder table =
                new StringBuilder(
                        "| drain | changes/s (10–90 %) | CPU µs per change (JVM + PostgreSQL) |\n"
                                + "|---|---|---|\n");
        drains.forEach(
                (variant, drain) ->
                        table.append(
                                String.format(
                                        Locale.ROOT,
                                        "| %s | %,.0f | %s |%n",
                                        variant.id(),
                                        drain.rate(),
                                        drain.cpuMicrosPerChange() == null
                                                ? "–"
                                                : String.format(
                                                        Locale.ROOT,
                                                        "%,.0f",
                                                        drain.cpuMicrosPerChange()))));
        return table.toString();
    }

    /**
     * What each encrypting variant left in its target database: the data keys it made, and how many
     * of its rows hold ciphertext (all of them, or it did not encrypt what it was timed on).
     */
    private static Map<String, BenchEnvironment.EncryptedTargets> encryptedTargets(
            BenchEnvironment env) throws SQLException {
        Map<String, BenchEnvironment.EncryptedTargets> targets = new LinkedHashMap<>();
        for (JobVariant variant : List.of(JobVariant.FIELD_ENCRYPTION, JobVariant.SUBJECT_KEYS)) {
            targets.put(variant.id(), env.encryptedTargets(variant));
        }
        return targets;
    }

    private static void reportProtect(
            Results results,
            DrainBenchmark.Outcome drains,
            Map<String, BenchEnvironment.EncryptedTargets> targets) {
        Map<JobVariant, Drain> drain = drains.drains();
        double withoutObservability = drain.get(JobVariant.NO_OBSERVABILITY).rate();
        String perSecond = "changes/s";
        Figure baseline =
                new Figure("same job without encryption", withoutObservability, perSecond);
        results.ratio(
                "R17",
                "with field encryption (2 fields, tenant keys) ÷ without, both without"
                        + " observability, backlog drain",
                new Figure(
                        "sync job without observability, encrypting email and notes",
                        drain.get(JobVariant.FIELD_ENCRYPTION).rate(),
                        perSecond),
                baseline,
                null);
        results.ratio(
                "R18",
                "with field encryption under per-subject keys ÷ without, both without"
                        + " observability, backlog drain",
                new Figure(
                        "the same, a key per subject (subject: id)",
                        drain.get(JobVariant.SUBJECT_KEYS).rate(),
                        perSecond),
                baseline,
                null);
        results.measurement("encryptedTargets", targets);
        Map<String, Double> cpuPerChange = new LinkedHashMap<>();
        for (JobVariant variant :
                List.of(
                        JobVariant.NO_OBSERVABILITY,
                        JobVariant.FIELD_ENCRYPTION,
                        JobVariant.SUBJECT_KEYS)) {
            cpuPerChange.put(variant.id(), drain.get(variant).cpuMicrosPerChange());
            results.cpu(variant.id() + ", backlog drain", drains.cpu().get(variant));
        }
        results.measurement("drainCpuMicrosPerChange", cpuPerChange);
    }

    /**
     * R19, the CPU per change of both drains, and the records on each one's event topic (the
     * backlog, or none), which show that the two differ in the event store.
     */
    private static void reportEventStore(
            Results results, DrainBenchmark.Outcome drains, BenchEnvironment env) throws Exception {
        Map<JobVariant, Drain> drain = drains.drains();
        String perSecond = "changes/s";
        results.ratio(
                "R19",
                "with the event store ÷ without it, both without observability, backlog drain",
                new Figure(
                        "sync job without observability, appending to the event topic",
                        drain.get(JobVariant.NO_OBSERVABILITY).rate(),
                        perSecond),
                new Figure(
                        "same job, eventStore.enabled: false",
                        drain.get(JobVariant.NO_EVENT_STORE).rate(),
                        perSecond),
                null);
        Map<String, Double> cpuPerChange = new LinkedHashMap<>();
        for (JobVariant variant : List.of(JobVariant.NO_OBSERVABILITY, JobVariant.NO_EVENT_STORE)) {
            cpuPerChange.put(variant.id(), drain.get(variant).cpuMicrosPerChange());
            results.cpu(variant.id() + ", backlog drain", drains.cpu().get(variant));
        }
        results.measurement("eventStoreDrainCpuMicrosPerChange", cpuPerChange);
        Map<String, BenchEnvironment.EventTopic> eventTopics = new LinkedHashMap<>();
        for (JobVariant variant : List.of(JobVariant.NO_OBSERVABILITY, JobVariant.NO_EVENT_STORE)) {
            eventTopics.put(variant.id(), env.eventTopic(variant));
        }
        results.measurement("eventTopics", eventTopics);
    }

    private static void reportJdbc(Results results, JdbcSinkBenchmark.Outcome jdbc) {
        results.ratio(
                "R8",
                "JDBC target-table sink ÷ plain batched upsert, same rows",
                new Figure("JDBC target-table sink", jdbc.sinkRate(), "rows/s"),
                new Figure("plain batched upsert", jdbc.plainRate(), "rows/s"),
                null);
        results.measurement("jdbc", jdbc);
    }

    private static void reportBackfill(Results results, BackfillBenchmark.Outcome backfill) {
        results.getSettings().put("backfillRows", backfill.rows());
        results.ratio(
                "R16",
                "syncline backfill ÷ plain keyset JDBC copy, same rows into an empty table",
                new Figure("syncline backfill (BATCH job)", backfill.backfillRate(), "rows/s"),
                new Figure("plain keyset copy + batched upsert", backfill.plainRate(), "rows/s"),
                null);
        results.measurement("backfill", backfill);
    }

    private static void report(
            Results results,
            BenchmarkSettings settings,
            DrainBenchmark.Outcome drains,
            double producerRate,
            long recordBytes,
            JdbcSinkBenchmark.Outcome jdbc,
            SustainedBenchmark.Outcome sustained) {
        Map<JobVariant, Drain> drain = drains.drains();
        double full = drain.get(JobVariant.FULL).rate();
        double passThrough = drain.get(JobVariant.PASS_THROUGH).rate();
        double passThroughKafka = drain.get(JobVariant.PASS_THROUGH_KAFKA).rate();
        String perSecond = "changes/s";
        results.ratio(
                "R1",
                "full pipeline ÷ pass-through job, backlog drain",
                new Figure("sync job", full, perSecond),
                new Figure("pass-through, same source and sinks", passThrough, perSecond),
                0.5);
        results.ratio(
                "R2",
                "CDC drain ÷ raw logical decoding read of the same WAL",
                new Figure("sync job", full, perSecond),
                new Figure("pgjdbc replication stream", drains.rawRate(), perSecond),
                null);
        results.ratio(
                "R3",
                "pass-through job into Kafka ÷ plain transactional producer, same records",
                new Figure("pass-through job into Kafka", passThroughKafka, perSecond),
                new Figure("KafkaProducer, txn per interval", producerRate, "records/s"),
                null);
        results.ratio(
                "R4",
                "exactly-once ÷ at-least-once, backlog drain",
                new Figure("exactly-once", full, perSecond),
                new Figure(
                        "at-least-once",
                        drain.get(JobVariant.FULL_AT_LEAST_ONCE).rate(),
                        perSecond),
                0.9);
        SustainedBenchmark.Step latency = sustained.latencyRun();
        double intervalMs = settings.checkpointInterval().toMillis();
        results.ratioAtMost(
                "R5",
                String.format(
                        "p99 latency commit → visible (read_committed) ÷ checkpoint interval, at"
                                + " %,d/s",
                        latency.offeredRate()),
                new Figure("p99", latency.sinceCommit().p99(), "ms"),
                new Figure("checkpoint interval", intervalMs, "ms"),
                1.5);
        results.ratio(
                "R7",
                "RocksDB ÷ heap state backend, backlog drain",
                new Figure("RocksDB", full, perSecond),
                new Figure("heap", drain.get(JobVariant.FULL_HEAP).rate(), perSecond),
                null);
        reportJdbc(results, jdbc);
        results.ratio(
                "R9",
                "highest sustained change rate ÷ 10,000/s",
                new Figure("sustained", sustained.highestSustained(), perSecond),
                new Figure("requirement", BenchmarkSettings.TARGET_RATE, perSecond),
                1.0);
        results.ratio(
                "R10",
                "backlog drain rate ÷ highest sustained rate",
                new Figure("drain", full, perSecond),
                new Figure("sustained", sustained.highestSustained(), perSecond),
                null);

        // Each stage's cost against the job without observability, so that R11 and R12 isolate
        // their stage and R13 isolates observability.
        double withoutObservability = drain.get(JobVariant.NO_OBSERVABILITY).rate();
        results.ratio(
                "R11",
                "with validation ÷ without the validation stage, both without observability,"
                        + " backlog drain",
                new Figure(
                        "sync job without observability, validating",
                        withoutObservability,
                        perSecond),
                new Figure(
                        "same job without validate",
                        drain.get(JobVariant.NO_VALIDATION).rate(),
                        perSecond),
                0.8);
        results.ratio(
                "R12",
                "with resolve (and dedup) ÷ without it, both without observability, backlog drain",
                new Figure(
                        "sync job without observability, resolving",
                        withoutObservability,
                        perSecond),
                new Figure(
                        "same job without resolve",
                        drain.get(JobVariant.NO_CONSISTENCY).rate(),
                        perSecond),
                0.8);
        results.ratio(
                "R13",
                "with observability ÷ without it, backlog drain",
                new Figure("sync job, observing", full, perSecond),
                new Figure("same job without observability", withoutObservability, perSecond),
                0.8);

        results.measurement("backlogChanges", drains.backlog());
        results.measurement("backlogWriteRate", Results.round(drains.fillRate()));
        results.measurement("drains", drain);
        results.measurement("rawLogicalDecodingRate", Results.round(drains.rawRate()));
        results.measurement("producerBaselineRate", Results.round(producerRate));
        results.measurement(
                "averageRecordBytes",
                drains.backlog() == 0 ? 0 : recordBytes / Math.max(1, drains.backlog()));
        results.measurement("sustainedSteps", sustained.steps());
        results.measurement("latencyRun", latency);
        results.cpu("full pipeline, backlog drain", drains.fullPipelineCpu());
        results.cpu("full pipeline, latency run", sustained.cpu());
        Map<String, Double> micros = new LinkedHashMap<>();
        double rate = latency.deliveredRate();
        sustained
                .cpu()
                .forEach(
                        (component, cores) ->
                                micros.put(component, Results.round(cores / rate * 1e6)));
        results.measurement("latencyRunCpuMicrosPerChange", micros);
    }

    private static void describeMachine(Results results) {
        Map<String, Object> machine = results.getMachine();
        machine.put("cores", Runtime.getRuntime().availableProcessors());
        machine.put("cpu", firstLine("/proc/cpuinfo", "model name"));
        machine.put("memory", firstLine("/proc/meminfo", "MemTotal"));
        machine.put(
                "java",
                System.getProperty("java.vm.name") + " " + System.getProperty("java.version"));
        machine.put("os", System.getProperty("os.name") + " " + System.getProperty("os.version"));
        machine.put("maxHeap", Runtime.getRuntime().maxMemory() / (1024 * 1024) + " MiB");
    }

    private static String firstLine(String file, String key) {
        try (Stream<String> lines = Files.lines(Path.of(file))) {
            return lines.filter(l -> l.startsWith(key))
                    .map(l -> l.substring(l.indexOf(':') + 1).trim())
                    .findFirst()
                    .orElse("unknown");
        } catch (IOException e) {
            return "unknown";
        }
    }

    private static Duration parseDuration(String text) {
        String value = text.trim().toLowerCase();
        if (value.endsWith("ms")) {
            return Duration.ofMillis(Long.parseLong(value.substring(0, value.length() - 2)));
        }
        if (value.endsWith("s")) {
            return Duration.ofMillis(
                    Math.round(Double.parseDouble(value.substring(0, value.length() - 1)) * 1000));
        }
        return Duration.parse(text);
    }

    private static void deleteQuietly(Path dir) {
        try (Stream<Path> files = Files.walk(dir)) {
            files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            // Only temporary files.
        }
    }
}
