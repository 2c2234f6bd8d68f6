package io.syncline.benchmarks;

import io.syncline.benchmarks.Results.Figure;
import io.syncline.embedded.EmbeddedPostgresServer;
import io.syncline.jobs.config.ConfigLoader;
import io.syncline.jobs.config.SynclineConfig;
import io.syncline.jobs.reconcile.ReconcileRun;
import io.syncline.jobs.reconcile.ReconcileSettings;
import io.syncline.jobs.reconcile.Reconciliation;
import io.syncline.operators.retry.Sleeper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;

/**
 * {@code syncline reconcile} over a source table and its target copy, identical and then drifted,
 * against the naive comparison's floor: a plain full read of both tables over JDBC. Rates are the
 * table's rows over the time taken, the median of a few repetitions with warm caches.
 */
final class ReconcileBenchmark {

    static final String SOURCE_DATABASE = "bench_rc_src";
    static final String TARGET_DATABASE = "bench_rc_tgt";
    static final String TABLE = "rc_customers";
    static final List<String> TENANTS = List.of("acme", "globex", "initech", "umbrella");

    private static final int REPETITIONS = 3;

    private final EmbeddedPostgresServer postgres;
    private final Path workDir;
    private final int rows;
    private final double drift;
    private final Progress progress;

    /**
     * @param rows rows in the source table, spread over {@link #TENANTS}
     * @param drift share of rows drifted in the target: a third deleted, a third changed, a third
     *     extra
     */
    record Outcome(
            long rows,
            long driftedRows,
            long differencesFound,
            int parallelism,
            double plainReadRate,
            double identicalRate,
            double driftedRate,
            long driftedRehashedRows) {}

    ReconcileBenchmark(
            EmbeddedPostgresServer postgres,
            Path workDir,
            int rows,
            double drift,
            Progress progress) {
        this.postgres = postgres;
        this.workDir = workDir;
        this.rows = rows;
        this.drift = drift;
        this.progress = progress;
    }

    Outcome run() throws Exception {
        progress.step("reconcile: filling " + rows + " rows in the source and the target");
        postgres.createDatabase(SOURCE_DATABASE);
        postgres.createDatabase(TARGET_DATABASE);
        String columns =
                "tenant_id text NOT NULL, id bigint NOT NULL, name text, email text,"
                        + " balance numeric(12,2), updated_at timestamptz";
        int perTenant = rows / TENANTS.size();
        String fill =
                "SELECT t, i, 'name ' || i, i || '@' || t || '.example', (i * 1.25)::numeric(12,2),"
                        + " timestamptz '2024-05-01 00:00:00+00' + i * interval '1 second' FROM"
                        + " unnest(ARRAY['"
                        + String.join("','", TENANTS)
                        + "']) t, generate_series(1, "
                        + perTenant
                        + ") i";
        postgres.execute(
                SOURCE_DATABASE,
                "DROP TABLE IF EXISTS " + TABLE,
                "CREATE TABLE " + TABLE + " (" + columns + ", PRIMARY KEY (tenant_id, id))",
                "INSERT INTO " + TABLE + " " + fill,
                "VACUUM ANALYZE " + TABLE);
        postgres.execute(
                TARGET_DATABASE,
                "DROP TABLE IF EXISTS " + TABLE,
                "CREATE TABLE "
                        + TABLE
                        + " ("
                        + columns
                        + ", _syncline_version bigint NOT NULL, _syncline_deleted boolean NOT"
                        + " NULL DEFAULT false, PRIMARY KEY (tenant_id, id))",
                "INSERT INTO " + TABLE + " SELECT s.*, 1, false FROM (" + fill + ") s",
                "VACUUM ANALYZE " + TABLE);
        long tableRows = (long) perTenant * TENANTS.size();
        SynclineConfig config = config();
        ReconcileSettings settings = ReconcileSettings.DEFAULTS.withSettle(Duration.ZERO);

        progress.step("reconcile: plain full read of both tables (baseline), identical tables");
        plainRead();
        double plainRate = median(() -> tableRows / seconds(this::plainRead));
        reconcile(config, settings);
        List<Double> identical = new ArrayList<>();
        for (int i = 0; i < REPETITIONS; i++) {
            long start = System.nanoTime();
            ReconcileRun run = reconcile(config, settings);
            identical.add(tableRows / ((System.nanoTime() - start) / 1e9));
            check(run.differences() == 0, "identical tables reported " + run.differences());
        }

        long drifted = injectDrift(perTenant);
        progress.step("reconcile: " + drifted + " drifted rows (" + drift * 100 + "%)");
        List<Double> driftedRates = new ArrayList<>();
        ReconcileRun last = null;
        for (int i = 0; i < REPETITIONS; i++) {
            long start = System.nanoTime();
            last = reconcile(config, settings);
            driftedRates.add(tableRows / ((System.nanoTime() - start) / 1e9));
            check(
                    last.differences() == drifted,
                    "found " + last.differences() + " of " + drifted + " drifted rows");
        }
        return new Outcome(
                tableRows,
                drifted,
                last.differences(),
                settings.parallelism(),
                Results.round(plainRate),
                Results.round(median(identical)),
                Results.round(median(driftedRates)),
                last.rehashedRows());
    }

