package io.syncline.benchmarks;

import io.syncline.embedded.EmbeddedPostgresServer;
import java.io.StringReader;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;
import org.HdrHistogram.Histogram;
import org.postgresql.PGConnection;

/**
 * Writes a realistic change workload into the source tables: inserts, updates and deletes
 * (35/50/15) of customers, orders and invoices of several tenants, in transactions of a few
 * changes, through several connections.
 *
 * <p>{@link #runAtRate} is open loop: transaction {@code i} is due at {@code start + i * interval}
 * whether or not the previous ones finished, and each row's {@code updated_at} is set to that due
 * time, so a consumer can measure latency from when a change was due rather than from when a slow
 * writer got round to it (no coordinated omission). Each writer owns its own rows, so writers never
 * wait on each other's row locks.
 */
public final class Workload implements AutoCloseable {

    private final List<Writer> writers = new ArrayList<>();
    private final int txSize;
    private final AtomicLong changes = new AtomicLong();
    private final AtomicLong inserts = new AtomicLong();
    private final AtomicLong updates = new AtomicLong();
    private final AtomicLong deletes = new AtomicLong();

    /**
     * @param writers connections writing concurrently
     * @param txSize changes per transaction
     */
    public Workload(EmbeddedPostgresServer postgres, String database, int writers, int txSize)
            throws SQLException {
        this.txSize = txSize;
        for (int w = 0; w < writers; w++) {
            this.writers.add(new Writer(w, writers, postgres.connect(database)));
        }
    }

    /** Creates the tables. */
    public static void createTables(EmbeddedPostgresServer postgres, String database) {
        List<String> ddl = new ArrayList<>();
        for (WorkloadSchema.Table table : WorkloadSchema.TABLES) {
            ddl.add(table.createSql());
            ddl.add(table.replicaIdentitySql());
        }
        postgres.execute(database, ddl.toArray(String[]::new));
    }

    /** Loads {@code rowsPerTable} rows into each table with COPY, shared out among the writers. */
    public void seed(int rowsPerTable) throws Exception {
        for (Writer writer : writers) {
            writer.seed(rowsPerTable / writers.size());
        }
    }

    /**
     * Writes at {@code changesPerSecond} for {@code duration}, open loop.
     *
     * @param probes told of some committed changes, for target-table latency; may be null
     */
    public WriteStats runAtRate(double changesPerSecond, Duration duration, TargetProbe probes)
            throws InterruptedException {
        long transactions =
                Math.max(1, Math.round(changesPerSecond * duration.toNanos() / 1e9 / txSize));
        long intervalNanos = Math.round(txSize * 1e9 / changesPerSecond);
        return run(transactions, intervalNanos, probes);
    }

    /** Writes {@code count} changes (rounded up to whole transactions) as fast as it can. */
    public WriteStats runAsFastAsPossible(long count) throws InterruptedException {
        return run((count + txSize - 1) / txSize, 0, null);
    }

    private WriteStats run(long transactions, long intervalNanos, TargetProbe probes)
            throws InterruptedException {
        long before = changes.get();
        AtomicLong next = new AtomicLong();
        Histogram lagMicros = new Histogram(TimeUnit.HOURS.toMicros(1), 3);
        AtomicReference<Exception> failure = new AtomicReference<>();
        long startNanos = System.nanoTime();
        Instant startWall = Instant.now();
        List<Thread> threads = new ArrayList<>();
        for (Writer writer : writers) {
            Thread thread =
                    new Thread(
                            () -> {
                                try {
                                    Histogram own = new Histogram(TimeUnit.HOURS.toMicros(1), 3);
                                    for (long tx = next.getAndIncrement();
                                            tx < transactions && failure.get() == null;
                                            tx = next.getAndIncrement()) {
                                        long due = startNanos + tx * intervalNanos;
                                        long wait;
                                        while ((wait = due - System.nanoTime()) > 0) {
                                            LockSupport.parkNanos(wait);
                                        }
                                        own.recordValue(
                                                Math.max(0, (System.nanoTime() - due) / 1000));
                                        Instant dueWall =
                                                intervalNanos == 0
                                                        ? Instant.now()
                                                        : startWall.plusNanos(tx * intervalNanos);
                                        writer.transaction(txSize, dueWall, probes);
                                    }
                                    synchronized (lagMicros) {
                                        lagMicros.add(own);
                                    }
                                } catch (Exception e) {
                                    failure.compareAndSet(null, e);
                                }
                            },
                            "bench-writer-" + writer.index);
            threads.add(thread);
            thread.start();
        }
        for (Thread thread : threads) {
            thread.join();
        }
        if (failure.get() != null) {
            throw new IllegalStateException("workload writer failed", failure.get());
        }
        long elapsedNanos = System.nanoTime() - startNanos;
        return new WriteStats(
                changes.get() - before,
                elapsedNanos / 1e9,
                lagMicros.getValueAtPercentile(99) / 1000.0,
                lagMicros.getMaxValue() / 1000.0);
    }

    /** Changes committed so far, by all runs. */
    public long changes() {
        return changes.get();
    }

    public long inserts() {
        return inserts.get();
    }

    public long updates() {
        return updates.get();
    }

    public long deletes() {
        return deletes.get();
    }

    @Override
    public void close() throws SQLException {
        for (Writer writer : writers) {
            writer.close();
        }
    }

    /**
     * What one run wrote.
     *
     * @param changes changes committed
     * @param seconds wall time of the run
     * @param scheduleLagP99Millis how late the 99th percentile transaction started (open loop)
     * @param scheduleLagMaxMillis how late the latest transaction started
     */
    public record WriteStats(
            long changes,
            double seconds,
            double scheduleLagP99Millis,
            double scheduleLagMaxMillis) {

        /** Changes per second achieved. */
        public double rate() {
            return changes / seconds;
        }
    }

