package io.syncline.operators.jdbc;

import io.syncline.operators.retry.CircuitBreaker;
import io.syncline.operators.retry.CircuitBreakerOpenException;
import io.syncline.operators.retry.RetryPolicy;
import io.syncline.operators.retry.Sleeper;
import java.io.IOException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Savepoint;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.SplittableRandom;
import java.util.function.UnaryOperator;
import org.apache.flink.api.common.operators.ProcessingTimeService;
import org.apache.flink.api.connector.sink2.CommittingSinkWriter;
import org.apache.flink.connector.jdbc.datasource.statements.JdbcQueryStatement;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.MetricGroup;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@link JdbcTableSink}'s writer. Runs on the task's thread only: the batch timer fires in the
 * task's mailbox, so nothing here is shared between threads but the circuit breaker.
 */
final class JdbcTableWriter<T> implements CommittingSinkWriter<T, Void> {

    /** Counter: batches tried again after a transient fault. */
    static final String RETRIES = "writeRetries";

    /** Counter: rows the table refused for good, sent to the error queue. */
    static final String ROWS_REJECTED = "rowsRejected";

    /** Counter: times a failure of this writer opened the circuit breaker. */
    static final String BREAKER_OPENS = "circuitBreakerOpens";

    /** Gauge: the circuit breaker's state, 0 closed, 1 half-open, 2 open. */
    static final String BREAKER_STATE = "circuitBreakerState";

    private static final Logger LOG = LoggerFactory.getLogger(JdbcTableWriter.class);

    private final JdbcEndpoint endpoint;
    private final String table;
    private final JdbcQueryStatement<T> query;
    private final RejectionHandler<T> rejections;
    private final int batchSize;
    private final Duration batchInterval;
    private final RetryPolicy retry;
    private final CircuitBreaker breaker;
    private final ProcessingTimeService time;
    private final UnaryOperator<T> copier;
    private final Sleeper sleeper;
    private final SplittableRandom random = new SplittableRandom();
    private final Counter retries;
    private final Counter rowsRejected;
    private final Counter breakerOpens;

    private final List<T> batch = new ArrayList<>();
    private boolean timerPending;
    private Connection connection;
    private PreparedStatement statement;

    JdbcTableWriter(
            JdbcEndpoint endpoint,
            String table,
            JdbcQueryStatement<T> query,
            RejectionHandler<T> rejections,
            int batchSize,
            Duration batchInterval,
            RetryPolicy retry,
            CircuitBreaker breaker,
            MetricGroup metrics,
            ProcessingTimeService time,
            UnaryOperator<T> copier,
            Sleeper sleeper) {
        this.endpoint = endpoint;
        this.table = table;
        this.query = query;
        this.rejections = rejections;
        this.batchSize = batchSize;
        this.batchInterval = batchInterval;
        this.retry = retry;
        this.breaker = breaker;
        this.time = time;
        this.copier = copier;
        this.sleeper = sleeper;
        this.retries = metrics.counter(RETRIES);
        this.rowsRejected = metrics.counter(ROWS_REJECTED);
        this.breakerOpens = metrics.counter(BREAKER_OPENS);
        metrics.gauge(BREAKER_STATE, () -> breaker.state().code());
    }

    @Override
    public void write(T row, Context context) throws IOException, InterruptedException {
        batch.add(copier.apply(row));
        if (batch.size() >= batchSize) {
            writeBatch();
        } else if (!timerPending) {
            timerPending = true;
            time.registerTimer(
                    time.getCurrentProcessingTime() + batchInterval.toMillis(),
                    firedAt -> {
                        timerPending = false;
                        writeBatch();
                    });
        }
    }

    /** Called before every checkpoint's barrier: what the checkpoint covers gets committed. */
    @Override
    public void flush(boolean endOfInput) throws IOException, InterruptedException {
        writeBatch();
    }

    /**
     * Writes and commits the batch, retrying transient faults on new connections with backoff.
     *
     * @throws CircuitBreakerOpenException if the database's breaker is open, or opens because of
     *     this batch's failures
     * @throws IOException for a fault that retrying on the spot cannot cure
     */
    private void writeBatch() throws IOException, InterruptedException {
        if (batch.isEmpty()) {
            return;
        }
        for (int failures = 0; ; ) {
            try {
                breaker.acquire();
            } catch (CircuitBreakerOpenException open) {
                throw notWritten(failures, open);
            }
            try {
                int rejected = commitBatch();
                breaker.recordSuccess();
                rowsRejected.inc(rejected);
                batch.clear();
                return;
            } catch (SQLException e) {
                closeConnection();
                if (SqlFault.of(e) != SqlFault.TRANSIENT) {
                    // The database answered: it is up, whatever is wrong with the batch.
                    breaker.recordSuccess();
                    throw new IOException(
                            describeBatch()
                                    + " failed with "
                                    + state(e)
                                    + ", which retrying on a new connection cannot cure: "
                                    + Rejection.reasonOf(e)
                                    + "; Flink restarts the job from its last checkpoint",
                            e);
                }
                failures++;
                boolean opened = breaker.recordFailure(e);
                if (!opened && failures > retry.maxRetries()) {
                    opened = breaker.trip(e);
                }
                if (opened) {
                    breakerOpens.inc();
                }
                if (failures > retry.maxRetries()
                        || breaker.state() != CircuitBreaker.State.CLOSED) {
                    throw notWritten(failures, breaker.openException());
                }
                Duration backoff = retry.backoff(failures, random);
                retries.inc();
                LOG.warn(
                        "{} failed ({} of {} attempts): {} ({}); trying again on a new connection"
                                + " in {} ms",
                        describeBatch(),
                        failures,
                        retry.maxAttempts(),
                        Rejection.reasonOf(e),
                        state(e),
                        backoff.toMillis());
                sleeper.sleep(backoff);
            } finally {
                // Interrupted, or failed with something else: whoever comes next probes.
                breaker.abandonProbe();
            }
        }
    }

