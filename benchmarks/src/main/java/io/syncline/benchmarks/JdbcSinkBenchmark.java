package io.syncline.benchmarks;

import io.syncline.jobs.config.SynclineConfig;
import io.syncline.jobs.config.TargetSettings;
import io.syncline.jobs.wiring.DiscoveredTable;
import io.syncline.jobs.wiring.JobEnvironments;
import io.syncline.jobs.wiring.Sinks;
import io.syncline.jobs.wiring.SyncJobFactory;
import io.syncline.jobs.wiring.TableDiscovery;
import io.syncline.operators.sink.TargetTable;
import io.syncline.schema.ChangeEvent;
import io.syncline.schema.FieldValue;
import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Collectors;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.RestOptions;
import org.apache.flink.connector.datagen.source.DataGeneratorSource;
import org.apache.flink.formats.avro.typeutils.AvroTypeInfo;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

/**
 * Syncline's target-table sink (its JDBC sink with the version-guarded upsert) against a plain
 * batched upsert of the same rows over as many connections, both timed the same way: from the first
 * row visible in the target table until every row shows its last version.
 */
final class JdbcSinkBenchmark {

    private static final int PLAIN_BATCH = 500;

    private final BenchEnvironment env;

    /** Rows per second of the sink and of the plain upsert. */
    record Outcome(double sinkRate, double plainRate, long rows) {}

    JdbcSinkBenchmark(BenchEnvironment env) {
        this.env = env;
    }

    Outcome run() throws Exception {
        SynclineConfig config = env.config("jdbc");
        TargetSettings target = config.sinks().target();
        DiscoveredTable customers = TableDiscovery.discover(config.sources().get(0)).get(0);
        TargetTable table = SyncJobFactory.targetTableOf(target, customers);
        int changes = env.settings().jdbcRows();
        try (Connection connection =
                        env.postgres().connect(BenchEnvironment.targetDatabase("jdbc"));
                Statement statement = connection.createStatement()) {
            statement.execute(table.createSql());
        }

        truncate(table);
        double sinkRate =
                timed(
                        table,
                        changes,
                        () -> {
                            Configuration flink = JobEnvironments.configuration(config);
                            flink.set(RestOptions.BIND_PORT, "0");
                            StreamExecutionEnvironment job =
                                    StreamExecutionEnvironment.createLocalEnvironment(
                                            config.job().parallelism(), flink);
                            job.configure(flink);
                            job.fromSource(
                                            new DataGeneratorSource<>(
                                                    SampleChanges::customer,
                                                    changes,
                                                    new AvroTypeInfo<>(ChangeEvent.class)),
                                            WatermarkStrategy.noWatermarks(),
                                            "generated changes")
                                    .sinkTo(
                                            Sinks.targetTable(
                                                    target,
                                                    table,
                                                    SyncJobFactory.errorsTableOf(config)))
                                    .name("target table: customer");
                            job.execute("bench-jdbc-sink");
                        });

        truncate(table);
        double plainRate =
                timed(
                        table,
                        changes,
                        () -> plainUpsert(table, changes, config.job().parallelism()));
        return new Outcome(sinkRate, plainRate, changes);
    }

