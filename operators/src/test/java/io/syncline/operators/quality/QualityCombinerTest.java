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
import io.syncline.schema.QualityPartial;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.flink.formats.avro.typeutils.AvroSerializer;
import org.apache.flink.streaming.api.watermark.Watermark;
import org.apache.flink.streaming.api.windowing.windows.TimeWindow;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.runtime.watermarkstatus.WatermarkStatus;
import org.apache.flink.streaming.util.OneInputStreamOperatorTestHarness;
import org.junit.jupiter.api.Test;

/**
 * The combiner in Flink's operator harness: it sums the observations of each tenant's entity type
 * per slot of event time and sends each sum on once, at the slot's start, before whatever would
 * otherwise overtake it (watermark, watermark status, checkpoint barrier, the end) and every second
 * of processing time.
 */
class QualityCombinerTest {

    private static final LatencyTargets TARGETS =
            new LatencyTargets(
                    Map.of("order", LatencyTargets.Target.of(SyncClass.BATCH)),
                    LatencyTargets.Target.of(SyncClass.REAL_TIME));

    private static final long MINUTE = Duration.ofMinutes(1).toMillis();

    /** The processing time the harness opens at; the first flush is one second later. */
    private static final long OPENED = 1_000_000;

    private static final Observation ACME_VALID =
            validated("acme", "customer", ObservationOutcome.VALID, 4, 4, null, at("10:00:00"));
    private static final Observation ACME_REJECTED =
            validated(
                    "acme",
                    "customer",
                    ObservationOutcome.REJECTED,
                    4,
                    3,
                    "EMAIL_FORMAT",
                    at("10:00:20"));
    private static final Observation ACME_LATE_DELIVERY =
            delivered("acme", "customer", Instant.parse("2024-05-01T10:00:59.999Z"), 7000);
    private static final Observation ACME_NEXT_MINUTE =
            validated("acme", "customer", ObservationOutcome.VALID, 4, 2, null, at("10:01:00"));
    private static final Observation ACME_AGREED =
            seen(
                    "acme",
                    "customer",
                    ObservationStage.READ_BACK,
                    ObservationOutcome.AGREED,
                    at("10:01:50"));
    private static final Observation GLOBEX_DELIVERY =
            delivered("globex", "order", at("10:00:30"), 1200);
    private static final Observation GLOBEX_FAILURE =
            failed("globex", "order", "MALFORMED_RECORD", at("10:01:10"));
    private static final Observation GLOBEX_SLOW_DELIVERY =
            delivered("globex", "order", at("10:01:40"), 90_000);

    private static final Observation HEARTBEAT =
            seen(
                    "acme",
                    "crm",
                    ObservationStage.HEARTBEAT,
                    ObservationOutcome.HEARTBEAT,
                    at("10:00:10"));

    private final QualityAggregate aggregate = new QualityAggregate(TARGETS);

    @Test
    void aWatermarkSendsOneSumPerKeyAndSlotAtTheSlotsStartAndThenItself() throws Exception {
        try (OneInputStreamOperatorTestHarness<Observation, QualityPartial> harness =
                harness(MINUTE)) {
            // Arrival order is not event-time order: the slot is the observation's, not the
            // arrival's.
            process(
                    harness,
                    ACME_VALID,
                    GLOBEX_FAILURE,
                    ACME_NEXT_MINUTE,
                    ACME_REJECTED,
                    GLOBEX_DELIVERY,
                    ACME_LATE_DELIVERY,
                    GLOBEX_SLOW_DELIVERY,
                    ACME_AGREED);

            assertThat(harness.getOutput()).isEmpty();

            harness.processWatermark(at("10:01:00").toEpochMilli());

            List<Object> output = new ArrayList<>(harness.getOutput());
            assertThat(output).hasSize(5);
            assertThat(output.subList(0, 4))
                    .containsExactlyInAnyOrder(
                            sum("10:00:00", ACME_VALID, ACME_REJECTED, ACME_LATE_DELIVERY),
                            sum("10:01:00", ACME_NEXT_MINUTE, ACME_AGREED),
                            sum("10:00:00", GLOBEX_DELIVERY),
                            sum("10:01:00", GLOBEX_FAILURE, GLOBEX_SLOW_DELIVERY));
            assertThat(output.get(4)).isEqualTo(new Watermark(at("10:01:00").toEpochMilli()));
        }
    }

    @Test
    void theSumsAreThoseOfTheSlotsObservations() throws Exception {
        try (OneInputStreamOperatorTestHarness<Observation, QualityPartial> harness =
                harness(MINUTE)) {
            process(harness, ACME_VALID, ACME_REJECTED, ACME_LATE_DELIVERY);

            harness.processWatermark(at("10:00:59").toEpochMilli());

            QualityAccumulator expected = aggregate.createAccumulator();
            expected.setValidated(2);
            expected.setRejected(1);
            expected.setDelivered(1);
            expected.setFieldsRequired(8);
            expected.setFieldsPresent(7);
            expected.setErrorCodes(Map.of("EMAIL_FORMAT", 1L));
            LagSketch.add(expected.getLagBuckets(), 7000);
            expected.setLagMaxMillis(7000);
            assertThat(harness.extractOutputStreamRecords())
                    .containsExactly(
                            new StreamRecord<>(
                                    new QualityPartial("acme", "customer", expected),
                                    at("10:00:00").toEpochMilli()));
        }
    }

