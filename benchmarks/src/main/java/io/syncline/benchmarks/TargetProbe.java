package io.syncline.benchmarks;

import io.syncline.embedded.EmbeddedPostgresServer;
import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.HdrHistogram.Recorder;

/**
 * Measures when sampled changes become visible in the target tables: the workload reports one
 * committed change every so often, and a thread polls the target database every few milliseconds
 * until the row shows that change ({@code updated_at} at least the change's), or a tombstone.
 */
public final class TargetProbe implements AutoCloseable {

    private static final long GIVE_UP_MILLIS = TimeUnit.MINUTES.toMillis(2);
    private static final long POLL_MILLIS = 20;

    private final int sampleEvery;
    private final Connection connection;
    private final ConcurrentLinkedQueue<Pending> incoming = new ConcurrentLinkedQueue<>();
    private final Recorder latency = new Recorder(TimeUnit.HOURS.toMillis(1), 3);
    private final AtomicLong lost = new AtomicLong();
    private final AtomicReference<Exception> failure = new AtomicReference<>();
    private final Thread thread;
    private volatile boolean running = true;

    private record Pending(String table, long id, long dueMicros, long commitMillis) {}

    /**
     * @param targetDatabase database holding the target tables
     * @param sampleEvery one change in this many is followed
     */
    public TargetProbe(EmbeddedPostgresServer postgres, String targetDatabase, int sampleEvery)
            throws SQLException {
        this.sampleEvery = sampleEvery;
        this.connection = postgres.connect(targetDatabase);
        this.thread = new Thread(this::run, "bench-target-probe");
        this.thread.setDaemon(true);
        this.thread.start();
    }

    /** Whether the writer that has written {@code written} changes should report this one. */
    boolean wants(long written, int lastTransactionSize) {
        return written / sampleEvery != (written - lastTransactionSize) / sampleEvery;
    }

    /** A change committed at {@code commitMillis} that set the row's updated_at to {@code due}. */
    void expect(String table, long id, long dueMicros, long commitMillis) {
        incoming.add(new Pending(table, id, dueMicros, commitMillis));
    }

    /** Latency from commit to visible in the target table, since the previous call. */
    public Recorder latency() {
        return latency;
    }

    /** Sampled changes that never became visible (their row was deleted and purged, or a bug). */
    public long lost() {
        return lost.get();
    }

    private void run() {
        List<Pending> pending = new ArrayList<>();
        Map<String, PreparedStatement> queries = new HashMap<>();
        try {
            while (running) {
                for (Pending p = incoming.poll(); p != null; p = incoming.poll()) {
                    pending.add(p);
                }
                if (!pending.isEmpty()) {
                    check(pending, queries);
                }
                TimeUnit.MILLISECONDS.sleep(POLL_MILLIS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (SQLException | RuntimeException e) {
            if (running) {
                failure.set(e);
            }
        }
    }

    private void check(List<Pending> pending, Map<String, PreparedStatement> queries)
            throws SQLException {
        Map<String, List<Pending>> byTable = new HashMap<>();
        for (Pending p : pending) {
            byTable.computeIfAbsent(p.table(), t -> new ArrayList<>()).add(p);
        }
        long now = System.currentTimeMillis();
        for (Map.Entry<String, List<Pending>> entry : byTable.entrySet()) {
            PreparedStatement query =
                    queries.computeIfAbsent(
                            entry.getKey(),
                            table -> {
                                try {
                                    return connection.prepareStatement(
                                            "SELECT id, updated_at, _syncline_deleted FROM "
                                                    + table
                                                    + " WHERE id = ANY(?)");
                                } catch (SQLException e) {
                                    throw new IllegalStateException(e);
                                }
                            });
            Long[] ids = entry.getValue().stream().map(Pending::id).toArray(Long[]::new);
            Array array = connection.createArrayOf("bigint", ids);
            Map<Long, Long> visibleMicros = new HashMap<>();
            try {
                query.setArray(1, array);
                try (ResultSet rows = query.executeQuery()) {
                    while (rows.next()) {
                        Timestamp updatedAt = rows.getTimestamp(2);
                        boolean deleted = rows.getBoolean(3);
                        visibleMicros.put(
                                rows.getLong(1),
                                deleted || updatedAt == null ? Long.MAX_VALUE : micros(updatedAt));
                    }
                }
            } catch (SQLException e) {
                if ("42P01".equals(e.getSQLState())) {
                    continue; // the sink has not created the table yet
                }
                throw e;
            } finally {
                array.free();
            }
            for (Pending p : entry.getValue()) {
                Long seen = visibleMicros.get(p.id());
                if (seen != null && seen >= p.dueMicros()) {
                    latency.recordValue(Math.max(0, now - p.commitMillis()));
                    pending.remove(p);
                }
            }
        }
        for (Iterator<Pending> it = pending.iterator(); it.hasNext(); ) {
            if (now - it.next().commitMillis() > GIVE_UP_MILLIS) {
                lost.incrementAndGet();
                it.remove();
            }
        }
    }

    private static long micros(Timestamp timestamp) {
        // The target column is timestamp without zone, read in the JVM's zone: undo that.
        java.time.LocalDateTime local = timestamp.toLocalDateTime();
        java.time.Instant instant = local.toInstant(java.time.ZoneOffset.UTC);
        return TimeUnit.SECONDS.toMicros(instant.getEpochSecond()) + instant.getNano() / 1000;
    }

    @Override
    public void close() throws Exception {
        running = false;
        thread.join(5_000);
        connection.close();
        if (failure.get() != null) {
            throw new IllegalStateException("target probe failed", failure.get());
        }
    }
}
