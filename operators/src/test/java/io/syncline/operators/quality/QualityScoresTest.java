package io.syncline.operators.quality;

import static org.assertj.core.api.Assertions.assertThat;

import io.syncline.schema.QualityAccumulator;
import io.syncline.schema.QualityMetrics;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The shares, lag percentiles and targets computed from a window's sums. */
class QualityScoresTest {

    private static final Instant START = Instant.parse("2024-05-01T10:00:00Z");
    private static final Instant END = Instant.parse("2024-05-01T10:01:00Z");

    private static final LatencyTargets TARGETS =
            new LatencyTargets(
                    Map.of("order", LatencyTargets.Target.of(SyncClass.BATCH)),
                    LatencyTargets.Target.of(SyncClass.REAL_TIME));

    private final QualityAggregate aggregate = new QualityAggregate(TARGETS);

    @Test
    void windowWithEverythingGetsEveryShare() {
        QualityAccumulator acc = aggregate.createAccumulator();
        // 3 valid (1 of them corrected) and 1 rejected, populating 7 of 8 required fields.
        acc.setValidated(4);
        acc.setCorrected(1);
        acc.setRejected(1);
        acc.setFieldsRequired(8);
        acc.setFieldsPresent(7);
        acc.setFailed(1);
        acc.setDuplicates(2);
        acc.setConflicts(3);
        acc.setAgreed(9);
        acc.setDiverged(1);
        // Four deliveries, one of them over the 5 s target.
        acc.setDelivered(4);
        acc.setOnTime(3);
        for (long lag : new long[] {100, 200, 300, 6000}) {
            LagSketch.add(acc.getLagBuckets(), lag);
        }
        acc.setLagMaxMillis(6000);
        acc.getErrorCodes().put("EMAIL_FORMAT", 1L);
        acc.getErrorCodes().put("TARGET_UNREACHABLE", 1L);

        QualityMetrics metrics =
                QualityScores.of("acme", "customer", "tumbling", START, END, acc, TARGETS);

        QualityMetrics expected =
                QualityMetrics.newBuilder()
                        .setTenant("acme")
                        .setEntityType("customer")
                        .setWindowKind("tumbling")
                        .setWindowStart(START)
                        .setWindowEnd(END)
                        .setSyncClass("real-time")
                        .setLatencyTargetMillis(5000)
                        .setValidated(4)
                        .setRejected(1)
                        .setCorrected(1)
                        .setFailed(1)
                        .setDuplicates(2)
                        .setConflicts(3)
                        .setDelivered(4)
                        .setReadBackSampled(10)
                        .setCompleteness(0.875)
                        .setAccuracy(0.75)
                        .setConsistency(0.9)
                        .setTimeliness(0.75)
                        // 1 failed of 4 validated + 1 failed; rejections count against accuracy.
                        .setErrorRate(0.2)
                        // The 2nd of 4 lags (200 ms) is in the bucket worth 198 ms; the 4th
                        // (6000 ms) in the one worth 5945 ms.
                        .setLagP50Millis(198L)
                        .setLagP95Millis(5945L)
                        .setLagP99Millis(5945L)
                        .setLagMaxMillis(6000L)
                        .setErrorCodes(Map.of("EMAIL_FORMAT", 1L, "TARGET_UNREACHABLE", 1L))
                        .build();
        assertThat(metrics).isEqualTo(expected);
    }

    @Test
    void sharesWithNothingToApplyToAreNull() {
        QualityMetrics metrics =
                QualityScores.of(
                        "acme",
                        "customer",
                        "session",
                        START,
                        END,
                        aggregate.createAccumulator(),
                        TARGETS);

        assertThat(metrics.getCompleteness()).isNull();
        assertThat(metrics.getAccuracy()).isNull();
        assertThat(metrics.getConsistency()).isNull();
        assertThat(metrics.getTimeliness()).isNull();
        assertThat(metrics.getErrorRate()).isNull();
        assertThat(metrics.getLagP50Millis()).isNull();
        assertThat(metrics.getLagP95Millis()).isNull();
        assertThat(metrics.getLagP99Millis()).isNull();
        assertThat(metrics.getLagMaxMillis()).isNull();
        assertThat(metrics.getReadBackSampled()).isZero();
        assertThat(metrics.getErrorCodes()).isEmpty();
    }

    @Test
    void onlyFailuresGiveAnErrorRateOfOneAndNoAccuracy() {
        QualityAccumulator acc = aggregate.createAccumulator();
        acc.setFailed(2);
        acc.getErrorCodes().put("MALFORMED_RECORD", 2L);

        QualityMetrics metrics =
                QualityScores.of("acme", "customer", "tumbling", START, END, acc, TARGETS);

        assertThat(metrics.getErrorRate()).isEqualTo(1.0);
        assertThat(metrics.getAccuracy()).isNull();
        assertThat(metrics.getCompleteness()).isNull();
    }

    @Test
    void validatedChangesWithoutRequiredFieldsHaveAccuracyButNoCompleteness() {
        QualityAccumulator acc = aggregate.createAccumulator();
        acc.setValidated(5);

        QualityMetrics metrics =
                QualityScores.of("acme", "customer", "tumbling", START, END, acc, TARGETS);

        assertThat(metrics.getAccuracy()).isEqualTo(1.0);
        assertThat(metrics.getErrorRate()).isEqualTo(0.0);
        assertThat(metrics.getCompleteness()).isNull();
    }

    @Test
    void entityTypeWithATargetOfItsOwnCarriesItsSyncClassAndTarget() {
        QualityMetrics metrics =
                QualityScores.of(
                        "acme",
                        "order",
                        "tumbling",
                        START,
                        END,
                        aggregate.createAccumulator(),
                        TARGETS);

        assertThat(metrics.getSyncClass()).isEqualTo("batch");
        assertThat(metrics.getLatencyTargetMillis()).isEqualTo(3_600_000);
    }

    @Test
    void errorCodesAreACopySoTheWindowStateCanMoveOn() {
        QualityAccumulator acc = aggregate.createAccumulator();
        acc.setFailed(1);
        acc.getErrorCodes().put("B", 1L);

        QualityMetrics metrics =
                QualityScores.of("acme", "customer", "tumbling", START, END, acc, TARGETS);
        acc.getErrorCodes().put("B", 5L);

        assertThat(metrics.getErrorCodes()).isEqualTo(new HashMap<>(Map.of("B", 1L)));
    }
}
