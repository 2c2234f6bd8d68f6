package io.syncline.jobs;

import io.syncline.operators.decode.DecodeRouter;
import io.syncline.operators.errors.ErrorOutputs;
import io.syncline.operators.key.EntityKeys;
import io.syncline.operators.sink.EntityTypeRouter;
import io.syncline.schema.ChangeEvent;
import io.syncline.schema.ErrorRecord;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.api.connector.source.Source;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.types.Either;

/**
 * The streaming sync pipeline: sources → decode → key by entity → change topic and target tables,
 * with every stage's errors to the error topic. Sources and sinks come in through the constructor
 * so tests and benchmarks can swap them.
 */
public final class SyncJob {

    /** A change source and the id its operators are named after. */
    public record ChangeSource(String id, Source<Either<ErrorRecord, ChangeEvent>, ?, ?> source) {}

    private final List<ChangeSource> sources;
    private final Sink<ChangeEvent> changeTopic;
    private final Map<String, Sink<ChangeEvent>> targetTables;
    private final Sink<ErrorRecord> errorTopic;

    /**
     * @param sources the change sources, at least one
     * @param changeTopic sink of every decoded change
     * @param targetTables sink of each entity type's target table, by entity type
     * @param errorTopic sink of every error
     */
    public SyncJob(
            List<ChangeSource> sources,
            Sink<ChangeEvent> changeTopic,
            Map<String, Sink<ChangeEvent>> targetTables,
            Sink<ErrorRecord> errorTopic) {
        if (sources.isEmpty()) {
            throw new IllegalArgumentException("a sync job needs at least one source");
        }
        this.sources = List.copyOf(sources);
        this.changeTopic = Objects.requireNonNull(changeTopic, "changeTopic");
        this.targetTables = Map.copyOf(targetTables);
        this.errorTopic = Objects.requireNonNull(errorTopic, "errorTopic");
    }

    /** The change sources. */
    public List<ChangeSource> sources() {
        return sources;
    }

    /** The sink of every decoded change. */
    public Sink<ChangeEvent> changeTopic() {
        return changeTopic;
    }

    /** The sink of every error. */
    public Sink<ErrorRecord> errorTopic() {
        return errorTopic;
    }

    /** Adds the pipeline to {@code env}. */
    public void build(StreamExecutionEnvironment env) {
        List<DataStream<ChangeEvent>> decoded = new ArrayList<>();
        List<DataStream<ErrorRecord>> errors = new ArrayList<>();
        for (ChangeSource source : sources) {
            SingleOutputStreamOperator<ChangeEvent> changes = decode(env, source);
            decoded.add(changes);
            errors.add(changes.getSideOutput(ErrorOutputs.ERRORS));
        }
        deliver(route(union(decoded).keyBy(new EntityKeys())), union(errors));
    }

    /** Stage: one source, decoded into changes, with decode errors on {@link ErrorOutputs}. */
    public static SingleOutputStreamOperator<ChangeEvent> decode(
            StreamExecutionEnvironment env, ChangeSource source) {
        return env.fromSource(
                        source.source(), WatermarkStrategy.noWatermarks(), "source: " + source.id())
                .uid(OperatorUids.source(source.id()))
                .process(new DecodeRouter())
                .uid(OperatorUids.decode(source.id()))
                .name("decode: " + source.id());
    }

    /** Stage: every change on, and each to its entity type's side output for the target table. */
    public SingleOutputStreamOperator<ChangeEvent> route(DataStream<ChangeEvent> changes) {
        return changes.process(new EntityTypeRouter(targetTables.keySet()))
                .uid(OperatorUids.route())
                .name("route by entity type");
    }

    /**
     * Stage: routed changes to the change topic and the target tables, errors to the error topic.
     */
    public void deliver(
            SingleOutputStreamOperator<ChangeEvent> routed, DataStream<ErrorRecord> errors) {
        routed.sinkTo(changeTopic)
                .uid(OperatorUids.changeTopicSink())
                .name("change topic (exactly once)");
        targetTables.forEach(
                (entityType, sink) ->
                        routed.getSideOutput(EntityTypeRouter.outputOf(entityType))
                                .sinkTo(sink)
                                .uid(OperatorUids.targetTableSink(entityType))
                                .name("target table: " + entityType));
        errors.sinkTo(errorTopic)
                .uid(OperatorUids.errorTopicSink())
                .name("error topic (exactly once)");
    }

    private static <T> DataStream<T> union(List<DataStream<T>> streams) {
        DataStream<T> all = streams.get(0);
        for (DataStream<T> next : streams.subList(1, streams.size())) {
            all = all.union(next);
        }
        return all;
    }
}