    /** Adds R14 and R15 and the raw figures to {@code results}. */
    static void report(Results results, Outcome outcome) {
        String unit = "rows/s";
        Figure plain =
                new Figure(
                        "plain full read of source and target over JDBC",
                        outcome.plainReadRate(),
                        unit);
        results.ratio(
                "R14",
                String.format(
                        "reconcile of identical tables (%,d rows) ÷ plain full read of both",
                        outcome.rows()),
                new Figure("syncline reconcile, identical", outcome.identicalRate(), unit),
                plain,
                null);
        results.ratio(
                "R15",
                String.format(
                        "reconcile of drifted tables (%,d of %,d rows) ÷ plain full read of both",
                        outcome.driftedRows(), outcome.rows()),
                new Figure("syncline reconcile, drifted", outcome.driftedRate(), unit),
                plain,
                null);
        results.measurement("reconcile", outcome);
    }

    private ReconcileRun reconcile(SynclineConfig config, ReconcileSettings settings)
            throws InterruptedException {
        return new Reconciliation(
                        config,
                        Reconciliation.Scope.ALL,
                        settings,
                        Sleeper.SYSTEM,
                        Clock.systemUTC(),
                        line -> {},
                        Duration.ofMinutes(1))
                .run();
    }

    /** Deletes, changes and adds rows spread evenly over the tenants; returns how many. */
    private long injectDrift(int perTenant) {
        int perKind = (int) Math.max(1, Math.round(rows * drift / 3 / TENANTS.size()));
        int stride = Math.max(1, perTenant / perKind);
        List<String> statements = new ArrayList<>();
        for (String tenant : TENANTS) {
            String where =
                    " WHERE tenant_id = '"
                            + tenant
                            + "' AND id IN (SELECT i * "
                            + stride
                            + " + %d FROM generate_series(0, "
                            + (perKind - 1)
                            + ") i)";
            statements.add("DELETE FROM " + TABLE + where.formatted(1));
            statements.add("UPDATE " + TABLE + " SET name = 'drifted'" + where.formatted(2));
            statements.add(
                    "INSERT INTO "
                            + TABLE
                            + " SELECT '"
                            + tenant
                            + "', -i, 'extra', NULL, 0, NULL, 1, false FROM generate_series(1, "
                            + perKind
                            + ") i");
        }
        postgres.execute(TARGET_DATABASE, statements.toArray(String[]::new));
        postgres.execute(TARGET_DATABASE, "VACUUM ANALYZE " + TABLE);
        return 3L * perKind * TENANTS.size();
    }

    /** Reads every row of both tables, every column as text, as a naive comparison would. */
    private void plainRead() {
        for (String database : List.of(SOURCE_DATABASE, TARGET_DATABASE)) {
            try (Connection connection = postgres.connect(database)) {
                connection.setAutoCommit(false);
                try (Statement statement = connection.createStatement()) {
                    statement.setFetchSize(10_000);
                    long read = 0;
                    try (ResultSet result =
                            statement.executeQuery(
                                    "SELECT * FROM " + TABLE + " ORDER BY tenant_id, id")) {
                        int columns = result.getMetaData().getColumnCount();
                        while (result.next()) {
                            for (int c = 1; c <= columns; c++) {
                                result.getString(c);
                            }
                            read++;
                        }
                    }
                    check(read > 0, "read nothing from " + database);
                }
                connection.commit();
            } catch (SQLException e) {
                throw new IllegalStateException("plain read of " + database + " failed", e);
            }
        }
    }

    private SynclineConfig config() throws IOException {
        Path file = workDir.resolve("reconcile.yaml");
        Files.createDirectories(workDir);
        Files.writeString(
                file,
                """
                sources:
                  - id: bench
                    hostname: %s
                    port: %d
                    database: %s
                    username: %s
                    password: %s
                    tables:
                      - table: public.%s
                        entityType: customer
                        tenantColumn: tenant_id
                sinks:
                  kafka:
                    bootstrapServers: localhost:9
                  target:
                    url: %s
                    username: %s
                    password: %s
                """
                        .formatted(
                                postgres.host(),
                                postgres.port(),
                                SOURCE_DATABASE,
                                postgres.username(),
                                postgres.password(),
                                TABLE,
                                postgres.jdbcUrl(TARGET_DATABASE),
                                postgres.username(),
                                postgres.password()));
        return ConfigLoader.load(file);
    }

    private static double seconds(Runnable work) {
        long start = System.nanoTime();
        work.run();
        return (System.nanoTime() - start) / 1e9;
    }

    private static double median(java.util.function.DoubleSupplier measurement) {
        List<Double> values = new ArrayList<>();
        for (int i = 0; i < REPETITIONS; i++) {
            values.add(measurement.getAsDouble());
        }
        return median(values);
    }

    private static double median(List<Double> values) {
        List<Double> sorted = new ArrayList<>(values);
        Collections.sort(sorted);
        return sorted.get(sorted.size() / 2);
    }

    private static void check(boolean condition, String problem) {
        if (!condition) {
            throw new IllegalStateException("reconcile benchmark: " + problem);
        }
    }

    /** The settings of the {@code reconcile} measurement, for the results file. */
    static Map<String, Object> settings(int rows, double drift) {
        return Map.of("reconcileRows", rows, "reconcileDrift", drift);
    }
}
