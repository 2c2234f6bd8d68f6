package io.syncline.operators.sink;

import io.syncline.operators.observe.ObservationOutputs;
import io.syncline.operators.observe.Observations;
import io.syncline.schema.ChangeEvent;
import io.syncline.schema.ObservationOutcome;
import io.syncline.schema.ObservationStage;
import java.util.Collection;
import java.util.HashMap;
import java.util.Map;
import org.apache.flink.api.common.accumulators.LongCounter;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.formats.avro.typeutils.AvroTypeInfo;
import org.apache.flink.streaming.api.functions.ProcessFunction;
import org.apache.flink.util.Collector;
import org.apache.flink.util.OutputTag;

/**
 * Passes every change on (to the change topic) and also to the side output of its entity type (to
 * that type's target table). One operator after the key-by exchange, with the sinks chained behind
 * it, means each change crosses the network once rather than once per sink.
 */
public final class EntityTypeRouter extends ProcessFunction<ChangeEvent, ChangeEvent> {

    /**
     * Accumulator of the changes the sync job's router handed to the sinks (a write-back router
     * does not count), e.g. a backfill's progress.
     */
    public static final String DELIVERED_ACCUMULATOR = "syncline-changes-delivered";

    private static final long serialVersionUID = 1L;

    private final Map<String, OutputTag<ChangeEvent>> outputs = new HashMap<>();
    private final boolean observeDeliveries;
    private final boolean countDeliveries;
    private transient LongCounter delivered;

    /**
     * @param entityTypes the entity types that have a target table
     */
    public EntityTypeRouter(Collection<String> entityTypes) {
        this(entityTypes, false, false);
    }

    /**
     * @param entityTypes the entity types that have a target table
     * @param observeDeliveries whether to put a {@link ObservationOutcome#DELIVERED} observation of
     *     every change on {@link ObservationOutputs#OBSERVATIONS}: the time it is handed to the
     *     sinks, from which end-to-end lag is measured
     * @param countDeliveries whether to count every change in {@value #DELIVERED_ACCUMULATOR}; one
     *     router of a job at most, as accumulators are named per task
     */
    public EntityTypeRouter(
            Collection<String> entityTypes, boolean observeDeliveries, boolean countDeliveries) {
        for (String entityType : entityTypes) {
            outputs.put(entityType, outputOf(entityType));
        }
        this.observeDeliveries = observeDeliveries;
        this.countDeliveries = countDeliveries;
    }

    @Override
    public void open(OpenContext openContext) {
        if (countDeliveries) {
            delivered = new LongCounter();
            getRuntimeContext().addAccumulator(DELIVERED_ACCUMULATOR, delivered);
        }
    }

    /** The side output carrying the changes of {@code entityType}. */
    public static OutputTag<ChangeEvent> outputOf(String entityType) {
        return new OutputTag<>("target-" + entityType, new AvroTypeInfo<>(ChangeEvent.class));
    }

    @Override
    public void processElement(ChangeEvent change, Context ctx, Collector<ChangeEvent> out) {
        out.collect(change);
        if (delivered != null) {
            delivered.add(1L);
        }
        OutputTag<ChangeEvent> target = outputs.get(change.getEntityType());
        if (target != null) {
            ctx.output(target, change);
        }
        if (observeDeliveries) {
            ctx.output(
                    ObservationOutputs.OBSERVATIONS,
                    Observations.of(
                            change,
                            ObservationStage.DELIVER,
                            ObservationOutcome.DELIVERED,
                            ctx.timerService().currentProcessingTime()));
        }
    }
}
