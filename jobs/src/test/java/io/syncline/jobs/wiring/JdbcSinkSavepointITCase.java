package io.syncline.jobs.wiring;

import static org.assertj.core.api.Assertions.assertThat;

import io.syncline.embedded.PostgresExtension;
import io.syncline.jobs.Poll;
import io.syncline.operators.errors.ErrorQueueRejections;
import io.syncline.operators.errors.ErrorsTable;
import io.syncline.operators.errors.Escalation;
import io.syncline.operators.jdbc.JdbcEndpoint;
import io.syncline.operators.jdbc.JdbcTableSink;
import io.syncline.operators.retry.CircuitBreakerSettings;
import io.syncline.operators.retry.RetryPolicy;
import io.syncline.operators.sink.TargetColumn;
import io.syncline.operators.sink.TargetTable;
import io.syncline.operators.sink.VersionGuardedUpsert;
import io.syncline.schema.ChangeEvent;
import io.syncline.schema.FieldKind;
import io.syncline.schema.FieldValue;
import io.syncline.schema.Operation;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.apache.flink.api.common.JobStatus;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.StateRecoveryOptions;
import org.apache.flink.connector.datagen.source.DataGeneratorSource;
import org.apache.flink.connector.datagen.source.GeneratorFunction;
import org.apache.flink.connector.jdbc.JdbcConnectionOptions;
import org.apache.flink.connector.jdbc.JdbcExecutionOptions;
import org.apache.flink.connector.jdbc.core.datastream.sink.JdbcSink;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.core.execution.SavepointFormatType;
import org.apache.flink.formats.avro.typeutils.AvroTypeInfo;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * A savepoint taken while the target tables were written by flink-connector-jdbc's sink restores
 * into a job whose target tables are written by Syncline's {@link JdbcTableSink}, under the same
 * uid, without {@code --allowNonRestoredState}: upgrading to it keeps every other operator's state.
 */
class JdbcSinkSavepointITCase {

    @RegisterExtension static final PostgresExtension POSTGRES = new PostgresExtension();

    @RegisterExtension
    static final MiniClusterExtension FLINK =
            new MiniClusterExtension(
                    new MiniClusterResourceConfiguration.Builder()
                            .setNumberTaskManagers(1)
                            .setNumberSlotsPerTaskManager(2)
                            .build());

    private static final String DATABASE = "jdbc_sink_savepoint";
    private static final String UID = "sink-target-account";
    private static final TargetTable ACCOUNTS =
            new TargetTable(
                    "public",
                    "accounts",
                    java.util.List.of(
                            new TargetColumn("tenant", "text"), new TargetColumn("id", "bigint")),
                    java.util.List.of("tenant", "id"));
    private static final ErrorsTable ERRORS =
            new ErrorsTable("public", "syncline_errors", Escalation.defaults());

    @TempDir Path dir;

    @BeforeAll
    static void tables() {
        POSTGRES.createDatabase(DATABASE);
        POSTGRES.execute(DATABASE, ACCOUNTS.createSql());
        POSTGRES.execute(DATABASE, ERRORS.createSql().toArray(String[]::new));
    }

    @Test
    void aSavepointOfTheConnectorsSinkRestoresIntoSynclinesSink() throws Exception {
        JobClient before = run(connectorSink(), null);
        Poll.until(Duration.ofMinutes(2), "rows written by the connector's sink", () -> rows() > 0);
        String savepoint =
                before.stopWithSavepoint(
                                false,
                                dir.resolve("savepoints").toUri().toString(),
                                SavepointFormatType.CANONICAL)
                        .get();
        long rowsAtSavepoint = rows();

        JobClient after = run(synclineSink(), savepoint);
        Poll.until(
                Duration.ofMinutes(2),
                "rows written by Syncline's sink after the restore",
                () -> {
                    if (after.getJobStatus().get().isGloballyTerminalState()) {
                        throw new AssertionError("the restored job ended" + failureOf(after));
                    }
                    return rows() > rowsAtSavepoint;
                });

        assertThat(after.getJobStatus().get()).isEqualTo(JobStatus.RUNNING);
        Poll.cancel(after);
    }

