package io.syncline.operators.quality;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.apache.flink.util.InstantiationUtil;
import org.junit.jupiter.api.Test;

/** Latency targets per entity type, and the default for the others. */
class LatencyTargetsTest {

    private static final LatencyTargets.Target ORDERS =
            new LatencyTargets.Target(SyncClass.NEAR_REAL_TIME, Duration.ofSeconds(20));

    @Test
    void listedEntityTypesHaveTheirTargetOthersTheDefault() {
        LatencyTargets targets =
                new LatencyTargets(
                        Map.of("order", ORDERS), LatencyTargets.Target.of(SyncClass.BATCH));

        assertThat(targets.of("order")).isEqualTo(ORDERS);
        assertThat(targets.targetMillis("order")).isEqualTo(20_000);
        assertThat(targets.of("customer"))
                .isEqualTo(new LatencyTargets.Target(SyncClass.BATCH, Duration.ofHours(1)));
        assertThat(targets.targetMillis("customer")).isEqualTo(3_600_000);
    }

    @Test
    void defaultsAreRealTimeFiveSecondsForEveryEntityType() {
        LatencyTargets defaults = LatencyTargets.defaults();

        assertThat(defaults.of("customer"))
                .isEqualTo(new LatencyTargets.Target(SyncClass.REAL_TIME, Duration.ofSeconds(5)));
        assertThat(defaults.targetMillis("anything")).isEqualTo(5000);
        assertThat(defaults.byEntityType()).isEmpty();
    }

    @Test
    void targetsAreACopyOfTheMapGiven() {
        Map<String, LatencyTargets.Target> byEntityType = new HashMap<>(Map.of("order", ORDERS));
        LatencyTargets targets =
                new LatencyTargets(byEntityType, LatencyTargets.Target.of(SyncClass.REAL_TIME));

        byEntityType.remove("order");

        assertThat(targets.of("order")).isEqualTo(ORDERS);
    }

    @Test
    void targetsSurviveJavaSerializationAsFlinkShipsThemWithTheFunctions() throws Exception {
        LatencyTargets targets =
                new LatencyTargets(
                        Map.of("order", ORDERS), LatencyTargets.Target.of(SyncClass.REAL_TIME));

        assertThat(InstantiationUtil.clone(targets)).isEqualTo(targets);
    }

    @Test
    void negativeLatencyIsRefused() {
        assertThatThrownBy(
                        () ->
                                new LatencyTargets.Target(
                                        SyncClass.REAL_TIME, Duration.ofSeconds(-1)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("latency must not be negative: PT-1S");
    }
}
