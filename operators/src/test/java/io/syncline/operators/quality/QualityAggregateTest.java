package io.syncline.operators.quality;

import static io.syncline.operators.quality.QualityObservations.delivered;
import static io.syncline.operators.quality.QualityObservations.failed;
import static io.syncline.operators.quality.QualityObservations.seen;
import static io.syncline.operators.quality.QualityObservations.validated;
import static org.assertj.core.api.Assertions.assertThat;

import io.syncline.schema.Observation;
import io.syncline.schema.ObservationOutcome;
import io.syncline.schema.ObservationStage;
import io.syncline.schema.QualityAccumulator;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** What each observation adds to a quality window's sums, and how sums merge. */
class QualityAggregateTest {

    private static final Instant COMMITTED = Instant.parse("2024-05-01T10:00:00Z");

    private static final LatencyTargets TARGETS =
            new LatencyTargets(
                    Map.of("order", LatencyTargets.Target.of(SyncClass.BATCH)),
                    LatencyTargets.Target.of(SyncClass.REAL_TIME));

    private final QualityAggregate aggregate = new QualityAggregate(TARGETS);

    @Test
    void eachOutcomeCountsWhereItBelongs() {
        QualityAccumulator acc =
                aggregateAll(
                        validated("acme", "customer", ObservationOutcome.VALID, 0, 0, null),
                        validated("acme", "customer", ObservationOutcome.CORRECTED, 0, 0, null),
                        validated(
                                "acme",
                                "customer",
                                ObservationOutcome.REJECTED,
                                0,
                                0,
                                "EMAIL_FORMAT"),
                        failed("acme", "customer", "TARGET_UNREACHABLE", COMMITTED),
                        resolved(ObservationOutcome.DUPLICATE),
                        resolved(ObservationOutcome.STALE),
                        resolved(ObservationOutcome.CONFLICT),
                        resolved(ObservationOutcome.PARKED),
                        readBack(ObservationOutcome.AGREED),
                        readBack(ObservationOutcome.AGREED),
                        readBack(ObservationOutcome.DIVERGED));

        QualityAccumulator expected = aggregate.createAccumulator();
        expected.setValidated(3);
        expected.setCorrected(1);
        expected.setRejected(1);
        expected.setFailed(1);
        expected.setDuplicates(1);
        expected.setConflicts(3);
        expected.setAgreed(2);
        expected.setDiverged(1);
        expected.setErrorCodes(Map.of("EMAIL_FORMAT", 1L, "TARGET_UNREACHABLE", 1L));
        assertThat(acc).isEqualTo(expected);
    }

    @Test
    void heartbeatsChangeNothing() {
        Observation heartbeat =
                seen(
                        "acme",
                        "crm",
                        ObservationStage.HEARTBEAT,
                        ObservationOutcome.HEARTBEAT,
                        COMMITTED);

        assertThat(aggregateAll(heartbeat, heartbeat)).isEqualTo(aggregate.createAccumulator());
    }

    @Test
    void requiredFieldsAreSummedFromValidationOnly() {
        Observation deliveredWithCounts = delivered("acme", "customer", COMMITTED, 10);
        deliveredWithCounts.setFieldsRequired(4);
        deliveredWithCounts.setFieldsPresent(1);

        QualityAccumulator acc =
                aggregateAll(
                        validated("acme", "customer", ObservationOutcome.VALID, 4, 4, null),
                        validated("acme", "customer", ObservationOutcome.CORRECTED, 2, 2, null),
                        validated(
                                "acme", "customer", ObservationOutcome.REJECTED, 2, 1, "REQUIRED"),
                        deliveredWithCounts);

        assertThat(acc.getFieldsRequired()).isEqualTo(8);
        assertThat(acc.getFieldsPresent()).isEqualTo(7);
    }

