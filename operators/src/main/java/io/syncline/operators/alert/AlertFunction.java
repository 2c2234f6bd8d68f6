package io.syncline.operators.alert;

import io.syncline.schema.Alert;
import io.syncline.schema.AlertState;
import io.syncline.schema.AlertStatus;
import io.syncline.schema.QualityMetrics;
import io.syncline.schema.SourceLag;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.MapState;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.formats.avro.typeutils.AvroTypeInfo;
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.functions.co.KeyedCoProcessFunction;
import org.apache.flink.util.Collector;

/**
 * The alert stage: evaluates quality windows (keyed by tenant and entity type) and source lag
 * readings (keyed by source) with {@link AlertRules}, and emits FIRING and RESOLVED alerts through
 * one {@link AlertStateMachine} per condition, whose state it keeps. Key both inputs with {@link
 * AlertKeys}.
 */
public final class AlertFunction
        extends KeyedCoProcessFunction<String, QualityMetrics, SourceLag, Alert> {

    private static final long serialVersionUID = 1L;

    private final AlertThresholds thresholds;

    private transient AlertRules rules;
    private transient AlertStateMachine machine;
    private transient MapState<String, AlertState> conditions;
    private transient Counter alertsFired;
    private transient Counter alertsResolved;
    private transient Counter alertsSuppressed;

    /**
     * @param thresholds the limits quality, lag and errors are held to
     */
    public AlertFunction(AlertThresholds thresholds) {
        this.thresholds = Objects.requireNonNull(thresholds, "thresholds");
    }

    /**
     * What the stage remembers of each condition, by condition id. Public so that tools read a
     * savepoint as the stage does.
     */
    public static MapStateDescriptor<String, AlertState> conditionsState() {
        return new MapStateDescriptor<>(
                "alert-conditions", Types.STRING, new AvroTypeInfo<>(AlertState.class));
    }

    @Override
    public void open(OpenContext openContext) {
        rules = new AlertRules(thresholds);
        machine = new AlertStateMachine(thresholds.rateLimit());
        conditions = getRuntimeContext().getMapState(conditionsState());
        alertsFired = getRuntimeContext().getMetricGroup().counter("alertsFired");
        alertsResolved = getRuntimeContext().getMetricGroup().counter("alertsResolved");
        alertsSuppressed = getRuntimeContext().getMetricGroup().counter("alertsSuppressed");
    }

    @Override
    public void processElement1(QualityMetrics metrics, Context ctx, Collector<Alert> out)
            throws Exception {
        apply(rules.evaluate(metrics), now(ctx), out);
    }

    @Override
    public void processElement2(SourceLag lag, Context ctx, Collector<Alert> out) throws Exception {
        apply(rules.evaluate(lag), now(ctx), out);
    }

    private void apply(List<Condition> evaluated, Instant now, Collector<Alert> out)
            throws Exception {
        for (Condition condition : evaluated) {
            AlertState state = conditions.get(condition.id());
            if (state == null) {
                state = AlertStateMachine.newState();
            }
            long suppressedBefore = state.getSuppressed();
            Optional<Alert> alert = machine.apply(condition, state, now);
            if (state.getSuppressed() > suppressedBefore) {
                alertsSuppressed.inc();
            }
            alert.ifPresent(
                    a -> {
                        (a.getStatus() == AlertStatus.FIRING ? alertsFired : alertsResolved).inc();
                        out.collect(a);
                    });
            // Most conditions are clear most of the time; only those with something to remember
            // take state, so the state does not grow with every tenant and error code ever seen.
            if (machine.isIdle(state, now)) {
                conditions.remove(condition.id());
            } else {
                conditions.put(condition.id(), state);
            }
        }
    }

    private static Instant now(Context ctx) {
        return Instant.ofEpochMilli(ctx.timerService().currentProcessingTime());
    }
}
