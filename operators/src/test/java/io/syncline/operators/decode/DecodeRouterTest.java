package io.syncline.operators.decode;

import static org.assertj.core.api.Assertions.assertThat;

import io.syncline.operators.errors.ErrorOutputs;
import io.syncline.operators.observe.Heartbeats;
import io.syncline.operators.observe.ObservationOutputs;
import io.syncline.schema.ChangeEvent;
import io.syncline.schema.ErrorClass;
import io.syncline.schema.ErrorRecord;
import io.syncline.schema.FieldKind;
import io.syncline.schema.FieldValue;
import io.syncline.schema.Observation;
import io.syncline.schema.ObservationOutcome;
import io.syncline.schema.ObservationStage;
import io.syncline.schema.Operation;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import org.apache.flink.metrics.Counter;
import org.apache.flink.runtime.jobgraph.OperatorID;
import org.apache.flink.runtime.metrics.groups.InternalOperatorMetricGroup;
import org.apache.flink.runtime.metrics.util.InterceptingOperatorMetricGroup;
import org.apache.flink.runtime.metrics.util.InterceptingTaskMetricGroup;
import org.apache.flink.runtime.operators.testutils.MockEnvironment;
import org.apache.flink.runtime.operators.testutils.MockEnvironmentBuilder;
import org.apache.flink.streaming.api.operators.ProcessOperator;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.OneInputStreamOperatorTestHarness;
import org.apache.flink.streaming.util.ProcessFunctionTestHarnesses;
import org.apache.flink.types.Either;
import org.junit.jupiter.api.Test;

class DecodeRouterTest {

    private static final ChangeEvent ORDER_42 = change("42", 24_023_128L);
    private static final ChangeEvent ORDER_43 = change("43", 24_023_136L);
    private static final ErrorRecord NO_TENANT = error("TENANT_MISSING", "24023132");
    private static final ErrorRecord UNMAPPED = error("UNMAPPED_TABLE", "24023140");

    /** Processing time when the router sees a heartbeat. */
    private static final long SEEN = Instant.parse("2024-01-15T10:30:45.400Z").toEpochMilli();

    @Test
    void changesGoToTheMainOutputAndErrorsToTheErrorOutput() throws Exception {
        try (OneInputStreamOperatorTestHarness<Either<ErrorRecord, ChangeEvent>, ChangeEvent>
                harness = ProcessFunctionTestHarnesses.forProcessFunction(new DecodeRouter())) {
            harness.processElement(Either.Right(ORDER_42), 100L);
            harness.processElement(Either.Left(NO_TENANT), 101L);
            harness.processElement(Either.Right(ORDER_43), 102L);
            harness.processElement(Either.Left(UNMAPPED), 103L);

            assertThat(harness.extractOutputStreamRecords())
                    .containsExactly(
                            new StreamRecord<>(ORDER_42, 100L), new StreamRecord<>(ORDER_43, 102L));
            assertThat(harness.getSideOutput(ErrorOutputs.ERRORS))
                    .containsExactly(
                            new StreamRecord<>(NO_TENANT, 101L),
                            new StreamRecord<>(UNMAPPED, 103L));
        }
    }

    @Test
    void onlyChangesLeaveTheErrorOutputEmpty() throws Exception {
        try (OneInputStreamOperatorTestHarness<Either<ErrorRecord, ChangeEvent>, ChangeEvent>
                harness = ProcessFunctionTestHarnesses.forProcessFunction(new DecodeRouter())) {
            harness.processElement(Either.Right(ORDER_42), 100L);

            assertThat(harness.extractOutputValues()).containsExactly(ORDER_42);
            // The harness creates a side output's queue on its first record.
            assertThat(harness.getSideOutput(ErrorOutputs.ERRORS)).isNull();
        }
    }

