package io.syncline.jobs.demo;

import io.syncline.schema.ChangeEvent;
import io.syncline.schema.ErrorRecord;
import io.syncline.schema.Operation;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.errors.WakeupException;

/**
 * Follows the change and error topics as a downstream reader would ({@code read_committed}) and
 * keeps counts (changes by operation, changes that validation corrected, errors by code) and the
 * commit-to-visible lag of what it sees.
 */
public final class TopicMonitor implements AutoCloseable {

    /** What the monitor has seen so far. */
    public record Snapshot(
            Map<Operation, Long> changes,
            long corrected,
            Map<String, Long> errors,
            List<Long> recentLagMillis) {

        public long totalChanges() {
            return changes.values().stream().mapToLong(Long::longValue).sum();
        }

        public long totalErrors() {
            return errors.values().stream().mapToLong(Long::longValue).sum();
        }
    }

    private final KafkaConsumer<byte[], byte[]> consumer;
    private final String changeTopic;
    private final Clock clock;
    private final Thread poller;
    private final Map<Operation, Long> changes = new EnumMap<>(Operation.class);
    private final Map<String, Long> errors = new TreeMap<>();
    private long corrected;
    private List<Long> recentLagMillis = new ArrayList<>();
    private volatile RuntimeException failure;

    public TopicMonitor(
            String bootstrapServers, String changeTopic, String errorTopic, Clock clock) {
        this.consumer = DemoConsumers.readCommitted(bootstrapServers, "syncline-monitor");
        this.changeTopic = changeTopic;
        this.clock = clock;
        consumer.subscribe(List.of(changeTopic, errorTopic));
        this.poller = new Thread(this::poll, "syncline-topic-monitor");
        poller.setDaemon(true);
        poller.start();
    }

    /** Counts so far; the lags are those seen since the previous call. */
    public synchronized Snapshot snapshot() {
        if (failure != null) {
            throw failure;
        }
        List<Long> lags = recentLagMillis;
        recentLagMillis = new ArrayList<>();
        Collections.sort(lags);
        return new Snapshot(new EnumMap<>(changes), corrected, new TreeMap<>(errors), lags);
    }

    private void poll() {
        try {
            while (!Thread.currentThread().isInterrupted()) {
                for (ConsumerRecord<byte[], byte[]> record :
                        consumer.poll(Duration.ofMillis(200))) {
                    count(record);
                }
            }
        } catch (WakeupException e) {
            // close() was called.
        } catch (IOException | RuntimeException e) {
            failure = new IllegalStateException("cannot read the topics: " + e.getMessage(), e);
        } finally {
            consumer.close(Duration.ofSeconds(5));
        }
    }

    private synchronized void count(ConsumerRecord<byte[], byte[]> record) throws IOException {
        if (record.topic().equals(changeTopic)) {
            ChangeEvent change = ChangeEvent.getDecoder().decode(ByteBuffer.wrap(record.value()));
            changes.merge(change.getOp(), 1L, Long::sum);
            if (!change.getRemediations().isEmpty()) {
                corrected++;
            }
            recentLagMillis.add(clock.millis() - change.getSourceCommitTime().toEpochMilli());
        } else {
            ErrorRecord error = ErrorRecord.getDecoder().decode(ByteBuffer.wrap(record.value()));
            errors.merge(error.getCode(), 1L, Long::sum);
        }
    }

    @Override
    public void close() throws InterruptedException {
        consumer.wakeup();
        poller.join(10_000);
    }
}