    @Test
    void aSlotSentOnStartsAfreshSoThatTheWindowsCountNothingTwice() throws Exception {
        try (OneInputStreamOperatorTestHarness<Observation, QualityPartial> harness =
                harness(MINUTE)) {
            process(harness, ACME_VALID);
            harness.processWatermark(at("10:00:10").toEpochMilli());
            process(harness, ACME_REJECTED, ACME_LATE_DELIVERY);
            harness.processWatermark(at("10:00:30").toEpochMilli());
            harness.processWatermark(at("10:00:40").toEpochMilli());

            assertThat(new ArrayList<>(harness.getOutput()))
                    .containsExactly(
                            sum("10:00:00", ACME_VALID),
                            new Watermark(at("10:00:10").toEpochMilli()),
                            sum("10:00:00", ACME_REJECTED, ACME_LATE_DELIVERY),
                            new Watermark(at("10:00:30").toEpochMilli()),
                            new Watermark(at("10:00:40").toEpochMilli()));
        }
    }

    @Test
    void aWatermarkStatusSendsTheSumsBeforeItself() throws Exception {
        try (OneInputStreamOperatorTestHarness<Observation, QualityPartial> harness =
                harness(MINUTE)) {
            process(harness, ACME_VALID, GLOBEX_DELIVERY);

            harness.processWatermarkStatus(WatermarkStatus.IDLE);

            List<Object> output = new ArrayList<>(harness.getOutput());
            assertThat(output).hasSize(3);
            assertThat(output.subList(0, 2))
                    .containsExactlyInAnyOrder(
                            sum("10:00:00", ACME_VALID), sum("10:00:00", GLOBEX_DELIVERY));
            assertThat(output.get(2)).isEqualTo(WatermarkStatus.IDLE);
        }
    }

    @Test
    void aCheckpointBarrierSendsTheSumsSoThatNoneNeedsState() throws Exception {
        try (OneInputStreamOperatorTestHarness<Observation, QualityPartial> harness =
                harness(MINUTE)) {
            process(harness, ACME_VALID, ACME_NEXT_MINUTE, GLOBEX_FAILURE);

            harness.prepareSnapshotPreBarrier(1);

            assertThat(harness.getOutput())
                    .containsExactlyInAnyOrder(
                            sum("10:00:00", ACME_VALID),
                            sum("10:01:00", ACME_NEXT_MINUTE),
                            sum("10:01:00", GLOBEX_FAILURE));
        }
    }

    @Test
    void everySecondOfProcessingTimeSendsTheSums() throws Exception {
        try (OneInputStreamOperatorTestHarness<Observation, QualityPartial> harness =
                harness(MINUTE)) {
            process(harness, ACME_VALID, GLOBEX_DELIVERY);

            harness.setProcessingTime(OPENED + 999);
            assertThat(harness.getOutput()).isEmpty();

            harness.setProcessingTime(OPENED + 1000);
            assertThat(harness.getOutput())
                    .containsExactlyInAnyOrder(
                            sum("10:00:00", ACME_VALID), sum("10:00:00", GLOBEX_DELIVERY));

            harness.getOutput().clear();
            process(harness, ACME_REJECTED);

            harness.setProcessingTime(OPENED + 1999);
            assertThat(harness.getOutput()).isEmpty();

            harness.setProcessingTime(OPENED + 2000);
            assertThat(harness.getOutput()).containsExactly(sum("10:00:00", ACME_REJECTED));
        }
    }

    @Test
    void theEndSendsTheSums() throws Exception {
        try (OneInputStreamOperatorTestHarness<Observation, QualityPartial> harness =
                harness(MINUTE)) {
            process(harness, ACME_AGREED);

            harness.getOneInputOperator().finish();

            assertThat(harness.getOutput()).containsExactly(sum("10:01:00", ACME_AGREED));
        }
    }

    @Test
    void heartbeatsAreLeftOut() throws Exception {
        try (OneInputStreamOperatorTestHarness<Observation, QualityPartial> harness =
                harness(MINUTE)) {
            process(harness, HEARTBEAT, HEARTBEAT);

            harness.prepareSnapshotPreBarrier(1);
            harness.setProcessingTime(OPENED + 1000);
            harness.processWatermark(at("10:00:10").toEpochMilli());

            assertThat(harness.getOutput())
                    .containsExactly(new Watermark(at("10:00:10").toEpochMilli()));
        }
        try (OneInputStreamOperatorTestHarness<Observation, QualityPartial> harness = harness(0)) {
            process(harness, HEARTBEAT);

            assertThat(harness.getOutput()).isEmpty();
        }
    }

