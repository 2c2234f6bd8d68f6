package io.syncline.operators.observe;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.entry;

import io.syncline.embedded.PostgresExtension;
import io.syncline.operators.TableDatabase;
import io.syncline.operators.sink.SqlIdentifiers;
import java.io.IOException;
import java.net.ServerSocket;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.flink.api.common.typeutils.base.LongSerializer;
import org.apache.flink.metrics.Counter;
import org.apache.flink.runtime.jobgraph.OperatorID;
import org.apache.flink.runtime.metrics.groups.InternalOperatorMetricGroup;
import org.apache.flink.runtime.metrics.util.InterceptingOperatorMetricGroup;
import org.apache.flink.runtime.metrics.util.InterceptingTaskMetricGroup;
import org.apache.flink.runtime.operators.testutils.MockEnvironment;
import org.apache.flink.runtime.operators.testutils.MockEnvironmentBuilder;
import org.apache.flink.streaming.api.connector.sink2.CommittableMessage;
import org.apache.flink.streaming.runtime.operators.sink.SinkWriterOperatorFactory;
import org.apache.flink.streaming.util.OneInputStreamOperatorTestHarness;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The heartbeat writer in Flink's sink writer operator, writing to a real PostgreSQL. */
class HeartbeatWriterTest {

    private static final String TABLE = SqlIdentifiers.qualified("public", "syncline_heartbeat");

    @RegisterExtension static final PostgresExtension POSTGRES = new PostgresExtension();

    @RegisterExtension
    static final TableDatabase DATABASE =
            new TableDatabase("heartbeat_writer", "public", TABLE, Heartbeats.createSql(TABLE));

    /** Short, so that a write blocked by a lock times out quickly. */
    private static final Duration INTERVAL = Duration.ofMillis(500);

    /** The writer's socket timeout: a write cut off after it did not time out by itself. */
    private static final Duration SOCKET_TIMEOUT = Duration.ofSeconds(3);

    /** The sink writer operator with the writer's counters. */
    private static final class Harness implements AutoCloseable {

        private final InterceptingOperatorMetricGroup metrics;
        private final MockEnvironment environment;
        private final OneInputStreamOperatorTestHarness<Long, CommittableMessage<Void>> operator;
        private long ticks;

        Harness(HeartbeatWriter sink) throws Exception {
            metrics = new InterceptingOperatorMetricGroup();
            environment =
                    new MockEnvironmentBuilder()
                            .setMetricGroup(
                                    new InterceptingTaskMetricGroup() {
                                        @Override
                                        public InternalOperatorMetricGroup getOrAddOperator(
                                                OperatorID operatorId, String name) {
                                            return metrics;
                                        }
                                    })
                            .build();
            operator =
                    new OneInputStreamOperatorTestHarness<>(
                            new SinkWriterOperatorFactory<Long, Void>(sink),
                            LongSerializer.INSTANCE,
                            environment);
            operator.open();
        }

        /** Hands the writer the next tick; returns how long writing took. */
        Duration tick() throws Exception {
            long start = System.nanoTime();
            operator.processElement(ticks++, 0L);
            return Duration.ofNanos(System.nanoTime() - start);
        }

        long written() {
            return ((Counter) metrics.get("heartbeatsWritten")).getCount();
        }

        long failed() {
            return ((Counter) metrics.get("heartbeatsFailed")).getCount();
        }

        @Override
        public void close() throws Exception {
            try {
                operator.close();
            } finally {
                environment.close();
            }
        }
    }

    private static HeartbeatWriter.Target target(String sourceId) {
        return target(sourceId, POSTGRES.jdbcUrl("heartbeat_writer"));
    }

    private static HeartbeatWriter.Target target(String sourceId, String url) {
        return new HeartbeatWriter.Target(
                sourceId, url, POSTGRES.username(), POSTGRES.password(), TABLE);
    }

    /** Each source's heartbeat time, by source id. */
    private static Map<String, OffsetDateTime> beats() throws SQLException {
        Map<String, OffsetDateTime> beats = new HashMap<>();
        try (Statement statement = DATABASE.connection().createStatement();
                ResultSet rows =
                        statement.executeQuery("SELECT source_id, beat_at FROM " + TABLE)) {
            while (rows.next()) {
                beats.put(rows.getString(1), rows.getObject(2, OffsetDateTime.class));
            }
        }
        return beats;
    }

    /** Each source's heartbeat sequence number, by source id. */
    private static Map<String, Long> sequences() throws SQLException {
        Map<String, Long> sequences = new HashMap<>();
        try (Statement statement = DATABASE.connection().createStatement();
                ResultSet rows = statement.executeQuery("SELECT source_id, seq FROM " + TABLE)) {
            while (rows.next()) {
                sequences.put(rows.getString(1), rows.getLong(2));
            }
        }
        return sequences;
    }

    private static OffsetDateTime databaseNow() throws SQLException {
        try (Statement statement = DATABASE.connection().createStatement();
                ResultSet row = statement.executeQuery("SELECT clock_timestamp()")) {
            row.next();
            return row.getObject(1, OffsetDateTime.class);
        }
    }