    /** One connection and the rows it owns (ids congruent to its index modulo writer count). */
    private final class Writer {
        private final int index;
        private final int stride;
        private final Connection connection;
        private final RowFactory rows;
        private final LiveIds[] live = new LiveIds[WorkloadSchema.TABLES.size()];
        private final PreparedStatement[] insert = new PreparedStatement[live.length];
        private final PreparedStatement[] update = new PreparedStatement[live.length];
        private final PreparedStatement[] delete = new PreparedStatement[live.length];
        private long nextSerial;
        private long changeCount;

        Writer(int index, int stride, Connection connection) throws SQLException {
            this.index = index;
            this.stride = stride;
            this.connection = connection;
            this.rows = new RowFactory(1000L + index);
            connection.setAutoCommit(false);
            for (int t = 0; t < live.length; t++) {
                String table = WorkloadSchema.TABLES.get(t).name();
                live[t] = new LiveIds();
                insert[t] =
                        connection.prepareStatement(
                                "INSERT INTO "
                                        + table
                                        + " ("
                                        + String.join(", ", WorkloadSchema.COLUMNS)
                                        + ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, CAST(? AS"
                                        + " jsonb))");
                update[t] =
                        connection.prepareStatement(
                                "UPDATE "
                                        + table
                                        + " SET status = ?, amount = ?, quantity = ?, updated_at"
                                        + " = ?, attributes = CAST(? AS jsonb) WHERE id = ?");
                delete[t] = connection.prepareStatement("DELETE FROM " + table + " WHERE id = ?");
            }
        }

        private long newId() {
            return index + stride * nextSerial++;
        }

        void seed(int rowsPerTable) throws Exception {
            LocalDateTime now = LocalDateTime.now(ZoneOffset.UTC);
            for (int t = 0; t < live.length; t++) {
                StringBuilder copy = new StringBuilder(rowsPerTable * 520);
                for (int i = 0; i < rowsPerTable; i++) {
                    long id = newId();
                    live[t].add(id);
                    rows.appendCopyLine(copy, id, now);
                }
                connection
                        .unwrap(PGConnection.class)
                        .getCopyAPI()
                        .copyIn(
                                "COPY "
                                        + WorkloadSchema.TABLES.get(t).name()
                                        + " ("
                                        + String.join(", ", WorkloadSchema.COLUMNS)
                                        + ") FROM STDIN",
                                new StringReader(copy.toString()));
            }
            connection.commit();
        }

        void transaction(int size, Instant due, TargetProbe probes) throws SQLException {
            LocalDateTime updatedAt = LocalDateTime.ofInstant(due, ZoneOffset.UTC);
            long dueMicros = TimeUnit.SECONDS.toMicros(due.getEpochSecond()) + due.getNano() / 1000;
            int probeTable = -1;
            long probeId = 0;
            for (int i = 0; i < size; i++) {
                int t = rows.random().nextInt(live.length);
                int dice = rows.random().nextInt(100);
                LiveIds ids = live[t];
                if (dice < 35 || ids.size() < 100) {
                    long id = newId();
                    PreparedStatement s = insert[t];
                    s.setLong(1, id);
                    s.setString(2, rows.tenant());
                    s.setString(3, rows.name(id));
                    s.setString(4, rows.email(id));
                    s.setString(5, rows.status());
                    s.setBigDecimal(6, rows.amount());
                    s.setInt(7, rows.quantity());
                    s.setObject(8, updatedAt);
                    s.setObject(9, updatedAt);
                    s.setString(10, rows.notes());
                    s.setString(11, rows.attributes());
                    s.executeUpdate();
                    ids.add(id);
                    inserts.incrementAndGet();
                    probeTable = t;
                    probeId = id;
                } else if (dice < 85) {
                    long id = ids.random(rows.random());
                    PreparedStatement s = update[t];
                    s.setString(1, rows.status());
                    s.setBigDecimal(2, rows.amount());
                    s.setInt(3, rows.quantity());
                    s.setObject(4, updatedAt);
                    s.setString(5, rows.attributes());
                    s.setLong(6, id);
                    s.executeUpdate();
                    updates.incrementAndGet();
                    probeTable = t;
                    probeId = id;
                } else {
                    long id = ids.removeRandom(rows.random());
                    PreparedStatement s = delete[t];
                    s.setLong(1, id);
                    s.executeUpdate();
                    deletes.incrementAndGet();
                    if (probeTable == t && probeId == id) {
                        probeTable = -1;
                    }
                }
            }
            connection.commit();
            changes.addAndGet(size);
            changeCount += size;
            if (probes != null && probeTable >= 0 && probes.wants(changeCount, size)) {
                probes.expect(
                        WorkloadSchema.TABLES.get(probeTable).name(),
                        probeId,
                        dueMicros,
                        System.currentTimeMillis());
            }
        }

        void close() throws SQLException {
            connection.close();
        }
    }

    /** Ids of live rows, with O(1) random pick and removal. */
    private static final class LiveIds {
        private long[] ids = new long[1024];
        private int size;

        void add(long id) {
            if (size == ids.length) {
                ids = java.util.Arrays.copyOf(ids, size * 2);
            }
            ids[size++] = id;
        }

        int size() {
            return size;
        }

        long random(java.util.Random random) {
            return ids[random.nextInt(size)];
        }

        long removeRandom(java.util.Random random) {
            int i = random.nextInt(size);
            long id = ids[i];
            ids[i] = ids[--size];
            return id;
        }
    }
}