    @Test
    void onlyErrorsLeaveTheMainOutputEmpty() throws Exception {
        try (OneInputStreamOperatorTestHarness<Either<ErrorRecord, ChangeEvent>, ChangeEvent>
                harness = ProcessFunctionTestHarnesses.forProcessFunction(new DecodeRouter())) {
            harness.processElement(Either.Left(NO_TENANT), 101L);

            assertThat(harness.extractOutputValues()).isEmpty();
            assertThat(harness.getSideOutput(ErrorOutputs.ERRORS))
                    .extracting(StreamRecord::getValue)
                    .containsExactly(NO_TENANT);
        }
    }

    @Test
    void countsDecodedAndRejectedChangesButNotHeartbeats() throws Exception {
        InterceptingOperatorMetricGroup operatorMetrics = new InterceptingOperatorMetricGroup();
        MockEnvironment environment =
                new MockEnvironmentBuilder()
                        .setMetricGroup(
                                new InterceptingTaskMetricGroup() {
                                    @Override
                                    public InternalOperatorMetricGroup getOrAddOperator(
                                            OperatorID operatorId, String name) {
                                        return operatorMetrics;
                                    }
                                })
                        .build();
        try (environment;
                OneInputStreamOperatorTestHarness<Either<ErrorRecord, ChangeEvent>, ChangeEvent>
                        harness =
                                new OneInputStreamOperatorTestHarness<>(
                                        new ProcessOperator<>(new DecodeRouter()), environment)) {
            harness.open();

            harness.processElement(Either.Right(ORDER_42), 100L);
            harness.processElement(Either.Left(NO_TENANT), 101L);
            harness.processElement(Either.Right(ORDER_43), 102L);
            harness.processElement(Either.Left(UNMAPPED), 103L);
            harness.processElement(Either.Right(ORDER_42), 104L);
            harness.processElement(Either.Right(heartbeat("shop-db", 24_023_144L)), 105L);
            harness.processElement(Either.Right(heartbeat("billing-db", 24_023_152L)), 106L);

            assertThat(((Counter) operatorMetrics.get("changesDecoded")).getCount()).isEqualTo(3);
            assertThat(((Counter) operatorMetrics.get("changesRejected")).getCount()).isEqualTo(2);
            assertThat(
                            environment
                                    .getAccumulatorRegistry()
                                    .getUserMap()
                                    .get(DecodeRouter.CAPTURED_ACCUMULATOR)
                                    .getLocalValue())
                    .isEqualTo(5L);
        }
    }

    @Test
    void aHeartbeatOfItsOwnSourceIsObservedAndNotPassedOn() throws Exception {
        ChangeEvent beat = heartbeat("shop-db", 24_023_144L);
        try (OneInputStreamOperatorTestHarness<Either<ErrorRecord, ChangeEvent>, ChangeEvent>
                harness = ProcessFunctionTestHarnesses.forProcessFunction(new DecodeRouter())) {
            harness.setProcessingTime(SEEN);
            harness.processElement(Either.Right(ORDER_42), 100L);
            harness.processElement(Either.Right(beat), 101L);

            assertThat(harness.extractOutputValues()).containsExactly(ORDER_42);
            assertThat(harness.getSideOutput(ErrorOutputs.ERRORS)).isNull();
            assertThat(harness.getSideOutput(ObservationOutputs.OBSERVATIONS))
                    .containsExactly(
                            new StreamRecord<>(
                                    Observation.newBuilder()
                                            .setTenant(Heartbeats.TENANT)
                                            .setEntityType("shop-db")
                                            .setStage(ObservationStage.HEARTBEAT)
                                            .setOutcome(ObservationOutcome.HEARTBEAT)
                                            .setSourceId("shop-db")
                                            .setSourceCommitTime(beat.getSourceCommitTime())
                                            .setObservedTime(Instant.ofEpochMilli(SEEN))
                                            .build(),
                                    101L));
        }
    }

    @Test
    void aStreamedHeartbeatCarriesItsSequenceNumberAndASnapshotReadDoesNot() throws Exception {
        ChangeEvent streamed = withSequence(heartbeat("shop-db", 24_023_144L), 17L);
        ChangeEvent read = withSequence(heartbeat("shop-db", 24_023_000L), 16L);
        read.setOp(Operation.READ);
        try (OneInputStreamOperatorTestHarness<Either<ErrorRecord, ChangeEvent>, ChangeEvent>
                harness = ProcessFunctionTestHarnesses.forProcessFunction(new DecodeRouter())) {
            harness.processElement(Either.Right(read), 100L);
            harness.processElement(Either.Right(streamed), 101L);

            assertThat(harness.getSideOutput(ObservationOutputs.OBSERVATIONS))
                    .extracting(record -> record.getValue().getHeartbeatSequence())
                    .containsExactly(null, 17L);
        }
    }

