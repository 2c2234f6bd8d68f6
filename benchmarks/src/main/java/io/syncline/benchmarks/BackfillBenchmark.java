package io.syncline.benchmarks;

import io.syncline.jobs.config.BackfillSettings;
import io.syncline.jobs.config.SynclineConfig;
import io.syncline.jobs.wiring.BackfillJobs;
import io.syncline.jobs.wiring.DiscoveredTable;
import io.syncline.jobs.wiring.SyncJobFactory;
import io.syncline.jobs.wiring.TableDiscovery;
import io.syncline.operators.sink.TargetColumn;
import io.syncline.operators.sink.TargetTable;
import java.io.StringReader;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Collectors;
import org.apache.flink.api.common.JobExecutionResult;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.PipelineOptions;
import org.apache.flink.configuration.RestOptions;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.postgresql.PGConnection;

/**
 * {@code syncline backfill} of one source table into an empty target table, against a plain JDBC
 * copy of the same rows, both timed the same way: from the start (the job's submission; the copy's
 * first query) until the last row is written (the job has finished; every copy thread is done),
 * each verified by counting the target rows.
 *
 * <p>The backfill is the job the command runs ({@link BackfillJobs}: plan, BATCH configuration, the
 * sync job's stages and sinks over the bounded key-range reads) on a local cluster, with the
 * configuration's backfill settings (chunk size, rows per split, parallelism = the job's). The copy
 * reads with keyset pagination, one key range per connection, as many connections as the backfill's
 * parallelism, pages of the backfill's chunk size, and writes each page as one batched {@code
 * INSERT … ON CONFLICT DO UPDATE} into an empty table like the target.
 */
final class BackfillBenchmark {

    /** The variant name: its configuration, target database and topics. */
    static final String VARIANT = "backfill";

    /** The source database of the backfilled rows, apart from the workload's. */
    static final String SOURCE_DATABASE = "bench_bf_src";

    private static final String TABLE = "customers";

    private static final String ENTITY_TYPE = "customer";

    private static final int COPY_ROWS_PER_LOAD = 10_000;

    private final BenchEnvironment env;
    private final Progress progress;

    /**
     * What was measured.
     *
     * @param rows rows in the source table, all of them in each target table afterwards
     * @param backfillRate rows per second of the backfill, submission to finished job
     * @param plainRate rows per second of the plain copy
     * @param backfillSeconds the backfill's time, submission to finished job
     * @param backfillNetRuntimeMs the job's own runtime as Flink reports it (no cluster start-up,
     *     no submission)
     * @param plainSeconds the plain copy's time
     */
    record Outcome(
            long rows,
            int parallelism,
            int chunkSize,
            int rowsPerSplit,
            double backfillRate,
            double plainRate,
            double backfillSeconds,
            long backfillNetRuntimeMs,
            double plainSeconds) {}

    BackfillBenchmark(BenchEnvironment env, Progress progress) {
        this.env = env;
        this.progress = progress;
    }

    /** Source rows: 100,000, or 2,000 in the quick run. */
    static int rows(BenchmarkSettings settings) {
        return settings.quick() ? 2_000 : 100_000;
    }

    Outcome run() throws Exception {
        int rows = rows(env.settings());
        progress.step("backfill: loading " + rows + " " + TABLE + " rows");
        env.postgres().createDatabase(SOURCE_DATABASE);
        Workload.createTables(env.postgres(), SOURCE_DATABASE);
        load(rows);

        SynclineConfig config = env.config(VARIANT, SOURCE_DATABASE);
        BackfillSettings settings = config.backfill();
        Clock clock = Clock.systemUTC();
        BackfillJobs.Plan plan =
                BackfillJobs.plan(
                        config,
                        settings,
                        new BackfillJobs.Request(null, List.of(ENTITY_TYPE), null),
                        clock);
        if (plan.rows() != rows) {
            throw new IllegalStateException(
                    "the backfill counted " + plan.rows() + " rows, " + rows + " were loaded");
        }
        DiscoveredTable customers =
                TableDiscovery.discover(config.sources().get(0)).stream()
                        .filter(t -> t.mapping().entityType().equals(ENTITY_TYPE))
                        .findFirst()
                        .orElseThrow();
        TargetTable target = SyncJobFactory.targetTableOf(config.sinks().target(), customers);

        progress.step(
                String.format(
                        "backfill: syncline backfill of %,d rows (parallelism %d)",
                        rows, settings.parallelism()));
        Configuration flink = BackfillJobs.configuration(plan);
        flink.set(RestOptions.BIND_PORT, "0");
        StreamExecutionEnvironment job =
                StreamExecutionEnvironment.createLocalEnvironment(settings.parallelism(), flink);
        job.configure(flink);
        BackfillJobs.create(plan, clock).build(job);
        long started = System.nanoTime();
        JobClient client = job.executeAsync(flink.get(PipelineOptions.NAME));
        JobExecutionResult result = client.getJobExecutionResult().get(30, TimeUnit.MINUTES);
        double backfillSeconds = (System.nanoTime() - started) / 1e9;
        requireRows(target, rows);

        TargetTable plain =
                new TargetTable(
                        target.schema(),
                        target.table() + "_plain",
                        target.columns(),
                        target.primaryKey());
        execute(plain.createSql());
        progress.step(
                String.format(
                        "backfill: plain keyset copy of %,d rows over %d connections",
                        rows, settings.parallelism()));
        started = System.nanoTime();
        plainCopy(plain, settings.parallelism(), settings.chunkSize());
        double plainSeconds = (System.nanoTime() - started) / 1e9;
        requireRows(plain, rows);

        return new Outcome(
                rows,
                settings.parallelism(),
                settings.chunkSize(),
                settings.rowsPerSplit(),
                Results.round(rows / backfillSeconds),
                Results.round(rows / plainSeconds),
                Results.round(backfillSeconds),
                result.getNetRuntime(),
                Results.round(plainSeconds));
    }

