package io.syncline.operators.jdbc;

import io.syncline.operators.retry.CircuitBreaker;
import io.syncline.operators.retry.CircuitBreakerSettings;
import io.syncline.operators.retry.CircuitBreakers;
import io.syncline.operators.retry.RetryPolicy;
import io.syncline.operators.retry.Sleeper;
import java.time.Duration;
import java.util.Objects;
import java.util.function.UnaryOperator;
import org.apache.flink.api.common.operators.ProcessingTimeService;
import org.apache.flink.api.common.typeutils.TypeSerializer;
import org.apache.flink.api.connector.sink2.Committer;
import org.apache.flink.api.connector.sink2.CommitterInitContext;
import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.api.connector.sink2.SinkWriter;
import org.apache.flink.api.connector.sink2.SupportsCommitter;
import org.apache.flink.api.connector.sink2.WriterInitContext;
import org.apache.flink.connector.jdbc.datasource.statements.JdbcQueryStatement;
import org.apache.flink.core.io.SimpleVersionedSerializer;
import org.apache.flink.metrics.MetricGroup;

/**
 * Writes rows into one PostgreSQL table in batches, at least once: a batch is written when it is
 * full, when its oldest row has waited {@code batchInterval}, and before every checkpoint, so what
 * a checkpoint covers is committed. Idempotent statements (version-guarded upserts, inserts keyed
 * by id) make the replays after a restart harmless.
 *
 * <p>Faults are told apart by {@link SqlFault}. A transient one is retried with the batch on a new
 * connection, with exponential backoff, as {@link RetryPolicy} says; behind a {@link
 * CircuitBreaker} per database shared by every writer in the JVM: once a writer has used up its
 * retries, or the breaker's threshold of failures in a row is reached, every writer of the database
 * fails at once without connecting until the breaker lets a probe through. Failing fails the task,
 * and Flink restarts the job from its last checkpoint. A row the table refuses for good is found by
 * writing the batch again row by row, the rest is written, and the refused rows go to the {@link
 * RejectionHandler} in the same transaction.
 *
 * <p>Metrics of each writer: {@value JdbcTableWriter#RETRIES} (batches tried again), {@value
 * JdbcTableWriter#ROWS_REJECTED} (rows sent to the error queue), {@value
 * JdbcTableWriter#BREAKER_OPENS} (times this writer opened the breaker) and the gauge {@value
 * JdbcTableWriter#BREAKER_STATE} (0 closed, 1 half-open, 2 open).
 *
 * <p>Its committer commits nothing; it is there so that savepoints of flink-connector-jdbc's sink,
 * which the tables were written with before, restore (see {@link NoCommits}).
 */
public final class JdbcTableSink<T> implements Sink<T>, SupportsCommitter<Void> {

    private static final long serialVersionUID = 1L;

    private final JdbcEndpoint endpoint;
    private final String table;
    private final JdbcQueryStatement<T> statement;
    private final RejectionHandler<T> rejections;
    private final int batchSize;
    private final Duration batchInterval;
    private final RetryPolicy retry;
    private final CircuitBreakerSettings circuitBreaker;

    private JdbcTableSink(Builder<T> builder) {
        this.endpoint = builder.endpoint;
        this.table = builder.table;
        this.statement = builder.statement;
        this.rejections = builder.rejections;
        this.batchSize = builder.batchSize;
        this.batchInterval = builder.batchInterval;
        this.retry = builder.retry;
        this.circuitBreaker = builder.circuitBreaker;
    }

    public static <T> Builder<T> builder() {
        return new Builder<>();
    }

    @Override
    public SinkWriter<T> createWriter(WriterInitContext context) {
        return taskWriter(
                context.metricGroup(),
                context.getProcessingTimeService(),
                context.isObjectReuseEnabled(),
                context.createInputSerializer());
    }

    /** Still abstract in Flink 1.20's {@link Sink}; the runtime calls the other one. */
    @Override
    @Deprecated
    public SinkWriter<T> createWriter(Sink.InitContext context) {
        return taskWriter(
                context.metricGroup(),
                context.getProcessingTimeService(),
                context.isObjectReuseEnabled(),
                context.createInputSerializer());
    }

