package io.syncline.operators.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.syncline.embedded.EmbeddedPostgresServer;
import io.syncline.embedded.PostgresExtension;
import io.syncline.operators.MutableClock;
import io.syncline.operators.errors.ErrorCodes;
import io.syncline.operators.errors.ErrorQueueRejections;
import io.syncline.operators.errors.ErrorsTable;
import io.syncline.operators.errors.ErrorsTableRejections;
import io.syncline.operators.errors.Escalation;
import io.syncline.operators.retry.CircuitBreaker;
import io.syncline.operators.retry.CircuitBreakerOpenException;
import io.syncline.operators.retry.CircuitBreakerSettings;
import io.syncline.operators.retry.RetryPolicy;
import io.syncline.operators.retry.Sleeper;
import io.syncline.operators.sink.TargetColumn;
import io.syncline.operators.sink.TargetTable;
import io.syncline.operators.sink.VersionGuardedUpsert;
import io.syncline.schema.ChangeEvent;
import io.syncline.schema.ErrorClass;
import io.syncline.schema.ErrorRecord;
import io.syncline.schema.FieldKind;
import io.syncline.schema.FieldValue;
import io.syncline.schema.Operation;
import java.io.IOException;
import java.math.BigDecimal;
import java.nio.ByteBuffer;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.testutils.MetricListener;
import org.apache.flink.streaming.runtime.tasks.TestProcessingTimeService;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The JDBC sink's writer against real PostgreSQL: batches, rows the table refuses (to the errors
 * table, the rest written), and a database that crashes (retried on new connections, then the
 * circuit breaker: open, failing fast without connecting, half-open, closed). Waits between retries
 * go through a {@link Sleeper} the test controls, and time through clocks it moves, so nothing here
 * waits for the wall clock.
 */
class JdbcTableSinkITCase {

    @RegisterExtension static final PostgresExtension POSTGRES = new PostgresExtension();

    private static final String DATABASE = "jdbc_table_sink";
    private static final TargetTable ACCOUNTS =
            new TargetTable(
                    "public",
                    "accounts",
                    List.of(
                            new TargetColumn("tenant", "text"),
                            new TargetColumn("id", "bigint"),
                            new TargetColumn("balance", "numeric(12,2)")),
                    List.of("tenant", "id"));
    private static final ErrorsTable ERRORS =
            new ErrorsTable("public", "syncline_errors", Escalation.defaults());
    private static final RetryPolicy TWO_RETRIES =
            RetryPolicy.ofRetries(2, Duration.ofMillis(100), Duration.ofSeconds(1), 2.0, 0.0);
    private static final Instant START = Instant.parse("2024-05-01T10:00:00Z");

    /** A server of this test's own, to crash. */
    private static EmbeddedPostgresServer crashable;

    private final MetricListener metrics = new MetricListener();
    private final TestProcessingTimeService time = new TestProcessingTimeService();
    private final MutableClock clock = new MutableClock(START);
    private final List<Duration> waits = new ArrayList<>();
    private final List<JdbcTableWriter<?>> writers = new ArrayList<>();

    @BeforeAll
    static void databases() {
        POSTGRES.createDatabase(DATABASE);
        crashable = EmbeddedPostgresServer.start();
        crashable.createDatabase(DATABASE);
    }

    @AfterAll
    static void stopOwnServer() {
        crashable.close();
    }

    @BeforeEach
    void freshTables() {
        for (EmbeddedPostgresServer server : List.of(POSTGRES.server(), crashable)) {
            server.execute(
                    DATABASE,
                    "DROP TABLE IF EXISTS " + ACCOUNTS.qualifiedName(),
                    "DROP TABLE IF EXISTS " + ERRORS.qualifiedName(),
                    ACCOUNTS.createSql(),
                    "ALTER TABLE accounts ADD CONSTRAINT balance_below_1000 CHECK (balance <"
                            + " 1000)");
            server.execute(DATABASE, ERRORS.createSql().toArray(String[]::new));
        }
    }

    @AfterEach
    void closeWriters() {
        writers.forEach(JdbcTableWriter::close);
    }

