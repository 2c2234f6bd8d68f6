package io.syncline.jobs.savepoint;

import io.syncline.jobs.OperatorUids;
import io.syncline.operators.key.EntityKeys;
import io.syncline.schema.ChangeEvent;
import java.util.ArrayDeque;
import java.util.Deque;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.api.dag.Transformation;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.streaming.api.functions.sink.v2.DiscardingSink;
import org.apache.flink.util.Collector;

/**
 * The stateful operator the "v2" job adds: keyed by entity after the router, it remembers the last
 * version each entity was delivered under and reports a delivery whose version does not rise. It
 * starts empty when a v1 savepoint is restored, under a uid no v1 operator had.
 */
final class DeliveryAudit extends KeyedProcessFunction<String, ChangeEvent, String> {

    static final String UID = "v2-delivery-audit";

    private static final long serialVersionUID = 1L;

    private transient ValueState<Long> lastVersion;

    /** The last version each entity was delivered under. */
    static ValueStateDescriptor<Long> lastVersionState() {
        return new ValueStateDescriptor<>("last-delivered-version", Types.LONG);
    }

    /**
     * Adds the audit to the job built in {@code env}, after its router ({@link
     * OperatorUids#route()}), with a sink that drops what it reports.
     */
    @SuppressWarnings("unchecked")
    static void attach(StreamExecutionEnvironment env) {
        Transformation<ChangeEvent> routed =
                (Transformation<ChangeEvent>) find(env, OperatorUids.route());
        new DataStream<>(env, routed)
                .keyBy(EntityKeys::of, Types.STRING)
                .process(new DeliveryAudit(), Types.STRING)
                .uid(UID)
                .name("v2: delivery audit")
                .sinkTo(new DiscardingSink<>())
                .uid(UID + "-sink")
                .name("v2: delivery audit reports");
    }

    private static Transformation<?> find(StreamExecutionEnvironment env, String uid) {
        Deque<Transformation<?>> open = new ArrayDeque<>(env.getTransformations());
        while (!open.isEmpty()) {
            Transformation<?> transformation = open.pop();
            if (uid.equals(transformation.getUid())) {
                return transformation;
            }
            open.addAll(transformation.getInputs());
        }
        throw new IllegalStateException("the job has no operator with uid " + uid);
    }

    @Override
    public void open(Configuration parameters) {
        lastVersion = getRuntimeContext().getState(lastVersionState());
    }

    @Override
    public void processElement(ChangeEvent change, Context ctx, Collector<String> out)
            throws Exception {
        Long last = lastVersion.value();
        if (last != null && change.getVersion() <= last) {
            out.collect(
                    EntityKeys.of(change)
                            + " delivered under version "
                            + change.getVersion()
                            + " after "
                            + last);
            return;
        }
        lastVersion.update(change.getVersion());
    }
}
