package io.syncline.operators.quality;

import io.syncline.schema.Observation;
import io.syncline.schema.ObservationStage;
import io.syncline.schema.QualityAccumulator;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import org.apache.flink.api.common.functions.AggregateFunction;

/**
 * Sums the {@link Observation}s of one tenant's entity type in one window into a {@link
 * QualityAccumulator}: counts by outcome, required fields, error codes and the delivery lag sketch.
 * Accumulators merge, so it serves session windows too.
 */
public final class QualityAggregate
        implements AggregateFunction<Observation, QualityAccumulator, QualityAccumulator> {

    private static final long serialVersionUID = 1L;

    /** The error code counted for a rejected or failed change that carries none. */
    public static final String UNKNOWN_ERROR_CODE = "UNKNOWN";

    private final LatencyTargets targets;

    public QualityAggregate(LatencyTargets targets) {
        this.targets = Objects.requireNonNull(targets, "targets");
    }

    @Override
    public QualityAccumulator createAccumulator() {
        // Avro 1.11's builder deep-copies the {} defaults, but window state must never share a
        // map whatever the Avro version does, so each accumulator gets maps of its own.
        return QualityAccumulator.newBuilder()
                .setLagBuckets(new HashMap<>())
                .setErrorCodes(new HashMap<>())
                .build();
    }

    @Override
    public QualityAccumulator add(Observation observation, QualityAccumulator acc) {
        switch (observation.getOutcome()) {
            case VALID -> acc.setValidated(acc.getValidated() + 1);
            case CORRECTED -> {
                acc.setValidated(acc.getValidated() + 1);
                acc.setCorrected(acc.getCorrected() + 1);
            }
            case REJECTED -> {
                acc.setValidated(acc.getValidated() + 1);
                acc.setRejected(acc.getRejected() + 1);
                countError(acc, observation.getErrorCode());
            }
            case FAILED -> {
                acc.setFailed(acc.getFailed() + 1);
                countError(acc, observation.getErrorCode());
            }
            case DUPLICATE -> acc.setDuplicates(acc.getDuplicates() + 1);
            case STALE, CONFLICT, PARKED -> acc.setConflicts(acc.getConflicts() + 1);
            case DELIVERED -> addDelivery(observation, acc);
            case AGREED -> acc.setAgreed(acc.getAgreed() + 1);
            case DIVERGED -> acc.setDiverged(acc.getDiverged() + 1);
            case HEARTBEAT -> {
                // Heartbeats only move event time forward; they say nothing about quality.
            }
        }
        // Only validation counts fields: a later stage repeating the counts would count twice.
        if (observation.getStage() == ObservationStage.VALIDATE) {
            acc.setFieldsRequired(acc.getFieldsRequired() + observation.getFieldsRequired());
            acc.setFieldsPresent(acc.getFieldsPresent() + observation.getFieldsPresent());
        }
        return acc;
    }

    @Override
    public QualityAccumulator getResult(QualityAccumulator acc) {
        return acc;
    }

    @Override
    public QualityAccumulator merge(QualityAccumulator a, QualityAccumulator b) {
        a.setValidated(a.getValidated() + b.getValidated());
        a.setRejected(a.getRejected() + b.getRejected());
        a.setCorrected(a.getCorrected() + b.getCorrected());
        a.setFailed(a.getFailed() + b.getFailed());
        a.setDuplicates(a.getDuplicates() + b.getDuplicates());
        a.setConflicts(a.getConflicts() + b.getConflicts());
        a.setDelivered(a.getDelivered() + b.getDelivered());
        a.setOnTime(a.getOnTime() + b.getOnTime());
        a.setFieldsRequired(a.getFieldsRequired() + b.getFieldsRequired());
        a.setFieldsPresent(a.getFieldsPresent() + b.getFieldsPresent());
        a.setAgreed(a.getAgreed() + b.getAgreed());
        a.setDiverged(a.getDiverged() + b.getDiverged());
        LagSketch.mergeInto(a.getLagBuckets(), b.getLagBuckets());
        a.setLagMaxMillis(Math.max(a.getLagMaxMillis(), b.getLagMaxMillis()));
        Map<String, Long> errorCodes = a.getErrorCodes();
        b.getErrorCodes().forEach((code, count) -> errorCodes.merge(code, count, Long::sum));
        return a;
    }

    private void addDelivery(Observation delivery, QualityAccumulator acc) {
        long lagMillis =
                Math.max(
                        0,
                        delivery.getObservedTime().toEpochMilli()
                                - delivery.getSourceCommitTime().toEpochMilli());
        acc.setDelivered(acc.getDelivered() + 1);
        LagSketch.add(acc.getLagBuckets(), lagMillis);
        acc.setLagMaxMillis(Math.max(acc.getLagMaxMillis(), lagMillis));
        if (lagMillis <= targets.targetMillis(delivery.getEntityType())) {
            acc.setOnTime(acc.getOnTime() + 1);
        }
    }

    private static void countError(QualityAccumulator acc, String errorCode) {
        String code = errorCode == null ? UNKNOWN_ERROR_CODE : errorCode;
        acc.getErrorCodes().merge(code, 1L, Long::sum);
    }
}
