package io.syncline.benchmarks;

import io.syncline.schema.ChangeEvent;
import io.syncline.schema.FieldValue;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.HdrHistogram.Recorder;
import org.apache.avro.message.BinaryMessageDecoder;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * Reads a change topic on its own thread, as a downstream reader would ({@code read_committed}) or
 * as the job writes it ({@code read_uncommitted}), counting what becomes visible and, when asked,
 * recording per change the latency from source commit ({@link ChangeEvent#getSourceCommitTime()})
 * and from when the workload meant to write it (the row's {@code updated_at}) to the moment it
 * became visible.
 */
public final class ChangeTopicConsumer implements AutoCloseable {

    private static final long MAX_LATENCY_MILLIS = TimeUnit.HOURS.toMillis(1);

    private final KafkaConsumer<byte[], byte[]> consumer;
    private final boolean decode;
    private final Thread thread;
    private final AtomicLong count = new AtomicLong();
    private final AtomicLong bytes = new AtomicLong();
    private final Recorder commitLatency = new Recorder(MAX_LATENCY_MILLIS, 3);
    private final Recorder dueLatency = new Recorder(MAX_LATENCY_MILLIS, 3);
    private final AtomicReference<Exception> failure = new AtomicReference<>();
    private final BinaryMessageDecoder<ChangeEvent> decoder = ChangeEvent.getDecoder();
    private volatile boolean running = true;
    private volatile long firstVisibleMillis;
    private volatile long firstVisibleCount;
    private volatile long lastVisibleMillis;
    private final List<long[]> progress = new java.util.concurrent.CopyOnWriteArrayList<>();

    /**
     * @param decode decode every change and record its latencies; counting only when false
     * @param committedOnly see only committed transactions ({@code read_committed}); otherwise
     *     records count as soon as the job writes them, which measures throughput without the
     *     quantization of commits on checkpoints
     */
    public ChangeTopicConsumer(
            String bootstrapServers, String topic, boolean decode, boolean committedOnly) {
        Properties properties = new Properties();
        properties.setProperty(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        properties.setProperty(
                ConsumerConfig.ISOLATION_LEVEL_CONFIG,
                committedOnly ? "read_committed" : "read_uncommitted");
        properties.setProperty(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        properties.setProperty(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        properties.setProperty(ConsumerConfig.GROUP_ID_CONFIG, "bench-" + UUID.randomUUID());
        properties.setProperty(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, "5000");
        properties.setProperty(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, "20");
        this.consumer =
                new KafkaConsumer<>(
                        properties, new ByteArrayDeserializer(), new ByteArrayDeserializer());
        this.consumer.subscribe(List.of(topic));
        this.decode = decode;
        this.thread = new Thread(this::run, "bench-consumer-" + topic);
        this.thread.setDaemon(true);
        this.thread.start();
    }

    private void run() {
        try {
            while (running) {
                ConsumerRecords<byte[], byte[]> records = consumer.poll(Duration.ofMillis(50));
                if (records.isEmpty()) {
                    continue;
                }
                long now = System.currentTimeMillis();
                long size = 0;
                ChangeEvent reuse = null;
                for (ConsumerRecord<byte[], byte[]> record : records) {
                    size += record.serializedValueSize();
                    if (decode) {
                        reuse = decoder.decode(ByteBuffer.wrap(record.value()), reuse);
                        record(reuse, now);
                    }
                }
                bytes.addAndGet(size);
                long total = count.addAndGet(records.count());
                if (firstVisibleMillis == 0) {
                    firstVisibleCount = total;
                    firstVisibleMillis = now;
                }
                lastVisibleMillis = now;
                progress.add(new long[] {now, total});
            }
        } catch (IOException e) {
            failure.set(new UncheckedIOException(e));
        } catch (RuntimeException e) {
            if (running) {
                failure.set(e);
            }
        } finally {
            consumer.close(Duration.ofSeconds(5));
        }
    }

    private void record(ChangeEvent change, long nowMillis) {
        commitLatency.recordValue(clamp(nowMillis - change.getSourceCommitTime().toEpochMilli()));
        Map<String, FieldValue> after = change.getAfter();
        if (after != null) {
            FieldValue updatedAt = after.get("updated_at");
            if (updatedAt != null && updatedAt.getValue() instanceof Long micros) {
                dueLatency.recordValue(clamp(nowMillis - micros / 1000));
            }
        }
    }

    private static long clamp(long millis) {
        return Math.max(0, Math.min(MAX_LATENCY_MILLIS, millis));
    }

    /** Changes visible so far. */
    public long count() {
        throwIfFailed();
        return count.get();
    }

    /** Bytes of change values visible so far. */
    public long bytes() {
        return bytes.get();
    }

    /** Wall time (epoch ms) of the first poll that returned anything, 0 before. */
    public long firstVisibleMillis() {
        return firstVisibleMillis;
    }

    /** How many changes that first poll returned. */
    public long firstVisibleCount() {
        return firstVisibleCount;
    }

    /** Wall time (epoch ms) of the latest poll that returned anything. */
    public long lastVisibleMillis() {
        return lastVisibleMillis;
    }

    /**
     * Changes per second between the polls at which 10% and 90% of {@code expected} changes were
     * visible: the steady pace, without the start-up before or the last commit after; NaN when both
     * fell on one poll (everything became visible at once).
     */
    public double steadyRate(long expected) {
        long[] from = null;
        long[] to = null;
        for (long[] mark : progress) {
            if (from == null && mark[1] >= expected / 10) {
                from = mark;
            }
            if (to == null && mark[1] >= expected * 9 / 10) {
                to = mark;
            }
        }
        if (from == null || to == null || to[0] <= from[0]) {
            return Double.NaN;
        }
        return (to[1] - from[1]) * 1000.0 / (to[0] - from[0]);
    }

    /** Latency from source commit to visible, since the previous call. */
    public Recorder commitLatency() {
        return commitLatency;
    }

    /**
     * Latency from when the workload meant to write a change to visible, since the previous call.
     */
    public Recorder dueLatency() {
        return dueLatency;
    }

    /**
     * Waits until at least {@code expected} changes are visible.
     *
     * @return whether they were before the timeout
     */
    public boolean awaitCount(long expected, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (count() < expected) {
            if (System.nanoTime() > deadline) {
                return false;
            }
            TimeUnit.MILLISECONDS.sleep(10);
        }
        return true;
    }

    private void throwIfFailed() {
        if (failure.get() != null) {
            throw new IllegalStateException("change topic consumer failed", failure.get());
        }
    }

    @Override
    public void close() throws InterruptedException {
        running = false;
        consumer.wakeup();
        thread.join(10_000);
    }
}
