package io.syncline.operators.quality.readback;

import io.syncline.operators.key.EntityKeys;
import io.syncline.operators.sink.TargetTable;
import io.syncline.schema.ChangeEvent;
import io.syncline.schema.Observation;
import io.syncline.schema.ObservationOutcome;
import io.syncline.schema.ObservationStage;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.MapState;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.api.java.typeutils.ListTypeInfo;
import org.apache.flink.formats.avro.typeutils.AvroTypeInfo;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.MetricGroup;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The read-back stage, keyed by {@link ReadBackKeys tenant and entity type}: holds each sampled
 * change until the watermark passes its commit time plus the delay, then reads it back from its
 * target table with a {@link TargetReadBack} and emits an AGREED or DIVERGED {@link Observation}
 * for the consistency metric.
 *
 * <p>Takes the changes {@link ReadBackSettings#sampling()} picked. When the target database cannot
 * be reached the due samples are dropped and counted, and the job keeps running.
 */
public final class ReadBackFunction extends KeyedProcessFunction<String, ChangeEvent, Observation> {

    /** Error code of a DIVERGED observation. */
    public static final String DIVERGED_ERROR_CODE = "READ_BACK_DIVERGED";

    /**
     * How long, in processing time, read-backs stop after the database could not be reached, so
     * that waiting for connect timeouts does not hold up the stage's input.
     */
    static final Duration RETRY_AFTER = Duration.ofSeconds(30);

    private static final long serialVersionUID = 1L;
    private static final Logger LOG = LoggerFactory.getLogger(ReadBackFunction.class);

    private final ReadBackSettings settings;
    private final Map<String, TargetTable> tables;

    /** Samples by the time they are due: commit time plus delay, rounded up to the second. */
    private transient MapState<Long, List<ChangeEvent>> due;

    private transient ValueState<Integer> pendingCount;
    private transient TargetReadBack readBack;

    /** Processing time before which read-backs are not tried again; 0 while they work. */
    private transient long retryAtMillis;

    private transient Counter agreed;
    private transient Counter diverged;
    private transient Counter superseded;
    private transient Counter failed;
    private transient Counter skipped;

    /**
     * @param tables the target table of each entity type; changes of other types are not read back
     */
    public ReadBackFunction(ReadBackSettings settings, Map<String, TargetTable> tables) {
        this.settings = Objects.requireNonNull(settings, "settings");
        this.tables = Map.copyOf(tables);
    }

    @Override
    public void open(OpenContext openContext) {
        due =
                getRuntimeContext()
                        .getMapState(
                                new MapStateDescriptor<>(
                                        "read-back-due",
                                        Types.LONG,
                                        new ListTypeInfo<>(new AvroTypeInfo<>(ChangeEvent.class))));
        pendingCount =
                getRuntimeContext()
                        .getState(new ValueStateDescriptor<>("read-back-pending", Types.INT));
        MetricGroup metrics = getRuntimeContext().getMetricGroup();
        agreed = metrics.counter("readBackAgreed");
        diverged = metrics.counter("readBackDiverged");
        superseded = metrics.counter("readBackSuperseded");
        failed = metrics.counter("readBackFailed");
        skipped = metrics.counter("readBackSkipped");
        // Opens its connection on the first read-back, in the first timer.
        readBack =
                new TargetReadBack(
                        settings.url(), settings.username(), settings.password(), tables);
        retryAtMillis = 0;
    }

    @Override
    public void processElement(ChangeEvent change, Context ctx, Collector<Observation> out)
            throws Exception {
        if (!tables.containsKey(change.getEntityType())) {
            // Not written to a target table, so there is nothing to read back.
            return;
        }
        int pending = pending();
        if (pending >= settings.maxPending()) {
            skipped.inc();
            return;
        }
        long dueTime = dueTime(change);
        List<ChangeEvent> samples = due.get(dueTime);
        if (samples == null) {
            samples = new ArrayList<>();
            ctx.timerService().registerEventTimeTimer(dueTime);
        }
        samples.add(change);
        due.put(dueTime, samples);
        pendingCount.update(pending + 1);
    }

    /**
     * Commit time plus delay, rounded up to the next full second, so that the samples of one second
     * share a timer and a read-back.
     */
    private long dueTime(ChangeEvent change) {
        long ready = change.getSourceCommitTime().toEpochMilli() + settings.delay().toMillis();
        return Math.floorDiv(ready + 999, 1000) * 1000;
    }

    @Override
    public void onTimer(long timestamp, OnTimerContext ctx, Collector<Observation> out)
            throws Exception {
        List<ChangeEvent> samples = due.get(timestamp);
        if (samples == null) {
            return;
        }
        due.remove(timestamp);
        int left = pending() - samples.size();
        if (left > 0) {
            pendingCount.update(left);
        } else {
            pendingCount.clear();
        }
        long now = ctx.timerService().currentProcessingTime();
        for (Verdict verdict : readBack(samples, now)) {
            switch (verdict.outcome()) {
                case AGREED -> {
                    agreed.inc();
                    out.collect(observation(verdict.sample(), ObservationOutcome.AGREED, now));
                }
                case DIVERGED -> {
                    diverged.inc();
                    ChangeEvent sample = verdict.sample();
                    LOG.warn(
                            "read-back of {} version {} diverged: {}",
                            EntityKeys.of(sample),
                            sample.getVersion(),
                            verdict.reason());
                    out.collect(observation(sample, ObservationOutcome.DIVERGED, now));
                }
                case SUPERSEDED -> superseded.inc();
            }
        }
    }

    /** The verdicts on {@code samples}; none, counted as failed, if the database failed. */
    private List<Verdict> readBack(List<ChangeEvent> samples, long now) {
        if (now < retryAtMillis) {
            failed.inc(samples.size());
            return List.of();
        }
        try {
            List<Verdict> verdicts = readBack.check(samples);
            if (retryAtMillis != 0) {
                LOG.info("read-back from {} works again", settings.urlForLogs());
                retryAtMillis = 0;
            }
            return verdicts;
        } catch (SQLException e) {
            failed.inc(samples.size());
            if (TargetReadBack.isConnectionFailure(e)) {
                retryAtMillis = now + RETRY_AFTER.toMillis();
                LOG.warn(
                        "cannot read back from the target database at {} ({}); dropped {}"
                                + " samples and retrying in {} s. Consistency is measured on"
                                + " fewer samples until then. Check that the database is up and"
                                + " reachable from the task managers and that the target url,"
                                + " username and password are right.",
                        settings.urlForLogs(),
                        e.getMessage(),
                        samples.size(),
                        RETRY_AFTER.toSeconds());
            } else {
                LOG.warn(
                        "read-back of {} samples of {} from {} failed (SQL state {}): {}. Check"
                                + " that the target table exists with the configured columns.",
                        samples.size(),
                        samples.get(0).getEntityType(),
                        settings.urlForLogs(),
                        e.getSQLState(),
                        e.getMessage());
            }
            return List.of();
        }
    }

    private static Observation observation(
            ChangeEvent sample, ObservationOutcome outcome, long now) {
        return Observation.newBuilder()
                .setTenant(sample.getTenant())
                .setEntityType(sample.getEntityType())
                .setStage(ObservationStage.READ_BACK)
                .setOutcome(outcome)
                .setSourceId(sample.getSourceId())
                .setErrorCode(outcome == ObservationOutcome.DIVERGED ? DIVERGED_ERROR_CODE : null)
                .setSourceCommitTime(sample.getSourceCommitTime())
                .setObservedTime(Instant.ofEpochMilli(now))
                .build();
    }

    private int pending() throws Exception {
        Integer value = pendingCount.value();
        return value == null ? 0 : value;
    }

    @Override
    public void close() throws Exception {
        if (readBack != null) {
            readBack.close();
        }
    }
}
