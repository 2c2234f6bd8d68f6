package io.syncline.operators.replay;

import io.syncline.operators.errors.ErrorOutputs;
import io.syncline.schema.ChangeEvent;
import io.syncline.schema.ErrorRecord;
import java.util.HashMap;
import java.util.Map;
import org.apache.flink.api.common.accumulators.LongCounter;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.streaming.api.functions.ProcessFunction;
import org.apache.flink.types.Either;
import org.apache.flink.util.Collector;

/**
 * Passes on the stored events a replay applies ({@link ReplaySelection}) and sends unreadable ones
 * to {@link ErrorOutputs#ERRORS}. Counts every event read in {@value #SCANNED_ACCUMULATOR}, and the
 * applied ones per entity type and tenant in accumulators named by {@link #appliedAccumulator}, for
 * the replay's summary.
 */
public final class ReplayFilter
        extends ProcessFunction<Either<ErrorRecord, ChangeEvent>, ChangeEvent> {

    /** Accumulator of the events read from the event topic, applied or not. */
    public static final String SCANNED_ACCUMULATOR = "syncline-replay-scanned";

    /** Accumulator of the records of the event topic that could not be read. */
    public static final String UNREADABLE_ACCUMULATOR = "syncline-replay-unreadable";

    /** Prefix of the accumulators of applied events, one per entity type and tenant. */
    public static final String APPLIED_PREFIX = "syncline-replay-applied/";

    private static final long serialVersionUID = 1L;

    private final ReplaySelection selection;
    private transient LongCounter scanned;
    private transient LongCounter unreadable;
    private transient Map<String, LongCounter> applied;

    public ReplayFilter(ReplaySelection selection) {
        this.selection = selection;
    }

    /** The accumulator counting the applied events of {@code tenant}'s {@code entityType}. */
    public static String appliedAccumulator(String entityType, String tenant) {
        return APPLIED_PREFIX + entityType + "/" + tenant;
    }

    @Override
    public void open(OpenContext openContext) {
        scanned = new LongCounter();
        getRuntimeContext().addAccumulator(SCANNED_ACCUMULATOR, scanned);
        unreadable = new LongCounter();
        getRuntimeContext().addAccumulator(UNREADABLE_ACCUMULATOR, unreadable);
        applied = new HashMap<>();
    }

    @Override
    public void processElement(
            Either<ErrorRecord, ChangeEvent> stored, Context ctx, Collector<ChangeEvent> out) {
        scanned.add(1L);
        if (stored.isLeft()) {
            unreadable.add(1L);
            ctx.output(ErrorOutputs.ERRORS, stored.left());
            return;
        }
        ChangeEvent change = stored.right();
        if (!selection.selects(change)) {
            return;
        }
        applied.computeIfAbsent(
                        appliedAccumulator(change.getEntityType(), change.getTenant()),
                        name -> {
                            LongCounter counter = new LongCounter();
                            getRuntimeContext().addAccumulator(name, counter);
                            return counter;
                        })
                .add(1L);
        out.collect(change);
    }
}