    @Test
    void aHeartbeatOfAnotherSourceInTheSameDatabaseIsDropped() throws Exception {
        try (OneInputStreamOperatorTestHarness<Either<ErrorRecord, ChangeEvent>, ChangeEvent>
                harness = ProcessFunctionTestHarnesses.forProcessFunction(new DecodeRouter())) {
            harness.setProcessingTime(SEEN);
            harness.processElement(Either.Right(heartbeat("billing-db", 24_023_144L)), 101L);

            assertThat(harness.extractOutputValues()).isEmpty();
            assertThat(harness.getSideOutput(ErrorOutputs.ERRORS)).isNull();
            assertThat(harness.getSideOutput(ObservationOutputs.OBSERVATIONS)).isNull();
        }
    }

    /** {@code heartbeat} with sequence number {@code sequence} in its row. */
    private static ChangeEvent withSequence(ChangeEvent heartbeat, long sequence) {
        Map<String, FieldValue> row = new HashMap<>(heartbeat.getAfter());
        row.put(Heartbeats.SEQUENCE_COLUMN, new FieldValue(FieldKind.LONG, sequence));
        heartbeat.setAfter(row);
        return heartbeat;
    }

    /** The heartbeat row of source {@code writtenBy}, as source shop-db captured it. */
    private static ChangeEvent heartbeat(String writtenBy, long lsn) {
        return ChangeEvent.newBuilder()
                .setEventId("shop-db/" + lsn + "/-/" + Heartbeats.ENTITY_TYPE + "/" + writtenBy)
                .setTenant(Heartbeats.TENANT)
                .setEntityType(Heartbeats.ENTITY_TYPE)
                .setEntityId(writtenBy)
                .setOp(Operation.UPDATE)
                .setAfter(
                        Map.of(
                                Heartbeats.SOURCE_COLUMN,
                                new FieldValue(FieldKind.STRING, writtenBy),
                                Heartbeats.TIME_COLUMN,
                                new FieldValue(FieldKind.TIMESTAMP_TZ, "2024-01-15T10:30:45.300Z")))
                .setSourceCommitTime(Instant.parse("2024-01-15T10:30:45.300Z"))
                .setCaptureTime(Instant.parse("2024-01-15T10:30:45.350Z"))
                .setSourceId("shop-db")
                .setSourcePosition(Long.toString(lsn))
                .setVersion(lsn)
                .build();
    }

    private static ChangeEvent change(String orderId, long lsn) {
        return ChangeEvent.newBuilder()
                .setEventId("shop-db/" + lsn + "/acme/order/" + orderId)
                .setTenant("acme")
                .setEntityType("order")
                .setEntityId(orderId)
                .setOp(Operation.CREATE)
                .setAfter(Map.of("id", new FieldValue(FieldKind.LONG, Long.parseLong(orderId))))
                .setSourceCommitTime(Instant.parse("2024-01-15T10:30:45.123Z"))
                .setCaptureTime(Instant.parse("2024-01-15T10:30:45.250Z"))
                .setSourceId("shop-db")
                .setSourcePosition(Long.toString(lsn))
                .setVersion(lsn)
                .build();
    }

    private static ErrorRecord error(String code, String position) {
        return ErrorRecord.newBuilder()
                .setErrorId("err-" + position)
                .setStage("decode")
                .setErrorClass(ErrorClass.PERMANENT)
                .setCode(code)
                .setMessage(code + " at " + position)
                .setPayload("Struct{}")
                .setSourceId("shop-db")
                .setSourcePosition(position)
                .setTime(Instant.parse("2024-01-15T10:31:00Z"))
                .build();
    }
}
