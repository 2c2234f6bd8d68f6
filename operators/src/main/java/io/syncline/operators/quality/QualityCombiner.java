package io.syncline.operators.quality;

import io.syncline.schema.Observation;
import io.syncline.schema.ObservationStage;
import io.syncline.schema.QualityAccumulator;
import io.syncline.schema.QualityPartial;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import org.apache.flink.streaming.api.operators.AbstractStreamOperator;
import org.apache.flink.streaming.api.operators.ChainingStrategy;
import org.apache.flink.streaming.api.operators.OneInputStreamOperator;
import org.apache.flink.streaming.api.watermark.Watermark;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.runtime.watermarkstatus.WatermarkStatus;

/**
 * Sums the observations of each tenant's entity type per slot of event time where they are
 * observed, chained to the stage, so that the quality windows receive a few partial sums per slot
 * instead of two records per change. A slot is as long as its observations share their windows
 * ({@link QualityWindows.WindowSpec#combinableSlotMillis()}), so the windows come out exactly as if
 * they had seen every observation. Sums are sent on before every watermark (so none is late for
 * it), before every checkpoint barrier (so none needs state) and every second. Heartbeats are left
 * out. With a slot of 0 (session windows) each observation becomes a partial of its own, at its own
 * time.
 */
public final class QualityCombiner extends AbstractStreamOperator<QualityPartial>
        implements OneInputStreamOperator<Observation, QualityPartial> {

    private static final long serialVersionUID = 1L;

    private static final long FLUSH_INTERVAL_MILLIS = 1000;

    private final LatencyTargets targets;
    private final long slotMillis;

    private transient QualityAggregate aggregate;
    private transient Map<Slot, QualityAccumulator> pending;

    /**
     * @param targets the latency targets timeliness is counted against
     * @param slotMillis the slot of event time summed together; 0 for none
     */
    public QualityCombiner(LatencyTargets targets, long slotMillis) {
        this.targets = Objects.requireNonNull(targets, "targets");
        this.slotMillis = slotMillis;
        // Chained to the observing stage: combining only pays before the exchange.
        this.chainingStrategy = ChainingStrategy.ALWAYS;
    }

    private record Slot(String tenant, String entityType, long start) {}

    @Override
    public void open() throws Exception {
        super.open();
        aggregate = new QualityAggregate(targets);
        pending = new HashMap<>();
        scheduleFlush();
    }

    @Override
    public void processElement(StreamRecord<Observation> element) {
        Observation observation = element.getValue();
        if (observation.getStage() == ObservationStage.HEARTBEAT) {
            return;
        }
        long time = element.getTimestamp();
        if (slotMillis <= 0) {
            QualityAccumulator sums = aggregate.add(observation, aggregate.createAccumulator());
            output.collect(new StreamRecord<>(partial(observation, sums), time));
            return;
        }
        Slot slot =
                new Slot(
                        observation.getTenant(),
                        observation.getEntityType(),
                        time - Math.floorMod(time, slotMillis));
        aggregate.add(
                observation, pending.computeIfAbsent(slot, s -> aggregate.createAccumulator()));
    }

    @Override
    public void processWatermark(Watermark mark) throws Exception {
        flush();
        super.processWatermark(mark);
    }

    @Override
    public void processWatermarkStatus(WatermarkStatus status) throws Exception {
        flush();
        super.processWatermarkStatus(status);
    }

    @Override
    public void prepareSnapshotPreBarrier(long checkpointId) throws Exception {
        flush();
        super.prepareSnapshotPreBarrier(checkpointId);
    }

    @Override
    public void finish() throws Exception {
        flush();
        super.finish();
    }

    private void scheduleFlush() {
        long next = getProcessingTimeService().getCurrentProcessingTime() + FLUSH_INTERVAL_MILLIS;
        getProcessingTimeService()
                .registerTimer(
                        next,
                        time -> {
                            flush();
                            scheduleFlush();
                        });
    }

    private void flush() {
        if (pending.isEmpty()) {
            return;
        }
        pending.forEach(
                (slot, sums) ->
                        output.collect(
                                new StreamRecord<>(
                                        new QualityPartial(slot.tenant(), slot.entityType(), sums),
                                        slot.start())));
        pending.clear();
    }

    private static QualityPartial partial(Observation observation, QualityAccumulator sums) {
        return new QualityPartial(observation.getTenant(), observation.getEntityType(), sums);
    }
}