    private static String failureOf(JobClient job) {
        try {
            job.getJobExecutionResult().get();
            return "no failure";
        } catch (Exception e) {
            Throwable cause = e;
            StringBuilder causes = new StringBuilder();
            while (cause != null) {
                causes.append(" <- ").append(cause);
                cause = cause.getCause();
            }
            return causes.toString();
        }
    }

    /** Accounts generated 20 a second, into {@code sink} under the pinned uid. */
    private static JobClient run(Sink<ChangeEvent> sink, String savepoint) throws Exception {
        Configuration configuration = new Configuration();
        if (savepoint != null) {
            configuration.set(StateRecoveryOptions.SAVEPOINT_PATH, savepoint);
            configuration.set(StateRecoveryOptions.SAVEPOINT_IGNORE_UNCLAIMED_STATE, false);
        }
        StreamExecutionEnvironment env =
                StreamExecutionEnvironment.getExecutionEnvironment(configuration);
        env.enableCheckpointing(500);
        env.setParallelism(2);
        env.fromSource(
                        new DataGeneratorSource<>(
                                (GeneratorFunction<Long, ChangeEvent>)
                                        JdbcSinkSavepointITCase::account,
                                Long.MAX_VALUE,
                                org.apache.flink.api.connector.source.util.ratelimit
                                        .RateLimiterStrategy.perSecond(20),
                                new AvroTypeInfo<>(ChangeEvent.class)),
                        WatermarkStrategy.noWatermarks(),
                        "accounts")
                .uid("source-accounts")
                .sinkTo(sink)
                .uid(UID)
                .name("target table: account");
        return env.executeAsync("jdbc-sink-savepoint");
    }

    /** The sink the target tables had before: flink-connector-jdbc's, at least once. */
    private static Sink<ChangeEvent> connectorSink() {
        return JdbcSink.<ChangeEvent>builder()
                .withQueryStatement(new VersionGuardedUpsert(ACCOUNTS))
                .withExecutionOptions(
                        JdbcExecutionOptions.builder()
                                .withBatchSize(10)
                                .withBatchIntervalMs(100)
                                .build())
                .buildAtLeastOnce(
                        new JdbcConnectionOptions.JdbcConnectionOptionsBuilder()
                                .withUrl(POSTGRES.jdbcUrl(DATABASE))
                                .withDriverName("org.postgresql.Driver")
                                .withUsername(POSTGRES.username())
                                .withPassword(POSTGRES.password())
                                .build());
    }

    private static Sink<ChangeEvent> synclineSink() {
        return JdbcTableSink.<ChangeEvent>builder()
                .endpoint(
                        new JdbcEndpoint(
                                POSTGRES.jdbcUrl(DATABASE),
                                POSTGRES.username(),
                                POSTGRES.password(),
                                "syncline-savepoint-test"))
                .table(ACCOUNTS.qualifiedName(), new VersionGuardedUpsert(ACCOUNTS))
                .rejections(ErrorQueueRejections.changes(ERRORS))
                .batches(10, Duration.ofMillis(100))
                .retry(
                        RetryPolicy.ofRetries(
                                3, Duration.ofMillis(100), Duration.ofSeconds(1), 2, 0))
                .circuitBreaker(CircuitBreakerSettings.DEFAULTS)
                .build();
    }

    private static ChangeEvent account(long index) {
        Map<String, FieldValue> row =
                Map.of(
                        "tenant", new FieldValue(FieldKind.STRING, "acme"),
                        "id", new FieldValue(FieldKind.LONG, index));
        return ChangeEvent.newBuilder()
                .setEventId("gen/" + index)
                .setTenant("acme")
                .setEntityType("account")
                .setEntityId(String.valueOf(index))
                .setOp(Operation.CREATE)
                .setAfter(row)
                .setSourceCommitTime(Instant.EPOCH)
                .setCaptureTime(Instant.EPOCH)
                .setSourceId("gen")
                .setSourcePosition(String.valueOf(index))
                .setVersion(1)
                .build();
    }

    private static long rows() throws Exception {
        try (Connection connection = POSTGRES.connect(DATABASE);
                Statement statement = connection.createStatement();
                ResultSet result = statement.executeQuery("SELECT count(*) FROM accounts")) {
            result.next();
            return result.getLong(1);
        }
    }
}