    @Test
    void aBatchIsWrittenWhenFullOnTheTimerAndBeforeACheckpoint() throws Exception {
        JdbcTableWriter<ChangeEvent> writer =
                writer(POSTGRES.server(), 3, breaker(POSTGRES.server()));

        writer.write(change(1, 1, "10.00"), null);
        writer.write(change(2, 1, "20.00"), null);
        assertThat(rows(POSTGRES.server())).as("a batch not full yet").isEmpty();
        writer.write(change(3, 1, "30.00"), null);
        assertThat(rows(POSTGRES.server())).as("a full batch").hasSize(3);

        writer.write(change(1, 2, "11.00"), null);
        time.setCurrentTime(Duration.ofMillis(200).toMillis());
        assertThat(rows(POSTGRES.server()))
                .as("the batch interval passed")
                .containsExactly("acme/1=11.00@2", "acme/2=20.00@1", "acme/3=30.00@1");

        writer.write(change(4, 1, "40.00"), null);
        writer.flush(false);
        assertThat(rows(POSTGRES.server())).as("flushed before a checkpoint").hasSize(4);
        assertThat(counter(JdbcTableWriter.ROWS_REJECTED)).isZero();
        assertThat(counter(JdbcTableWriter.RETRIES)).isZero();
    }

    @Test
    void rowsTheTableRefusesGoToTheErrorsTableAndTheRestOfTheBatchIsWritten() throws Exception {
        JdbcTableWriter<ChangeEvent> writer =
                writer(POSTGRES.server(), 10, breaker(POSTGRES.server()));
        ChangeEvent tooRich = change(2, 1, "5000.00");

        writer.write(change(1, 1, "10.00"), null);
        writer.write(tooRich, null);
        writer.write(change(3, 1, "30.00"), null);
        writer.write(change(2, 2, "999.99"), null);
        writer.flush(false);

        assertThat(rows(POSTGRES.server()))
                .containsExactly("acme/1=10.00@1", "acme/2=999.99@2", "acme/3=30.00@1");
        List<ErrorRecord> errors = errors(POSTGRES.server());
        assertThat(errors).hasSize(1);
        ErrorRecord error = errors.get(0);
        assertThat(error.getCode()).isEqualTo(ErrorCodes.TARGET_REJECTED);
        assertThat(error.getErrorClass()).isEqualTo(ErrorClass.PERMANENT);
        assertThat(error.getStage()).isEqualTo(ErrorQueueRejections.STAGE);
        assertThat(error.getKey()).isEqualTo("acme/account/2");
        assertThat(error.getMessage())
                .isEqualTo(
                        "CREATE of account acme/account/2 (version 1) was refused by"
                                + " \"public\".\"accounts\": new row for relation \"accounts\""
                                + " violates check constraint \"balance_below_1000\" (SQLState"
                                + " 23514, constraint balance_below_1000); the row breaks"
                                + " constraint balance_below_1000 of \"public\".\"accounts\":"
                                + " relax the constraint to what the source allows, or fix the"
                                + " row at the source; then replay it with 'syncline errors"
                                + " replay'")
                .as("the refused value is not quoted")
                .doesNotContain("5000");
        assertThat(error.getChange()).as("the change, to be replayed").isEqualTo(tooRich);
        assertThat(counter(JdbcTableWriter.ROWS_REJECTED)).isEqualTo(1);
        assertThat(counter(JdbcTableWriter.RETRIES)).isZero();
    }

    @Test
    void aBatchWrittenAgainAfterARestartStoresItsRefusedRowsOnce() throws Exception {
        for (int attempt = 0; attempt < 2; attempt++) {
            JdbcTableWriter<ChangeEvent> writer =
                    writer(POSTGRES.server(), 10, breaker(POSTGRES.server()));
            writer.write(change(1, 1, "10.00"), null);
            writer.write(change(2, 1, "5000.00"), null);
            writer.flush(false);
        }

        assertThat(errors(POSTGRES.server())).hasSize(1);
        assertThat(rows(POSTGRES.server())).containsExactly("acme/1=10.00@1");
    }