    private void plainUpsert(TargetTable table, int changes, int connections) throws Exception {
        String columns =
                table.columns().stream().map(c -> c.name()).collect(Collectors.joining(", "));
        String values =
                table.columns().stream()
                        .map(c -> c.sqlType().equals("jsonb") ? "?::jsonb" : "?")
                        .collect(Collectors.joining(", "));
        String updates =
                table.columns().stream()
                        .filter(c -> !c.name().equals("id"))
                        .map(c -> c.name() + " = EXCLUDED." + c.name())
                        .collect(Collectors.joining(", "));
        String sql =
                "INSERT INTO "
                        + table.table()
                        + " ("
                        + columns
                        + ", _syncline_version, _syncline_deleted) VALUES ("
                        + values
                        + ", ?, false) ON CONFLICT (id) DO UPDATE SET "
                        + updates
                        + ", _syncline_version = EXCLUDED._syncline_version";
        AtomicReference<Exception> failure = new AtomicReference<>();
        List<Thread> threads = new ArrayList<>();
        int share = changes / connections;
        for (int c = 0; c < connections; c++) {
            int from = c * share;
            int to = c == connections - 1 ? changes : from + share;
            Thread thread =
                    new Thread(
                            () -> {
                                try (Connection connection =
                                                env.postgres()
                                                        .connect(
                                                                BenchEnvironment.targetDatabase(
                                                                        "jdbc"));
                                        PreparedStatement upsert =
                                                connection.prepareStatement(sql)) {
                                    for (int i = from; i < to; i++) {
                                        bind(upsert, SampleChanges.customer(i), table);
                                        upsert.addBatch();
                                        if ((i - from + 1) % PLAIN_BATCH == 0) {
                                            upsert.executeBatch();
                                        }
                                    }
                                    upsert.executeBatch();
                                } catch (Exception e) {
                                    failure.compareAndSet(null, e);
                                }
                            },
                            "bench-plain-upsert-" + c);
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

    private static void bind(PreparedStatement upsert, ChangeEvent change, TargetTable table)
            throws SQLException {
        Map<String, FieldValue> row = change.getAfter();
        int index = 1;
        for (var column : table.columns()) {
            Object value = row.get(column.name()).getValue();
            switch (column.name()) {
                case "id" -> upsert.setLong(index, (Long) value);
                case "amount" -> upsert.setBigDecimal(index, new BigDecimal(value.toString()));
                case "quantity" -> upsert.setInt(index, (Integer) value);
                case "created_at", "updated_at" ->
                        upsert.setObject(
                                index,
                                LocalDateTime.ofEpochSecond(
                                        (Long) value / 1_000_000,
                                        (int) ((Long) value % 1_000_000) * 1000,
                                        ZoneOffset.UTC));
                default -> upsert.setString(index, value.toString());
            }
            index++;
        }
        upsert.setLong(index, change.getVersion());
    }

    /** A body that writes the changes, timed from the first visible row to the last version. */
    private interface Writer {
        void write() throws Exception;
    }

    private double timed(TargetTable table, int changes, Writer writer) throws Exception {
        AtomicReference<Exception> failure = new AtomicReference<>();
        Thread thread =
                new Thread(
                        () -> {
                            try {
                                writer.write();
                            } catch (Exception e) {
                                failure.set(e);
                            }
                        },
                        "bench-jdbc-writer");
        thread.start();
        long first = 0;
        long done = 0;
        int rows = changes / 2;
        try (Connection connection =
                        env.postgres().connect(BenchEnvironment.targetDatabase("jdbc"));
                PreparedStatement visible =
                        connection.prepareStatement(
                                "SELECT count(*), count(*) FILTER (WHERE _syncline_version % 2 ="
                                        + " 0) FROM "
                                        + table.qualifiedName())) {
            long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(5);
            while (done == 0 && System.nanoTime() < deadline && failure.get() == null) {
                try (ResultSet result = visible.executeQuery()) {
                    result.next();
                    long now = System.nanoTime();
                    if (first == 0 && result.getLong(1) > 0) {
                        first = now;
                    }
                    if (result.getLong(2) >= rows) {
                        done = now;
                    }
                }
                TimeUnit.MILLISECONDS.sleep(20);
            }
        }
        thread.join();
        if (failure.get() != null) {
            throw failure.get();
        }
        if (done == 0) {
            throw new IllegalStateException("the rows did not all arrive in " + table);
        }
        return changes / Math.max(1e-3, (done - first) / 1e9);
    }

    private void truncate(TargetTable table) {
        env.postgres()
                .execute(
                        BenchEnvironment.targetDatabase("jdbc"),
                        "TRUNCATE " + table.qualifiedName());
    }
}