    @Test
    void withoutSlotsEachObservationIsSentAtOnceAsASumOfItsOwnAtItsOwnTime() throws Exception {
        Observation sameTimeAsValid =
                validated(
                        "acme",
                        "customer",
                        ObservationOutcome.CORRECTED,
                        4,
                        4,
                        null,
                        at("10:00:00"));
        try (OneInputStreamOperatorTestHarness<Observation, QualityPartial> harness = harness(0)) {
            process(
                    harness,
                    ACME_VALID,
                    sameTimeAsValid,
                    ACME_LATE_DELIVERY,
                    HEARTBEAT,
                    GLOBEX_DELIVERY);

            assertThat(harness.getOutput())
                    .containsExactly(
                            sum("10:00:00", ACME_VALID),
                            sum("10:00:00", sameTimeAsValid),
                            new StreamRecord<>(
                                    partial(ACME_LATE_DELIVERY),
                                    ACME_LATE_DELIVERY.getSourceCommitTime().toEpochMilli()),
                            sum("10:00:30", GLOBEX_DELIVERY));

            harness.getOutput().clear();
            harness.processWatermark(at("10:00:30").toEpochMilli());
            harness.prepareSnapshotPreBarrier(1);
            harness.setProcessingTime(OPENED + 1000);

            assertThat(harness.getOutput())
                    .containsExactly(new Watermark(at("10:00:30").toEpochMilli()));
        }
    }

    @Test
    void slotsOfTheGreatestCommonDivisorSplitWhereHoppingWindowsDo() throws Exception {
        // Windows of 90 s every 60 s start or end every 30 s.
        long slotMillis =
                new QualityWindows.WindowSpec(
                                QualityWindows.Kind.HOPPING,
                                Duration.ofSeconds(90),
                                Duration.ofSeconds(60),
                                null)
                        .combinableSlotMillis();
        try (OneInputStreamOperatorTestHarness<Observation, QualityPartial> harness =
                harness(slotMillis)) {
            process(harness, ACME_VALID, ACME_REJECTED, GLOBEX_DELIVERY, ACME_LATE_DELIVERY);

            harness.processWatermark(at("10:01:00").toEpochMilli());

            assertThat(harness.extractOutputStreamRecords())
                    .containsExactlyInAnyOrder(
                            sum("10:00:00", ACME_VALID, ACME_REJECTED),
                            sum("10:00:30", ACME_LATE_DELIVERY),
                            sum("10:00:30", GLOBEX_DELIVERY));
        }
    }

    @Test
    void slotsBeforeTheEpochStartWhereFlinksWindowsDo() throws Exception {
        Observation justBefore =
                validated(
                        "acme",
                        "customer",
                        ObservationOutcome.VALID,
                        1,
                        1,
                        null,
                        Instant.ofEpochMilli(-1));
        try (OneInputStreamOperatorTestHarness<Observation, QualityPartial> harness =
                harness(MINUTE)) {
            process(harness, justBefore);

            harness.prepareSnapshotPreBarrier(1);

            assertThat(harness.extractOutputStreamRecords())
                    .containsExactly(new StreamRecord<>(partial(justBefore), -MINUTE));
            assertThat(TimeWindow.getWindowStartWithOffset(-1, 0, MINUTE)).isEqualTo(-MINUTE);
        }
    }

    // ---- the harness

    private static OneInputStreamOperatorTestHarness<Observation, QualityPartial> harness(
            long slotMillis) throws Exception {
        OneInputStreamOperatorTestHarness<Observation, QualityPartial> harness =
                new OneInputStreamOperatorTestHarness<>(
                        new QualityCombiner(TARGETS, slotMillis),
                        new AvroSerializer<>(Observation.class));
        // Output is copied through Avro, as it would cross the network to the windows.
        harness.setup(new AvroSerializer<>(QualityPartial.class));
        harness.setProcessingTime(OPENED);
        harness.open();
        return harness;
    }

    /** Hands the combiner {@code observations} at their commit times. */
    private static void process(
            OneInputStreamOperatorTestHarness<Observation, QualityPartial> harness,
            Observation... observations)
            throws Exception {
        for (Observation observation : observations) {
            harness.processElement(observation, observation.getSourceCommitTime().toEpochMilli());
        }
    }

    // ---- expected sums

    /**
     * The partial sum of {@code observations}, all of one tenant's entity type, as sent at {@code
     * slotStart}.
     */
    private StreamRecord<QualityPartial> sum(String slotStart, Observation... observations) {
        return new StreamRecord<>(partial(observations), at(slotStart).toEpochMilli());
    }

    private QualityPartial partial(Observation... observations) {
        QualityAccumulator sums = aggregate.createAccumulator();
        for (Observation observation : observations) {
            aggregate.add(observation, sums);
        }
        return new QualityPartial(
                observations[0].getTenant(), observations[0].getEntityType(), sums);
    }

    private static Instant at(String time) {
        return Instant.parse("2024-05-01T" + time + "Z");
    }
}
