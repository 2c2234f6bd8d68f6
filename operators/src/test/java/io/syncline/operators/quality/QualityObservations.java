package io.syncline.operators.quality;

import io.syncline.schema.Observation;
import io.syncline.schema.ObservationOutcome;
import io.syncline.schema.ObservationStage;
import java.time.Instant;

/** Observations as the stages emit them, for the quality tests. */
final class QualityObservations {

    private QualityObservations() {}

    /** Validation's verdict on a change that populates {@code present} of {@code required}. */
    static Observation validated(
            String tenant,
            String entityType,
            ObservationOutcome outcome,
            int required,
            int present,
            String errorCode,
            Instant committed) {
        Observation observation =
                seen(tenant, entityType, ObservationStage.VALIDATE, outcome, committed);
        observation.setFieldsRequired(required);
        observation.setFieldsPresent(present);
        observation.setErrorCode(errorCode);
        return observation;
    }

    /** A change handed to the sinks {@code lagMillis} after its source committed it. */
    static Observation delivered(
            String tenant, String entityType, Instant committed, long lagMillis) {
        Observation observation =
                seen(
                        tenant,
                        entityType,
                        ObservationStage.DELIVER,
                        ObservationOutcome.DELIVERED,
                        committed);
        observation.setObservedTime(committed.plusMillis(lagMillis));
        return observation;
    }

    /** A failure of a stage other than validation. */
    static Observation failed(
            String tenant, String entityType, String errorCode, Instant committed) {
        Observation observation =
                seen(
                        tenant,
                        entityType,
                        ObservationStage.DECODE,
                        ObservationOutcome.FAILED,
                        committed);
        observation.setErrorCode(errorCode);
        return observation;
    }

    /** What {@code stage} saw of a change 100 ms after its commit. */
    static Observation seen(
            String tenant,
            String entityType,
            ObservationStage stage,
            ObservationOutcome outcome,
            Instant committed) {
        return Observation.newBuilder()
                .setTenant(tenant)
                .setEntityType(entityType)
                .setStage(stage)
                .setOutcome(outcome)
                .setSourceId("crm")
                .setSourceCommitTime(committed)
                .setObservedTime(committed.plusMillis(100))
                .build();
    }
}
