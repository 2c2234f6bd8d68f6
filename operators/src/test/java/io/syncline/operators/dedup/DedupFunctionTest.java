package io.syncline.operators.dedup;

import static io.syncline.operators.validate.Changes.image;
import static io.syncline.operators.validate.Changes.intValue;
import static io.syncline.operators.validate.Changes.update;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.syncline.operators.key.EntityKeys;
import io.syncline.schema.ChangeEvent;
import java.time.Duration;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.metrics.Counter;
import org.apache.flink.runtime.jobgraph.OperatorID;
import org.apache.flink.runtime.metrics.groups.InternalOperatorMetricGroup;
import org.apache.flink.runtime.metrics.util.InterceptingOperatorMetricGroup;
import org.apache.flink.runtime.metrics.util.InterceptingTaskMetricGroup;
import org.apache.flink.runtime.operators.testutils.MockEnvironment;
import org.apache.flink.runtime.operators.testutils.MockEnvironmentBuilder;
import org.apache.flink.streaming.api.operators.KeyedProcessOperator;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class DedupFunctionTest {

    private static final Duration TTL = Duration.ofMillis(10);

    private final InterceptingOperatorMetricGroup metrics = new InterceptingOperatorMetricGroup();
    private MockEnvironment environment;
    private KeyedOneInputStreamOperatorTestHarness<String, ChangeEvent, ChangeEvent> harness;

    private void open(Duration ttl) throws Exception {
        environment =
                new MockEnvironmentBuilder()
                        .setMetricGroup(
                                new InterceptingTaskMetricGroup() {
                                    @Override
                                    public InternalOperatorMetricGroup getOrAddOperator(
                                            OperatorID operatorId, String name) {
                                        return metrics;
                                    }
                                })
                        .build();
        harness =
                new KeyedOneInputStreamOperatorTestHarness<>(
                        new KeyedProcessOperator<>(new DedupFunction(ttl)),
                        new EntityKeys(),
                        Types.STRING,
                        environment);
        harness.getExecutionConfig().disableGenericTypes();
        harness.setStateTtlProcessingTime(0);
        harness.open();
    }

    @AfterEach
    void close() throws Exception {
        if (harness != null) {
            harness.close();
            environment.close();
        }
    }

    private static ChangeEvent change(long version) {
        return update(
                "customer", "1", version, image("id", intValue(1), "v", intValue((int) version)));
    }

    private static ChangeEvent replay(ChangeEvent change, String errorId) {
        return ChangeEvent.newBuilder(change).setReplayOf(errorId).build();
    }

    private long duplicatesDropped() {
        return ((Counter) metrics.get("duplicatesDropped")).getCount();
    }

    @Test
    void aRepeatedEventIdIsDroppedAndCounted() throws Exception {
        open(Duration.ofHours(1));
        ChangeEvent change = change(1);

        harness.processElement(change, 0);
        harness.processElement(change, 0);
        harness.processElement(ChangeEvent.newBuilder(change).build(), 0);

        assertThat(harness.extractOutputValues()).containsExactly(change);
        assertThat(duplicatesDropped()).isEqualTo(2);
    }

    @Test
    void changesWithDifferentEventIdsAllPass() throws Exception {
        open(Duration.ofHours(1));

        harness.processElement(change(1), 0);
        harness.processElement(change(2), 0);
        harness.processElement(change(3), 0);

        assertThat(harness.extractOutputValues()).containsExactly(change(1), change(2), change(3));
        assertThat(duplicatesDropped()).isZero();
    }

    @Test
    void aReplayOfASeenChangePassesOnce() throws Exception {
        open(Duration.ofHours(1));
        ChangeEvent change = change(1);
        ChangeEvent replay = replay(change, "error-1");
        ChangeEvent otherReplay = replay(change, "error-2");

        harness.processElement(change, 0);
        harness.processElement(replay, 0);
        harness.processElement(replay, 0);
        harness.processElement(otherReplay, 0);

        assertThat(harness.extractOutputValues()).containsExactly(change, replay, otherReplay);
        assertThat(duplicatesDropped()).isEqualTo(1);
    }

    @Test
    void anEventIdIsForgottenOnceItsTimeToLiveIsOver() throws Exception {
        open(TTL);
        ChangeEvent change = change(1);

        harness.processElement(change, 0);
        harness.setStateTtlProcessingTime(5);
        harness.processElement(change, 0);
        harness.setStateTtlProcessingTime(100);
        harness.processElement(change, 0);

        assertThat(harness.extractOutputValues()).containsExactly(change, change);
        assertThat(duplicatesDropped()).isEqualTo(1);
    }

    @Test
    void theTimeToLiveCountsFromWhenTheIdWasLastSeen() throws Exception {
        open(TTL);
        ChangeEvent change = change(1);

        harness.processElement(change, 0);
        harness.setStateTtlProcessingTime(8);
        harness.processElement(change, 0);
        harness.setStateTtlProcessingTime(15);
        harness.processElement(change, 0);
        harness.setStateTtlProcessingTime(40);
        harness.processElement(change, 0);

        assertThat(harness.extractOutputValues()).containsExactly(change, change);
        assertThat(duplicatesDropped()).isEqualTo(2);
    }

    @Test
    void aTimeToLiveThatIsNotPositiveIsRejected() {
        assertThatThrownBy(() -> new DedupFunction(Duration.ZERO))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("the dedup time to live must be positive: PT0S");
        assertThatThrownBy(() -> new DedupFunction(Duration.ofSeconds(-1)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("the dedup time to live must be positive: PT-1S");
    }
}
