package io.syncline.operators.sink;

import static org.assertj.core.api.Assertions.assertThat;

import io.syncline.operators.observe.ObservationOutputs;
import io.syncline.schema.ChangeEvent;
import io.syncline.schema.Observation;
import io.syncline.schema.ObservationOutcome;
import io.syncline.schema.ObservationStage;
import io.syncline.schema.Operation;
import java.time.Instant;
import java.util.List;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.OneInputStreamOperatorTestHarness;
import org.apache.flink.streaming.util.ProcessFunctionTestHarnesses;
import org.junit.jupiter.api.Test;

class EntityTypeRouterTest {

    @Test
    void everyChangeGoesOnAndToItsEntityTypesOutput() throws Exception {
        ChangeEvent customer = change("customer", "1");
        ChangeEvent contract = change("contract", "2");
        ChangeEvent note = change("note", "3");
        try (OneInputStreamOperatorTestHarness<ChangeEvent, ChangeEvent> harness =
                ProcessFunctionTestHarnesses.forProcessFunction(
                        new EntityTypeRouter(List.of("customer", "contract")))) {
            harness.processElement(customer, 1L);
            harness.processElement(contract, 2L);
            harness.processElement(note, 3L);

            assertThat(harness.extractOutputValues()).containsExactly(customer, contract, note);
            assertThat(harness.getSideOutput(EntityTypeRouter.outputOf("customer")))
                    .extracting(StreamRecord::getValue)
                    .containsExactly(customer);
            assertThat(harness.getSideOutput(EntityTypeRouter.outputOf("contract")))
                    .extracting(StreamRecord::getValue)
                    .containsExactly(contract);
            assertThat(harness.getSideOutput(EntityTypeRouter.outputOf("note")))
                    .as("an entity type without a target table has no side output")
                    .isNull();
        }
    }

    @Test
    void whenAskedEveryChangeIsObservedAsDeliveredWhenItIsHandedToTheSinks() throws Exception {
        ChangeEvent customer = change("customer", "1");
        ChangeEvent note = change("note", "3");
        try (OneInputStreamOperatorTestHarness<ChangeEvent, ChangeEvent> harness =
                ProcessFunctionTestHarnesses.forProcessFunction(
                        new EntityTypeRouter(List.of("customer"), true, false))) {
            harness.setProcessingTime(2_500L);
            harness.processElement(customer, 1L);
            harness.setProcessingTime(2_700L);
            harness.processElement(note, 3L);

            assertThat(harness.extractOutputValues()).containsExactly(customer, note);
            assertThat(harness.getSideOutput(ObservationOutputs.OBSERVATIONS))
                    .extracting(StreamRecord::getValue)
                    .containsExactly(delivered(customer, 2_500L), delivered(note, 2_700L));
        }
    }

    @Test
    void unlessAskedNoDeliveryIsObserved() throws Exception {
        try (OneInputStreamOperatorTestHarness<ChangeEvent, ChangeEvent> harness =
                ProcessFunctionTestHarnesses.forProcessFunction(
                        new EntityTypeRouter(List.of("customer"), false, false))) {
            harness.processElement(change("customer", "1"), 1L);

            assertThat(harness.extractOutputValues()).hasSize(1);
            assertThat(harness.getSideOutput(ObservationOutputs.OBSERVATIONS)).isNull();
        }
        try (OneInputStreamOperatorTestHarness<ChangeEvent, ChangeEvent> harness =
                ProcessFunctionTestHarnesses.forProcessFunction(
                        new EntityTypeRouter(List.of("customer")))) {
            harness.processElement(change("customer", "1"), 1L);

            assertThat(harness.extractOutputValues()).hasSize(1);
            assertThat(harness.getSideOutput(ObservationOutputs.OBSERVATIONS)).isNull();
        }
    }

    private static Observation delivered(ChangeEvent change, long handedOver) {
        return Observation.newBuilder()
                .setTenant("acme")
                .setEntityType(change.getEntityType())
                .setStage(ObservationStage.DELIVER)
                .setOutcome(ObservationOutcome.DELIVERED)
                .setSourceId("crm")
                .setSourceCommitTime(Instant.EPOCH)
                .setObservedTime(Instant.ofEpochMilli(handedOver))
                .build();
    }

    private static ChangeEvent change(String entityType, String id) {
        return ChangeEvent.newBuilder()
                .setEventId("crm/1/acme/" + entityType + "/" + id)
                .setTenant("acme")
                .setEntityType(entityType)
                .setEntityId(id)
                .setOp(Operation.CREATE)
                .setSourceCommitTime(Instant.EPOCH)
                .setCaptureTime(Instant.EPOCH)
                .setSourceId("crm")
                .setSourcePosition("1")
                .setVersion(1L)
                .build();
    }
}