    /**
     * A writer of a task, behind the database's breaker in the JVM. With object reuse on, the
     * runtime may hand the same object again, so buffered rows are copies.
     */
    private JdbcTableWriter<T> taskWriter(
            MetricGroup metrics,
            ProcessingTimeService time,
            boolean objectReuse,
            TypeSerializer<T> serializer) {
        return writer(
                metrics,
                time,
                objectReuse ? serializer::copy : UnaryOperator.identity(),
                Sleeper.SYSTEM,
                CircuitBreakers.of(endpoint.dependency(), circuitBreaker));
    }

    @Override
    public Committer<Void> createCommitter(CommitterInitContext context) {
        return new NoCommits();
    }

    @Override
    public SimpleVersionedSerializer<Void> getCommittableSerializer() {
        return NoCommits.SERIALIZER;
    }

    /**
     * A writer counting into {@code metrics}, timing batches with {@code time}, waiting between
     * retries with {@code sleeper}, behind {@code breaker}.
     */
    JdbcTableWriter<T> writer(
            MetricGroup metrics,
            ProcessingTimeService time,
            UnaryOperator<T> copier,
            Sleeper sleeper,
            CircuitBreaker breaker) {
        return new JdbcTableWriter<>(
                endpoint,
                table,
                statement,
                rejections,
                batchSize,
                batchInterval,
                retry,
                breaker,
                metrics,
                time,
                copier,
                sleeper);
    }

    /** The database written to. */
    public JdbcEndpoint endpoint() {
        return endpoint;
    }

    /** The table written to, as messages name it. */
    public String table() {
        return table;
    }

    public RetryPolicy retry() {
        return retry;
    }

    public CircuitBreakerSettings circuitBreaker() {
        return circuitBreaker;
    }

    /** Builds a {@link JdbcTableSink}; every part is required. */
    public static final class Builder<T> {

        private JdbcEndpoint endpoint;
        private String table;
        private JdbcQueryStatement<T> statement;
        private RejectionHandler<T> rejections;
        private int batchSize;
        private Duration batchInterval;
        private RetryPolicy retry;
        private CircuitBreakerSettings circuitBreaker;

        private Builder() {}

        public Builder<T> endpoint(JdbcEndpoint endpoint) {
            this.endpoint = endpoint;
            return this;
        }

        /**
         * The table, as messages name it, and the statement that writes a row into it.
         *
         * @param table e.g. {@code "public"."accounts"}
         */
        public Builder<T> table(String table, JdbcQueryStatement<T> statement) {
            this.table = table;
            this.statement = statement;
            return this;
        }

        /** What happens to rows the table refuses for good. */
        public Builder<T> rejections(RejectionHandler<T> rejections) {
            this.rejections = rejections;
            return this;
        }

        /**
         * @param size rows per batch, at least 1
         * @param interval the longest a row waits for its batch, more than 0
         */
        public Builder<T> batches(int size, Duration interval) {
            this.batchSize = size;
            this.batchInterval = interval;
            return this;
        }

        public Builder<T> retry(RetryPolicy retry) {
            this.retry = retry;
            return this;
        }

        public Builder<T> circuitBreaker(CircuitBreakerSettings circuitBreaker) {
            this.circuitBreaker = circuitBreaker;
            return this;
        }

        /**
         * @throws NullPointerException naming a part not given
         * @throws IllegalArgumentException for a batch size below 1 or an interval not above 0
         */
        public JdbcTableSink<T> build() {
            Objects.requireNonNull(endpoint, "endpoint");
            Objects.requireNonNull(table, "table");
            Objects.requireNonNull(statement, "statement");
            Objects.requireNonNull(rejections, "rejections");
            Objects.requireNonNull(batchInterval, "batchInterval");
            Objects.requireNonNull(retry, "retry");
            Objects.requireNonNull(circuitBreaker, "circuitBreaker");
            if (batchSize < 1) {
                throw new IllegalArgumentException("batch size must be at least 1: " + batchSize);
            }
            if (batchInterval.isZero() || batchInterval.isNegative()) {
                throw new IllegalArgumentException(
                        "batch interval must be longer than 0: " + batchInterval);
            }
            return new JdbcTableSink<>(this);
        }
    }
}
