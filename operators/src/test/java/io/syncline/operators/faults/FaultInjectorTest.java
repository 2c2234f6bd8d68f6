package io.syncline.operators.faults;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.apache.flink.streaming.api.operators.StreamMap;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.OneInputStreamOperatorTestHarness;
import org.apache.flink.util.ExceptionUtils;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

/** The injector passes records on and fails once, at the moment its plan names, in subtask 0. */
class FaultInjectorTest {

    @Test
    void passesRecordsOnAndFailsOnceAtTheNthRecord() throws Exception {
        try (OneInputStreamOperatorTestHarness<String, String> harness =
                harness(FaultPlan.afterRecords(3), 0)) {
            harness.processElement(new StreamRecord<>("a"));
            harness.processElement(new StreamRecord<>("b"));

            assertInjected(() -> harness.processElement(new StreamRecord<>("c")));
            harness.processElement(new StreamRecord<>("d"));
            harness.snapshot(1, 1);
            harness.notifyOfCompletedCheckpoint(1);

            assertThat(harness.extractOutputValues()).containsExactly("a", "b", "d");
        }
    }

    @Test
    void failsInTheSnapshotOfTheCheckpointAndNoOther() throws Exception {
        try (OneInputStreamOperatorTestHarness<String, String> harness =
                harness(FaultPlan.inSnapshotOf(2), 0)) {
            harness.processElement(new StreamRecord<>("a"));
            harness.snapshot(1, 1);
            harness.notifyOfCompletedCheckpoint(1);

            assertInjected(() -> harness.snapshot(2, 2));
            harness.snapshot(3, 3);
            harness.notifyOfCompletedCheckpoint(3);
        }
    }

    @Test
    void failsWhenTheCheckpointIsCompleteAndNoOther() throws Exception {
        try (OneInputStreamOperatorTestHarness<String, String> harness =
                harness(FaultPlan.onCompletionOf(2), 0)) {
            harness.snapshot(1, 1);
            harness.notifyOfCompletedCheckpoint(1);
            harness.snapshot(2, 2);

            assertInjected(() -> harness.notifyOfCompletedCheckpoint(2));
            harness.snapshot(3, 3);
            harness.notifyOfCompletedCheckpoint(3);
        }
    }

    @Test
    void aCheckpointFaultFiresAtTheNextCheckpointWhenItsOwnNeverCame() throws Exception {
        try (OneInputStreamOperatorTestHarness<String, String> harness =
                harness(FaultPlan.inSnapshotOf(2), 0)) {
            harness.snapshot(1, 1);

            assertInjected(() -> harness.snapshot(3, 3));
        }
    }

    @Test
    void otherSubtasksNeverFail() throws Exception {
        try (OneInputStreamOperatorTestHarness<String, String> harness =
                harness(FaultPlan.afterRecords(1), 1)) {
            harness.processElement(new StreamRecord<>("a"));
            harness.processElement(new StreamRecord<>("b"));

            assertThat(harness.extractOutputValues()).containsExactly("a", "b");
        }
    }

    @Test
    void onlyTheFirstAttemptOfSubtaskZeroIsArmed() {
        FaultPlan plan = FaultPlan.afterRecords(1);

        assertThat(plan.armedIn(0, 0)).isTrue();
        assertThat(plan.armedIn(0, 1)).as("after a restart").isFalse();
        assertThat(plan.armedIn(1, 0)).as("another subtask").isFalse();
    }

    @Test
    void describesWhereItFires() {
        assertThat(FaultPlan.afterRecords(200)).hasToString("processElement of record 200");
        assertThat(FaultPlan.inSnapshotOf(5)).hasToString("snapshotState of checkpoint 5");
        assertThat(FaultPlan.onCompletionOf(5))
                .hasToString("notifyCheckpointComplete of checkpoint 5");
    }

    private static OneInputStreamOperatorTestHarness<String, String> harness(
            FaultPlan plan, int subtask) throws Exception {
        OneInputStreamOperatorTestHarness<String, String> harness =
                new OneInputStreamOperatorTestHarness<>(
                        new StreamMap<>(new FaultInjector<String>(plan)), 2, 2, subtask);
        harness.open();
        return harness;
    }

    private static void assertInjected(Executable call) {
        assertThatThrownBy(call::execute)
                .satisfies(
                        failure ->
                                assertThat(
                                                ExceptionUtils.findThrowable(
                                                        failure, InjectedFault.class))
                                        .as("an injected fault in %s", failure)
                                        .isPresent());
    }
}