    @Test
    void rowsThatCannotBeStoredInTheErrorQueueKeepTheWholeBatchUncommitted() throws Exception {
        POSTGRES.execute(DATABASE, "DROP TABLE " + ERRORS.qualifiedName());
        JdbcTableWriter<ChangeEvent> writer =
                writer(POSTGRES.server(), 10, breaker(POSTGRES.server()));

        writer.write(change(1, 1, "10.00"), null);
        writer.write(change(2, 1, "5000.00"), null);

        assertThatThrownBy(() -> writer.flush(false))
                .isInstanceOf(IOException.class)
                .hasMessageStartingWith(
                        "Cannot store the 1 row(s) \"public\".\"accounts\" refused (new row for"
                                + " relation \"accounts\" violates check constraint")
                .hasMessageContaining("relation \"public.syncline_errors\" does not exist")
                .hasMessageEndingWith(
                        "nothing of the batch is committed, so no row is lost: fix the errors"
                                + " table, and Flink's restarts write the batch again");
        assertThat(rows(POSTGRES.server())).isEmpty();
    }

    @Test
    void anErrorTheErrorsTableRefusesIsLoggedAndNeverSentBackToIt() throws Exception {
        POSTGRES.execute(
                DATABASE,
                "ALTER TABLE syncline_errors ADD CONSTRAINT no_bad_codes CHECK (code <> 'BAD')");
        JdbcTableSink<ErrorRecord> sink =
                JdbcTableSink.<ErrorRecord>builder()
                        .endpoint(endpoint(POSTGRES.server(), "errors-sink"))
                        .table(ERRORS.qualifiedName(), ERRORS.insertStatement())
                        .rejections(new ErrorsTableRejections())
                        .batches(10, Duration.ofMillis(200))
                        .retry(TWO_RETRIES)
                        .circuitBreaker(CircuitBreakerSettings.DEFAULTS)
                        .build();
        JdbcTableWriter<ErrorRecord> writer = track(writerOf(sink, breaker(POSTGRES.server())));

        writer.write(error("e-1", "RULE_RANGE"), null);
        writer.write(error("e-2", "BAD"), null);
        writer.write(error("e-3", "RULE_RANGE"), null);
        writer.flush(false);

        assertThat(errors(POSTGRES.server()))
                .extracting(ErrorRecord::getErrorId)
                .containsExactly("e-1", "e-3");
        assertThat(counter(JdbcTableWriter.ROWS_REJECTED)).isEqualTo(1);
    }

    @Test
    void aDatabaseThatCrashesAndComesBackIsRetriedOnANewConnection() throws Exception {
        CircuitBreaker breaker = breaker(crashable);
        JdbcTableWriter<ChangeEvent> writer =
                writer(crashable, 10, breaker, TWO_RETRIES, restartOnFirstWait());
        writer.write(change(1, 1, "10.00"), null);
        writer.flush(false);

        crashable.crash();
        writer.write(change(1, 2, "12.00"), null);
        writer.write(change(2, 1, "20.00"), null);
        writer.flush(false);

        assertThat(rows(crashable)).containsExactly("acme/1=12.00@2", "acme/2=20.00@1");
        assertThat(waits).containsExactly(Duration.ofMillis(100));
        assertThat(counter(JdbcTableWriter.RETRIES)).isEqualTo(1);
        assertThat(breaker.state()).isEqualTo(CircuitBreaker.State.CLOSED);
    }