    /** A local port nothing listens on. */
    private static int closedPort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    @Test
    void theHeartbeatIsAnUpsertOfOneRowPerSource() {
        assertThat(Heartbeats.createSql(TABLE).get(0))
                .isEqualTo(
                        "CREATE TABLE IF NOT EXISTS \"public\".\"syncline_heartbeat\" (source_id"
                                + " text PRIMARY KEY, beat_at timestamptz NOT NULL, seq bigint NOT"
                                + " NULL DEFAULT 0)");
        assertThat(Heartbeats.actionQuery(TABLE, "o'brien"))
                .isEqualTo(
                        "INSERT INTO \"public\".\"syncline_heartbeat\" AS beat (source_id, beat_at,"
                                + " seq) VALUES ('o''brien', now(), 1) ON CONFLICT (source_id) DO"
                                + " UPDATE SET beat_at = EXCLUDED.beat_at, seq = beat.seq + 1");
        assertThat(Heartbeats.isHeartbeat(Heartbeats.ENTITY_TYPE)).isTrue();
        assertThat(Heartbeats.isHeartbeat("customer")).isFalse();
    }

    @Test
    void aTickWritesEachSourcesRowAndTheNextTickUpdatesIt() throws Exception {
        OffsetDateTime before = databaseNow();
        try (Harness harness =
                new Harness(
                        new HeartbeatWriter(List.of(target("crm"), target("billing")), INTERVAL))) {
            harness.tick();

            Map<String, OffsetDateTime> first = beats();
            assertThat(first).containsOnlyKeys("crm", "billing");
            assertThat(first.values()).allSatisfy(beat -> assertThat(beat).isAfter(before));

            harness.tick();

            Map<String, OffsetDateTime> second = beats();
            assertThat(second).containsOnlyKeys("crm", "billing");
            assertThat(second.get("crm")).isAfter(first.get("crm"));
            assertThat(second.get("billing")).isAfter(first.get("billing"));
            assertThat(sequences()).containsOnly(entry("crm", 2L), entry("billing", 2L));
            assertThat(harness.written()).isEqualTo(4);
            assertThat(harness.failed()).isZero();
        }
    }

    @Test
    void theSequenceNumberRisesWithEveryWriteAcrossWriters() throws Exception {
        try (Harness harness = new Harness(new HeartbeatWriter(List.of(target("crm")), INTERVAL))) {
            harness.tick();
            harness.tick();
        }
        assertThat(sequences()).containsOnly(entry("crm", 2L));

        // A restarted job's writer goes on from the number in the database.
        try (Harness harness = new Harness(new HeartbeatWriter(List.of(target("crm")), INTERVAL))) {
            harness.tick();
        }
        assertThat(sequences()).containsOnly(entry("crm", 3L));
    }

    @Test
    void aTableOfAnEarlierVersionGainsTheSequenceNumberAndKeepsItsRows() throws Exception {
        DATABASE.execute(
                "DROP TABLE " + TABLE,
                "CREATE TABLE "
                        + TABLE
                        + " (source_id text PRIMARY KEY, beat_at timestamptz NOT NULL)",
                "INSERT INTO " + TABLE + " VALUES ('crm', now())");

        // Twice, as every start of the job does.
        DATABASE.execute(Heartbeats.createSql(TABLE).toArray(String[]::new));
        DATABASE.execute(Heartbeats.createSql(TABLE).toArray(String[]::new));

        assertThat(sequences()).containsOnly(entry("crm", 0L));
        try (Harness harness =
                new Harness(
                        new HeartbeatWriter(List.of(target("crm"), target("billing")), INTERVAL))) {
            harness.tick();
        }
        assertThat(sequences()).containsOnly(entry("crm", 1L), entry("billing", 1L));
    }

    @Test
    void aLockedTableTimesTheWriteOutAfterOneIntervalAndTheNextTickAfterTheLockSucceeds()
            throws Exception {
        try (Harness harness = new Harness(new HeartbeatWriter(List.of(target("crm")), INTERVAL));
                Connection locker = POSTGRES.connect("heartbeat_writer")) {
            locker.setAutoCommit(false);
            try (Statement lock = locker.createStatement()) {
                lock.execute("LOCK TABLE " + TABLE + " IN ACCESS EXCLUSIVE MODE");
            }

            Duration blocked = harness.tick();

            assertThat(harness.failed()).isEqualTo(1);
            assertThat(harness.written()).isZero();
            // Cut off by the statement timeout of one interval, not by the socket timeout.
            assertThat(blocked).isGreaterThanOrEqualTo(INTERVAL).isLessThan(SOCKET_TIMEOUT);

            locker.rollback();
            assertThat(beats()).isEmpty();

            harness.tick();

            assertThat(harness.written()).isEqualTo(1);
            assertThat(harness.failed()).isEqualTo(1);
            assertThat(beats()).containsOnlyKeys("crm");
        }
    }

    @Test
    void anUnreachableDatabaseCountsAFailureEveryTickAndTheOtherSourcesStillBeat()
            throws Exception {
        HeartbeatWriter.Target unreachable =
                target("erp", "jdbc:postgresql://localhost:" + closedPort() + "/erp");
        try (Harness harness =
                new Harness(new HeartbeatWriter(List.of(unreachable, target("crm")), INTERVAL))) {
            harness.tick();
            harness.tick();

            assertThat(harness.failed()).isEqualTo(2);
            assertThat(harness.written()).isEqualTo(2);
            assertThat(beats()).containsOnlyKeys("crm");
        }
    }
}
