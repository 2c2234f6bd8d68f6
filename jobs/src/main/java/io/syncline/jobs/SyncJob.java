package io.syncline.jobs;

import io.syncline.operators.control.ControlRouter;
import io.syncline.operators.decode.DecodeRouter;
import io.syncline.operators.errors.ErrorOutputs;
import io.syncline.operators.key.EntityKeys;
import io.syncline.operators.key.TenantKeys;
import io.syncline.operators.sink.EntityTypeRouter;
import io.syncline.operators.validate.ValidateFunction;
import io.syncline.schema.ChangeEvent;
import io.syncline.schema.ControlCommand;
import io.syncline.schema.ErrorRecord;
import io.syncline.schema.RuleSetDocument;
import java.time.Duration;
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
 * The streaming sync pipeline: sources → decode → validate (keyed by tenant, rule sets and replays
 * from the control topic) → key by entity → change topic and target tables, with every stage's
 * errors to the error topic and the errors table. Sources and sinks come in through the constructor
 * so tests and benchmarks can swap them.
 */
public final class SyncJob {

    /** A change source and the id its operators are named after. */
    public record ChangeSource(String id, Source<Either<ErrorRecord, ChangeEvent>, ?, ?> source) {}

    /**
     * What the validation stage needs.
     *
     * @param control source of the control topic's commands (rule sets, replays)
     * @param initialRules the rule set in force at start, {@code null} for none
     * @param maxParentWait how long a change waits for a missing parent
     * @param maxWaitingChildren how many changes may wait for parents, per tenant
     */
    public record Validation(
            Source<ControlCommand, ?, ?> control,
            RuleSetDocument initialRules,
            Duration maxParentWait,
            int maxWaitingChildren) {

        public Validation {
            Objects.requireNonNull(control, "control");
            Objects.requireNonNull(maxParentWait, "maxParentWait");
        }
    }

    private final List<ChangeSource> sources;
    private final Validation validation;
    private final Sink<ChangeEvent> changeTopic;
    private final Map<String, Sink<ChangeEvent>> targetTables;
    private final Sink<ErrorRecord> errorTopic;
    private final Sink<ErrorRecord> errorsTable;

    /**
     * @param sources the change sources, at least one
     * @param validation the validation stage's control source and settings
     * @param changeTopic sink of every valid change
     * @param targetTables sink of each entity type's target table, by entity type
     * @param errorTopic sink of every error
     * @param errorsTable sink of every error into the table {@code syncline errors} works on
     */
    public SyncJob(
            List<ChangeSource> sources,
            Validation validation,
            Sink<ChangeEvent> changeTopic,
            Map<String, Sink<ChangeEvent>> targetTables,
            Sink<ErrorRecord> errorTopic,
            Sink<ErrorRecord> errorsTable) {
        if (sources.isEmpty()) {
            throw new IllegalArgumentException("a sync job needs at least one source");
        }
        this.sources = List.copyOf(sources);
        this.validation = Objects.requireNonNull(validation, "validation");
        this.changeTopic = Objects.requireNonNull(changeTopic, "changeTopic");
        this.targetTables = Map.copyOf(targetTables);
        this.errorTopic = Objects.requireNonNull(errorTopic, "errorTopic");
        this.errorsTable = Objects.requireNonNull(errorsTable, "errorsTable");
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

    /** The validation stage's control source and settings. */
    public Validation validation() {
        return validation;
    }

    /** The sink of every error into the errors table. */
    public Sink<ErrorRecord> errorsTable() {
        return errorsTable;
    }

    /** Adds the pipeline to {@code env}. */
    public void build(StreamExecutionEnvironment env) {
        List<DataStream<ChangeEvent>> changes = new ArrayList<>();
        List<DataStream<ErrorRecord>> errors = new ArrayList<>();
        for (ChangeSource source : sources) {
            SingleOutputStreamOperator<ChangeEvent> decoded = decode(env, source);
            changes.add(decoded);
            errors.add(decoded.getSideOutput(ErrorOutputs.ERRORS));
        }
        SingleOutputStreamOperator<ControlCommand> control = control(env);
        changes.add(control.getSideOutput(ControlRouter.REPLAYS));
        errors.add(control.getSideOutput(ErrorOutputs.ERRORS));
        SingleOutputStreamOperator<ChangeEvent> valid = validate(union(changes), control);
        errors.add(valid.getSideOutput(ErrorOutputs.ERRORS));
        deliver(route(valid.keyBy(new EntityKeys())), union(errors));
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

    /**
     * Stage: the control topic, read by one reader so that commands keep their order; rule sets go
     * on, replayed changes to {@link ControlRouter#REPLAYS}, bad commands to the errors.
     */
    public SingleOutputStreamOperator<ControlCommand> control(StreamExecutionEnvironment env) {
        return env.fromSource(
                        validation.control(), WatermarkStrategy.noWatermarks(), "control topic")
                .uid(OperatorUids.controlSource())
                .setParallelism(1)
                .process(new ControlRouter())
                .uid(OperatorUids.controlRouter())
                .name("control: rule sets and replays")
                .setParallelism(1);
    }

    /**
     * Stage: changes keyed by tenant and checked against the broadcast rule set; invalid ones to
     * {@link ErrorOutputs#ERRORS}.
     */
    public SingleOutputStreamOperator<ChangeEvent> validate(
            DataStream<ChangeEvent> changes, DataStream<ControlCommand> control) {
        return changes.keyBy(new TenantKeys())
                .connect(control.broadcast(ValidateFunction.RULE_SETS))
                .process(
                        new ValidateFunction(
                                validation.initialRules(),
                                validation.maxParentWait(),
                                validation.maxWaitingChildren()))
                .uid(OperatorUids.validate())
                .name("validate (schema, rules, referential integrity)");
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
        errors.sinkTo(errorsTable).uid(OperatorUids.errorsTableSink()).name("errors table");
    }

    private static <T> DataStream<T> union(List<DataStream<T>> streams) {
        DataStream<T> all = streams.get(0);
        for (DataStream<T> next : streams.subList(1, streams.size())) {
            all = all.union(next);
        }
        return all;
    }
}