    private IOException notWritten(int failures, CircuitBreakerOpenException open) {
        return new CircuitBreakerOpenException(
                open.dependency(),
                open.retryAt(),
                describeBatch()
                        + " not written"
                        + (failures == 0 ? "" : " after " + failures + " failed attempt(s)")
                        + ": "
                        + open.getMessage()
                        + ". Flink restarts the job from its last checkpoint",
                open.getCause());
    }

    /**
     * Writes the batch in one transaction. If the table refuses a row for good, writes the batch
     * again row by row, each behind a savepoint, and hands the rows refused to the rejection
     * handler before committing the rest.
     *
     * @return the rows refused
     * @throws SQLException for a fault that is not a refused row, or from the rejection handler
     * @throws IOException if the refused rows cannot be stored
     */
    private int commitBatch() throws SQLException, IOException {
        PreparedStatement upsert = statement();
        try {
            for (T row : batch) {
                query.statement(upsert, row);
                upsert.addBatch();
            }
            upsert.executeBatch();
            connection.commit();
            return 0;
        } catch (SQLException e) {
            if (SqlFault.of(e) != SqlFault.REJECTED) {
                throw e;
            }
            upsert.clearBatch();
            connection.rollback();
            return commitRowByRow(upsert);
        }
    }

    private int commitRowByRow(PreparedStatement upsert) throws SQLException, IOException {
        List<RejectedRow<T>> rejected = new ArrayList<>();
        for (T row : batch) {
            Savepoint savepoint = connection.setSavepoint();
            try {
                query.statement(upsert, row);
                upsert.executeUpdate();
                connection.releaseSavepoint(savepoint);
            } catch (SQLException e) {
                if (SqlFault.of(e) != SqlFault.REJECTED) {
                    throw e;
                }
                connection.rollback(savepoint);
                rejected.add(new RejectedRow<>(row, Rejection.of(e, table)));
            }
        }
        if (!rejected.isEmpty()) {
            storeRejected(rejected);
        }
        connection.commit();
        return rejected.size();
    }

    private void storeRejected(List<RejectedRow<T>> rejected) throws SQLException, IOException {
        Rejection first = rejected.get(0).rejection();
        try {
            rejections.handle(
                    connection, rejected, Instant.ofEpochMilli(time.getCurrentProcessingTime()));
        } catch (SQLException e) {
            if (SqlFault.of(e) == SqlFault.TRANSIENT) {
                throw e;
            }
            throw new IOException(
                    "Cannot store the "
                            + rejected.size()
                            + " row(s) "
                            + table
                            + " refused ("
                            + first.describe()
                            + ") in the error queue: "
                            + Rejection.reasonOf(e)
                            + " ("
                            + state(e)
                            + "); nothing of the batch is committed, so no row is lost: fix the"
                            + " errors table, and Flink's restarts write the batch again",
                    e);
        }
        LOG.warn(
                "{} refused {} of {} row(s) for good, the others are written; the first: {}; {}",
                table,
                rejected.size(),
                batch.size(),
                first.describe(),
                first.fix());
    }

    private PreparedStatement statement() throws SQLException {
        if (statement == null) {
            connection = endpoint.connect();
            connection.setAutoCommit(false);
            statement = connection.prepareStatement(query.query());
        }
        return statement;
    }

    private String describeBatch() {
        return "Writing " + batch.size() + " row(s) to " + table + " at " + endpoint.dependency();
    }

    private static String state(SQLException e) {
        String state = SqlFault.sqlState(e);
        return state == null ? "no SQLState" : "SQLState " + state;
    }

    private void closeConnection() {
        if (connection != null) {
            try {
                connection.close();
            } catch (SQLException e) {
                LOG.debug("Closing a failed connection to {}", endpoint.dependency(), e);
            }
        }
        connection = null;
        statement = null;
    }

    /** Nothing: each batch committed in its own transaction before the checkpoint's barrier. */
    @Override
    public Collection<Void> prepareCommit() {
        return List.of();
    }

    /** Rows not written yet are dropped: they are after the last checkpoint, and replayed. */
    @Override
    public void close() {
        closeConnection();
    }
}
