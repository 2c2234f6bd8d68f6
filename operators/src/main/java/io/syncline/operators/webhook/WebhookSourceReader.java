package io.syncline.operators.webhook;

import java.time.Clock;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.apache.flink.api.connector.source.ReaderOutput;
import org.apache.flink.api.connector.source.SourceEvent;
import org.apache.flink.api.connector.source.SourceReader;
import org.apache.flink.api.connector.source.SourceReaderContext;
import org.apache.flink.connector.kafka.source.split.KafkaPartitionSplit;
import org.apache.flink.core.io.InputStatus;
import org.apache.flink.metrics.MetricGroup;

/**
 * The landing topic's reader, with the webhook receiver of its subtask started beside it and
 * stopped with it; everything else is the Kafka reader's.
 */
final class WebhookSourceReader<T> implements SourceReader<T, KafkaPartitionSplit> {

    private final SourceReader<T, KafkaPartitionSplit> landing;
    private final WebhookSettings settings;
    private final SourceReaderContext context;
    private WebhookReceiver receiver;

    WebhookSourceReader(
            SourceReader<T, KafkaPartitionSplit> landing,
            WebhookSettings settings,
            SourceReaderContext context) {
        this.landing = landing;
        this.settings = settings;
        this.context = context;
    }

    @Override
    public void start() {
        if (context.getIndexOfSubtask() >= settings.receivers()) {
            landing.start();
            return;
        }
        // A restart finds the port free again: the reader of the failed attempt closed it.
        receiver = WebhookReceiver.start(settings, context.getIndexOfSubtask(), Clock.systemUTC());
        MetricGroup metrics = context.metricGroup().addGroup("webhook");
        WebhookReceiver started = receiver;
        metrics.gauge("accepted", started::accepted);
        metrics.gauge("unauthorized", started::unauthorized);
        metrics.gauge("malformed", started::malformed);
        metrics.gauge("unavailable", started::unavailable);
        landing.start();
    }

    @Override
    public InputStatus pollNext(ReaderOutput<T> output) throws Exception {
        return landing.pollNext(output);
    }

    @Override
    public List<KafkaPartitionSplit> snapshotState(long checkpointId) {
        return landing.snapshotState(checkpointId);
    }

    @Override
    public CompletableFuture<Void> isAvailable() {
        return landing.isAvailable();
    }

    @Override
    public void addSplits(List<KafkaPartitionSplit> splits) {
        landing.addSplits(splits);
    }

    @Override
    public void notifyNoMoreSplits() {
        landing.notifyNoMoreSplits();
    }

    @Override
    public void handleSourceEvents(SourceEvent sourceEvent) {
        landing.handleSourceEvents(sourceEvent);
    }

    @Override
    public void pauseOrResumeSplits(
            java.util.Collection<String> splitsToPause,
            java.util.Collection<String> splitsToResume) {
        landing.pauseOrResumeSplits(splitsToPause, splitsToResume);
    }

    @Override
    public void notifyCheckpointComplete(long checkpointId) throws Exception {
        landing.notifyCheckpointComplete(checkpointId);
    }

    @Override
    public void notifyCheckpointAborted(long checkpointId) throws Exception {
        landing.notifyCheckpointAborted(checkpointId);
    }

    @Override
    public void close() throws Exception {
        try {
            if (receiver != null) {
                receiver.close();
            }
        } finally {
            landing.close();
        }
    }
}