    @Test
    void deliveriesAddTheirLagAndCountThoseWithinTheEntityTypesTarget() {
        QualityAccumulator acc =
                aggregateAll(
                        delivered("acme", "customer", COMMITTED, 1200),
                        // Exactly the 5 s target is on time; 1 ms more is late.
                        delivered("acme", "customer", COMMITTED, 5000),
                        delivered("acme", "customer", COMMITTED, 5001),
                        // Clock skew: delivered "before" the commit.
                        delivered("acme", "customer", COMMITTED, -30),
                        // Orders are batch: an hour is on time.
                        delivered("acme", "order", COMMITTED, Duration.ofMinutes(59).toMillis()));

        Map<String, Long> lags = new HashMap<>();
        for (long lag : new long[] {1200, 5000, 5001, 0, Duration.ofMinutes(59).toMillis()}) {
            LagSketch.add(lags, lag);
        }
        assertThat(acc.getDelivered()).isEqualTo(5);
        assertThat(acc.getOnTime()).isEqualTo(4);
        assertThat(acc.getLagMaxMillis()).isEqualTo(3_540_000);
        assertThat(acc.getLagBuckets()).isEqualTo(lags);
    }

    @Test
    void errorWithoutCodeCountsAsUnknown() {
        QualityAccumulator acc =
                aggregateAll(
                        failed("acme", "customer", null, COMMITTED),
                        validated("acme", "customer", ObservationOutcome.REJECTED, 0, 0, null));

        assertThat(acc.getErrorCodes()).isEqualTo(Map.of(QualityAggregate.UNKNOWN_ERROR_CODE, 2L));
    }

    @Test
    void mergedSumsEqualTheSumsOfAllObservations() {
        List<Observation> first =
                List.of(
                        validated("acme", "customer", ObservationOutcome.VALID, 4, 3, null),
                        validated("acme", "customer", ObservationOutcome.REJECTED, 4, 2, "A"),
                        failed("acme", "customer", "B", COMMITTED),
                        delivered("acme", "customer", COMMITTED, 7000),
                        resolved(ObservationOutcome.PARKED),
                        readBack(ObservationOutcome.AGREED));
        List<Observation> second =
                List.of(
                        validated("acme", "customer", ObservationOutcome.CORRECTED, 4, 4, null),
                        validated("acme", "customer", ObservationOutcome.REJECTED, 4, 1, "A"),
                        delivered("acme", "customer", COMMITTED, 300),
                        delivered("acme", "customer", COMMITTED, 300),
                        resolved(ObservationOutcome.DUPLICATE),
                        readBack(ObservationOutcome.DIVERGED));

        QualityAccumulator merged =
                aggregate.merge(
                        aggregateAll(first.toArray(Observation[]::new)),
                        aggregateAll(second.toArray(Observation[]::new)));

        QualityAccumulator all = aggregate.createAccumulator();
        first.forEach(observation -> aggregate.add(observation, all));
        second.forEach(observation -> aggregate.add(observation, all));
        assertThat(merged).isEqualTo(all);
        assertThat(merged.getValidated()).isEqualTo(4);
        assertThat(merged.getErrorCodes()).isEqualTo(Map.of("A", 2L, "B", 1L));
        assertThat(merged.getLagMaxMillis()).isEqualTo(7000);
        assertThat(LagSketch.count(merged.getLagBuckets())).isEqualTo(3);
    }

    @Test
    void everyAccumulatorHasMapsOfItsOwn() {
        QualityAccumulator first = aggregate.createAccumulator();
        QualityAccumulator second = aggregate.createAccumulator();

        aggregate.add(delivered("acme", "customer", COMMITTED, 40), first);
        aggregate.add(failed("acme", "customer", "B", COMMITTED), first);

        assertThat(second.getLagBuckets()).isEmpty();
        assertThat(second.getErrorCodes()).isEmpty();
        assertThat(aggregate.createAccumulator()).isEqualTo(second);
    }

    private QualityAccumulator aggregateAll(Observation... observations) {
        QualityAccumulator acc = aggregate.createAccumulator();
        for (Observation observation : observations) {
            acc = aggregate.add(observation, acc);
        }
        return aggregate.getResult(acc);
    }

    private static Observation validated(
            String tenant,
            String entityType,
            ObservationOutcome outcome,
            int required,
            int present,
            String errorCode) {
        return QualityObservations.validated(
                tenant, entityType, outcome, required, present, errorCode, COMMITTED);
    }

    private static Observation resolved(ObservationOutcome outcome) {
        return seen("acme", "customer", ObservationStage.RESOLVE, outcome, COMMITTED);
    }

    private static Observation readBack(ObservationOutcome outcome) {
        return seen("acme", "customer", ObservationStage.READ_BACK, outcome, COMMITTED);
    }
}