    @Test
    void retriesUsedUpOpenTheBreakerWritersFailFastWithoutConnectingAndAProbeClosesIt()
            throws Exception {
        CircuitBreaker breaker = breaker(crashable);
        JdbcTableWriter<ChangeEvent> first =
                writer(crashable, 10, breaker, TWO_RETRIES, waits::add);
        first.write(change(1, 1, "10.00"), null);
        crashable.crash();
        try {
            assertThatThrownBy(() -> first.flush(false))
                    .isInstanceOf(CircuitBreakerOpenException.class)
                    .hasMessageStartingWith(
                            "Writing 1 row(s) to \"public\".\"accounts\" at PostgreSQL "
                                    + crashable.jdbcUrl(DATABASE)
                                    + " not written after 3 failed attempt(s): PostgreSQL "
                                    + crashable.jdbcUrl(DATABASE)
                                    + " is unavailable: its circuit breaker opened at"
                                    + " 2024-05-01T10:00:00Z after 3 failed call(s) in a row, the"
                                    + " last: PSQLException: Connection to localhost:"
                                    + crashable.port()
                                    + " refused")
                    .hasMessageEndingWith(
                            "calls fail fast until 2024-05-01T10:00:30Z (in 30 s), then one call"
                                    + " probes it. Flink restarts the job from its last"
                                    + " checkpoint");
            assertThat(waits)
                    .as("exponential backoff between the attempts")
                    .containsExactly(Duration.ofMillis(100), Duration.ofMillis(200));
            assertThat(counter(JdbcTableWriter.RETRIES)).isEqualTo(2);
            assertThat(counter(JdbcTableWriter.BREAKER_OPENS)).isEqualTo(1);
            assertThat(breakerStateGauge()).isEqualTo(CircuitBreaker.State.OPEN.code());
        } finally {
            crashable.restart();
        }

        // The database is back, but the breaker is open: a writer fails at once, not connecting.
        JdbcTableWriter<ChangeEvent> second =
                writer(crashable, 10, breaker, TWO_RETRIES, waits::add);
        second.write(change(2, 1, "20.00"), null);
        clock.advance(Duration.ofSeconds(29));
        assertThatThrownBy(() -> second.flush(false))
                .isInstanceOf(CircuitBreakerOpenException.class)
                .hasMessageStartingWith(
                        "Writing 1 row(s) to \"public\".\"accounts\" at PostgreSQL "
                                + crashable.jdbcUrl(DATABASE)
                                + " not written: PostgreSQL")
                .hasMessageContaining("calls fail fast until 2024-05-01T10:00:30Z (in 1 s)");
        assertThat(waits).hasSize(2);
        assertThat(sinkConnections()).as("connections the second writer opened").isZero();

        // After openFor, the second writer's batch is the probe; its success closes the breaker.
        clock.advance(Duration.ofSeconds(1));
        second.flush(false);

        assertThat(breaker.state()).isEqualTo(CircuitBreaker.State.CLOSED);
        assertThat(breakerStateGauge()).isEqualTo(CircuitBreaker.State.CLOSED.code());
        assertThat(rows(crashable)).containsExactly("acme/2=20.00@1");
        assertThat(breaker.opens()).isEqualTo(1);
    }

    // ---- helpers

    /** A breaker of the database on {@code server}, of this test alone. */
    private CircuitBreaker breaker(EmbeddedPostgresServer server) {
        return new CircuitBreaker(
                endpoint(server, "any").dependency(),
                new CircuitBreakerSettings(Duration.ofSeconds(30), 10),
                clock);
    }

    private JdbcTableWriter<ChangeEvent> writer(
            EmbeddedPostgresServer server, int batchSize, CircuitBreaker breaker) {
        return writer(server, batchSize, breaker, TWO_RETRIES, waits::add);
    }

    private JdbcTableWriter<ChangeEvent> writer(
            EmbeddedPostgresServer server,
            int batchSize,
            CircuitBreaker breaker,
            RetryPolicy retry,
            Sleeper sleeper) {
        JdbcTableSink<ChangeEvent> sink =
                JdbcTableSink.<ChangeEvent>builder()
                        .endpoint(endpoint(server, "syncline-sink-test"))
                        .table(ACCOUNTS.qualifiedName(), new VersionGuardedUpsert(ACCOUNTS))
                        .rejections(ErrorQueueRejections.changes(ERRORS))
                        .batches(batchSize, Duration.ofMillis(200))
                        .retry(retry)
                        .circuitBreaker(breaker.settings())
                        .build();
        return track(
                sink.writer(
                        metrics.getMetricGroup(),
                        time,
                        UnaryOperator.identity(),
                        sleeper,
                        breaker));
    }

    private <T> JdbcTableWriter<T> writerOf(JdbcTableSink<T> sink, CircuitBreaker breaker) {
        return sink.writer(
                metrics.getMetricGroup(), time, UnaryOperator.identity(), waits::add, breaker);
    }

    private <T> JdbcTableWriter<T> track(JdbcTableWriter<T> writer) {
        writers.add(writer);
        return writer;
    }

    private static JdbcEndpoint endpoint(EmbeddedPostgresServer server, String application) {
        return new JdbcEndpoint(
                server.jdbcUrl(DATABASE), server.username(), server.password(), application);
    }

