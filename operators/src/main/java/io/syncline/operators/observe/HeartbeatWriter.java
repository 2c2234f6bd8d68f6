package io.syncline.operators.observe;

import io.syncline.operators.jdbc.PostgresConnections;
import java.io.Serializable;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.api.connector.sink2.SinkWriter;
import org.apache.flink.api.connector.sink2.WriterInitContext;
import org.apache.flink.metrics.Counter;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes each source's heartbeat row on every tick it is handed. Syncline writes heartbeats itself
 * rather than through Debezium's {@code heartbeat.action.query}, which only runs once the stream
 * has carried a first change: a source quiet from the start would never beat. A heartbeat that
 * cannot be written (database down, table locked) is counted and logged, never fails the job: the
 * missing heartbeats then show up as rising source lag. Writes time out after one interval, so a
 * blocked write never holds up checkpoints for long.
 */
public final class HeartbeatWriter implements Sink<Long> {

    private static final long serialVersionUID = 1L;

    private static final Logger LOG = LoggerFactory.getLogger(HeartbeatWriter.class);

    /**
     * One source database to beat in.
     *
     * @param qualifiedTable the quoted, schema-qualified heartbeat table
     */
    public record Target(
            String sourceId, String url, String username, String password, String qualifiedTable)
            implements Serializable {

        public Target {
            Objects.requireNonNull(sourceId, "sourceId");
            Objects.requireNonNull(url, "url");
            Objects.requireNonNull(qualifiedTable, "qualifiedTable");
        }

        @Override
        public String toString() {
            return sourceId + " at " + url.replaceFirst("\\?.*", "");
        }
    }

    private final List<Target> targets;
    private final Duration timeout;

    /**
     * @param targets the sources' databases
     * @param timeout how long one write may take; the heartbeat interval
     */
    public HeartbeatWriter(List<Target> targets, Duration timeout) {
        this.targets = List.copyOf(targets);
        this.timeout = timeout;
    }

    @Override
    @Deprecated
    public SinkWriter<Long> createWriter(InitContext context) {
        throw new UnsupportedOperationException("Flink 1.20 calls createWriter(WriterInitContext)");
    }

    @Override
    public SinkWriter<Long> createWriter(WriterInitContext context) {
        return new Writer(
                targets,
                timeout,
                context.metricGroup().counter("heartbeatsWritten"),
                context.metricGroup().counter("heartbeatsFailed"));
    }

    private static final class Writer implements SinkWriter<Long> {

        private final List<Target> targets;
        private final Duration timeout;
        private final Counter written;
        private final Counter failed;
        private final Map<String, Connection> connections = new HashMap<>();
        private final Map<String, Boolean> failing = new HashMap<>();

        Writer(List<Target> targets, Duration timeout, Counter written, Counter failed) {
            this.targets = targets;
            this.timeout = timeout;
            this.written = written;
            this.failed = failed;
        }

        @Override
        public void write(Long tick, Context context) {
            for (Target target : targets) {
                try {
                    beat(target);
                    written.inc();
                    if (failing.remove(target.sourceId()) != null) {
                        LOG.info("heartbeats of source {} are written again", target);
                    }
                } catch (SQLException e) {
                    failed.inc();
                    close(target);
                    // Logged when it starts failing, not on every beat.
                    if (failing.put(target.sourceId(), Boolean.TRUE) == null) {
                        LOG.warn(
                                "cannot write the heartbeat of source {} ({}): its lag will rise"
                                        + " until it can; check that the database is up and the"
                                        + " user may write {}",
                                target,
                                e.getMessage(),
                                target.qualifiedTable());
                    }
                }
            }
        }

        private void beat(Target target) throws SQLException {
            Connection connection = connections.get(target.sourceId());
            if (connection == null) {
                long seconds = Math.max(1, timeout.toSeconds());
                connection =
                        PostgresConnections.open(
                                target.url(),
                                target.username(),
                                target.password(),
                                Duration.ofSeconds(seconds),
                                Duration.ofSeconds(seconds * 3),
                                "syncline-heartbeat");
                // Kept before it is set up, so that close(target) closes it if setting up fails.
                connections.put(target.sourceId(), connection);
                connection.setAutoCommit(true);
                try (Statement statement = connection.createStatement()) {
                    statement.execute("SET statement_timeout = " + Math.max(1, timeout.toMillis()));
                }
            }
            try (Statement statement = connection.createStatement()) {
                statement.execute(
                        Heartbeats.actionQuery(target.qualifiedTable(), target.sourceId()));
            }
        }

        private void close(Target target) {
            Connection connection = connections.remove(target.sourceId());
            if (connection != null) {
                try {
                    connection.close();
                } catch (SQLException e) {
                    // Broken already; nothing to keep.
                }
            }
        }

        @Override
        public void flush(boolean endOfInput) {}

        @Override
        public void close() {
            for (Target target : new ArrayList<>(targets)) {
                close(target);
            }
        }
    }
}