    /** Loads ids 1 … {@code rows} into the source table with COPY, as the workload seeds. */
    private void load(int rows) throws Exception {
        RowFactory factory = new RowFactory(4242L);
        LocalDateTime now = LocalDateTime.now(ZoneOffset.UTC);
        try (Connection connection = env.postgres().connect(SOURCE_DATABASE)) {
            for (int from = 1; from <= rows; from += COPY_ROWS_PER_LOAD) {
                int to = Math.min(rows, from + COPY_ROWS_PER_LOAD - 1);
                StringBuilder copy = new StringBuilder((to - from + 1) * 520);
                for (long id = from; id <= to; id++) {
                    factory.appendCopyLine(copy, id, now);
                }
                connection
                        .unwrap(PGConnection.class)
                        .getCopyAPI()
                        .copyIn(
                                "COPY "
                                        + TABLE
                                        + " ("
                                        + String.join(", ", WorkloadSchema.COLUMNS)
                                        + ") FROM STDIN",
                                new StringReader(copy.toString()));
            }
            try (Statement statement = connection.createStatement()) {
                // Both readers then meet the same table: hint bits set, statistics current.
                statement.execute("VACUUM ANALYZE " + TABLE);
            }
        }
    }

    /**
     * The baseline: one key range of the source per connection, read page by page ({@code WHERE id
     * > last AND id <= end ORDER BY id LIMIT chunk}), each page written as one batch of plain
     * upserts and committed.
     */
    private void plainCopy(TargetTable table, int connections, int chunk) throws Exception {
        List<TargetColumn> columns = table.columns();
        String names = columns.stream().map(TargetColumn::name).collect(Collectors.joining(", "));
        String upsert =
                "INSERT INTO "
                        + table.qualifiedName()
                        + " ("
                        + names
                        + ", "
                        + TargetTable.VERSION_COLUMN
                        + ", "
                        + TargetTable.DELETED_COLUMN
                        + ") VALUES ("
                        + columns.stream().map(c -> "?").collect(Collectors.joining(", "))
                        + ", ?, false) ON CONFLICT (id) DO UPDATE SET "
                        + columns.stream()
                                .filter(c -> !c.name().equals("id"))
                                .map(c -> c.name() + " = EXCLUDED." + c.name())
                                .collect(Collectors.joining(", "))
                        + ", "
                        + TargetTable.VERSION_COLUMN
                        + " = EXCLUDED."
                        + TargetTable.VERSION_COLUMN;
        String page =
                "SELECT "
                        + names
                        + " FROM "
                        + TABLE
                        + " WHERE id > ? AND id <= ? ORDER BY id LIMIT "
                        + chunk;
        long min;
        long max;
        try (Connection connection = env.postgres().connect(SOURCE_DATABASE);
                Statement statement = connection.createStatement();
                ResultSet range = statement.executeQuery("SELECT min(id), max(id) FROM " + TABLE)) {
            range.next();
            min = range.getLong(1);
            max = range.getLong(2);
        }
        long span = (max - min + connections) / connections;
        AtomicReference<Exception> failure = new AtomicReference<>();
        List<Thread> threads = new ArrayList<>();
        for (int c = 0; c < connections; c++) {
            long after = min - 1 + c * span;
            long end = c == connections - 1 ? max : after + span;
            Thread thread =
                    new Thread(
                            () -> {
                                try {
                                    copyRange(page, upsert, columns.size(), after, end);
                                } catch (Exception e) {
                                    failure.compareAndSet(null, e);
                                }
                            },
                            "bench-plain-copy-" + c);
            threads.add(thread);
            thread.start();
        }
        for (Thread thread : threads) {
            thread.join();
        }
        if (failure.get() != null) {
            throw failure.get();
        }
    }

    private void copyRange(String page, String upsert, int columns, long after, long end)
            throws SQLException {
        try (Connection source = env.postgres().connect(SOURCE_DATABASE);
                Connection target =
                        env.postgres().connect(BenchEnvironment.targetDatabase(VARIANT));
                PreparedStatement read = source.prepareStatement(page);
                PreparedStatement write = target.prepareStatement(upsert)) {
            source.setReadOnly(true);
            target.setAutoCommit(false);
            long last = after;
            while (true) {
                read.setLong(1, last);
                read.setLong(2, end);
                int count = 0;
                try (ResultSet rows = read.executeQuery()) {
                    while (rows.next()) {
                        for (int i = 1; i <= columns; i++) {
                            write.setObject(i, rows.getObject(i));
                        }
                        write.setLong(columns + 1, 1L);
                        write.addBatch();
                        last = rows.getLong("id");
                        count++;
                    }
                }
                if (count == 0) {
                    return;
                }
                write.executeBatch();
                target.commit();
            }
        }
    }

    private void requireRows(TargetTable table, long rows) throws SQLException {
        try (Connection connection =
                        env.postgres().connect(BenchEnvironment.targetDatabase(VARIANT));
                Statement statement = connection.createStatement();
                ResultSet count =
                        statement.executeQuery("SELECT count(*) FROM " + table.qualifiedName())) {
            count.next();
            if (count.getLong(1) != rows) {
                throw new IllegalStateException(
                        table.qualifiedName()
                                + " holds "
                                + count.getLong(1)
                                + " rows after the copy, not the "
                                + rows
                                + " of the source");
            }
        }
    }

    private void execute(String sql) {
        env.postgres().execute(BenchEnvironment.targetDatabase(VARIANT), sql);
    }
}