    /** A sleeper that brings the crashed server back during the first wait. */
    private Sleeper restartOnFirstWait() {
        return duration -> {
            waits.add(duration);
            if (waits.size() == 1) {
                crashable.restart();
            }
        };
    }

    private long counter(String name) {
        return metrics.getCounter(name).map(Counter::getCount).orElseThrow();
    }

    private Object breakerStateGauge() {
        return metrics.getGauge(JdbcTableWriter.BREAKER_STATE).orElseThrow().getValue();
    }

    /** Connections of the test's sinks to the crashable server, as PostgreSQL lists them. */
    private static long sinkConnections() throws SQLException {
        try (Connection connection = crashable.connect(DATABASE);
                Statement statement = connection.createStatement();
                ResultSet result =
                        statement.executeQuery(
                                "SELECT count(*) FROM pg_stat_activity"
                                        + " WHERE application_name = 'syncline-sink-test'")) {
            result.next();
            return result.getLong(1);
        }
    }

    private static List<String> rows(EmbeddedPostgresServer server) throws SQLException {
        List<String> rows = new ArrayList<>();
        try (Connection connection = server.connect(DATABASE);
                Statement statement = connection.createStatement();
                ResultSet result =
                        statement.executeQuery(
                                "SELECT tenant, id, balance, _syncline_version FROM accounts"
                                        + " ORDER BY tenant, id")) {
            while (result.next()) {
                rows.add(
                        result.getString(1)
                                + "/"
                                + result.getLong(2)
                                + "="
                                + result.getBigDecimal(3)
                                + "@"
                                + result.getLong(4));
            }
        }
        return rows;
    }

    private static List<ErrorRecord> errors(EmbeddedPostgresServer server) throws Exception {
        List<ErrorRecord> errors = new ArrayList<>();
        try (Connection connection = server.connect(DATABASE);
                Statement statement = connection.createStatement();
                ResultSet result =
                        statement.executeQuery(
                                "SELECT error_id, stage, error_class, code, message, payload,"
                                        + " entity_key, error_time, change FROM syncline_errors"
                                        + " ORDER BY error_id")) {
            while (result.next()) {
                byte[] change = result.getBytes(9);
                errors.add(
                        ErrorRecord.newBuilder()
                                .setErrorId(result.getString(1))
                                .setStage(result.getString(2))
                                .setErrorClass(ErrorClass.valueOf(result.getString(3)))
                                .setCode(result.getString(4))
                                .setMessage(result.getString(5))
                                .setPayload(result.getString(6))
                                .setKey(result.getString(7))
                                .setTime(result.getTimestamp(8).toInstant())
                                .setChange(
                                        change == null
                                                ? null
                                                : ChangeEvent.getDecoder()
                                                        .decode(ByteBuffer.wrap(change)))
                                .build());
            }
        }
        return errors;
    }

    private static ChangeEvent change(long id, long version, String balance) {
        Map<String, FieldValue> row =
                Map.of(
                        "tenant",
                        new FieldValue(FieldKind.STRING, "acme"),
                        "id",
                        new FieldValue(FieldKind.LONG, id),
                        "balance",
                        new FieldValue(FieldKind.DECIMAL, new BigDecimal(balance).toPlainString()));
        return ChangeEvent.newBuilder()
                .setEventId("crm/" + id + "." + version + "/acme/account/" + id)
                .setTenant("acme")
                .setEntityType("account")
                .setEntityId(String.valueOf(id))
                .setOp(version == 1 ? Operation.CREATE : Operation.UPDATE)
                .setAfter(row)
                .setSourceCommitTime(START)
                .setCaptureTime(START)
                .setSourceId("crm")
                .setSourcePosition(id + "." + version)
                .setVersion(version)
                .build();
    }

    private static ErrorRecord error(String id, String code) {
        return ErrorRecord.newBuilder()
                .setErrorId(id)
                .setStage("validate")
                .setErrorClass(ErrorClass.PERMANENT)
                .setCode(code)
                .setMessage("balance out of range")
                .setPayload("{id=1}")
                .setKey("acme/account/1")
                .setTime(START)
                .build();
    }
}
