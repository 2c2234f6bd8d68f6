package io.syncline.jobs;

import io.syncline.operators.control.ControlRouter;
import io.syncline.operators.decode.DecodeRouter;
import io.syncline.operators.errors.ErrorOutputs;
import io.syncline.operators.key.EntityKeys;
import io.syncline.operators.key.TenantKeys;
import io.syncline.operators.resolve.ConflictDecisionKeys;
import io.syncline.operators.resolve.EntityResolver;
import io.syncline.operators.resolve.ResolveFunction;
import io.syncline.operators.sink.EntityTypeRouter;
import io.syncline.operators.validate.ValidateFunction;
import io.syncline.schema.ChangeEvent;
import io.syncline.schema.ConflictDecision;
import io.syncline.schema.ConflictRecord;
import io.syncline.schema.ControlCommand;
import io.syncline.schema.ErrorRecord;
import io.syncline.schema.RuleSetDocument;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.apache.flink.api.common.eventtime.Watermark;
import org.apache.flink.api.common.eventtime.WatermarkGenerator;
import org.apache.flink.api.common.eventtime.WatermarkOutput;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.api.connector.source.Source;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.datastream.KeyedStream;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.types.Either;

/**
 * The streaming sync pipeline: sources → decode → validate (keyed by tenant, rule sets and replays
 * from the control topic) → key by entity → resolve (duplicates, ordering and conflicts, decisions
 * from the control topic) → change topic and target tables, and back to bidirectional sources;
 * conflicts to the conflicts topic and table, every stage's errors to the error topic and the
 * errors table. Sources and sinks come in through the constructor so tests and benchmarks can swap
 * them.
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

    /**
     * What the resolve stage (with its de-duplication) needs.
     *
     * @param resolver decides each change of an entity against the version in force
     * @param dedupTtl how long an event id is remembered to drop duplicates
     * @param maxOutOfOrder how far out of order (in source commit time) changes may arrive
     * @param maxPendingPerEntity changes held back per entity before the oldest goes early
     * @param maxParkedPerEntity changes that may wait behind a parked conflict of one entity
     * @param conflictTopic sink of every conflict
     * @param conflictsTable sink of every conflict into the table {@code syncline conflicts} reads
     * @param writeBack per bidirectional source, the sink of each entity type's table in it
     */
    public record Consistency(
            EntityResolver resolver,
            Duration dedupTtl,
            Duration maxOutOfOrder,
            int maxPendingPerEntity,
            int maxParkedPerEntity,
            Sink<ConflictRecord> conflictTopic,
            Sink<ConflictRecord> conflictsTable,
            Map<String, Map<String, Sink<ChangeEvent>>> writeBack) {

        public Consistency {
            Objects.requireNonNull(resolver, "resolver");
            Objects.requireNonNull(dedupTtl, "dedupTtl");
            Objects.requireNonNull(maxOutOfOrder, "maxOutOfOrder");
            Objects.requireNonNull(conflictTopic, "conflictTopic");
            Objects.requireNonNull(conflictsTable, "conflictsTable");
            writeBack = Map.copyOf(writeBack);
        }
    }

    /** A source without changes for this long stops holding back the watermark. */
    private static final Duration SOURCE_IDLENESS = Duration.ofSeconds(30);

    private final List<ChangeSource> sources;
    private final Validation validation;
    private final Consistency consistency;
    private final Sink<ChangeEvent> changeTopic;
    private final Map<String, Sink<ChangeEvent>> targetTables;
    private final Sink<ErrorRecord> errorTopic;
    private final Sink<ErrorRecord> errorsTable;

    /**
     * @param sources the change sources, at least one
     * @param validation the validation stage's control source and settings
     * @param consistency the resolve stage's settings and sinks
     * @param changeTopic sink of every valid change
     * @param targetTables sink of each entity type's target table, by entity type
     * @param errorTopic sink of every error
     * @param errorsTable sink of every error into the table {@code syncline errors} works on
     */
    public SyncJob(
            List<ChangeSource> sources,
            Validation validation,
            Consistency consistency,
            Sink<ChangeEvent> changeTopic,
            Map<String, Sink<ChangeEvent>> targetTables,
            Sink<ErrorRecord> errorTopic,
            Sink<ErrorRecord> errorsTable) {
        if (sources.isEmpty()) {
            throw new IllegalArgumentException("a sync job needs at least one source");
        }
        this.sources = List.copyOf(sources);
        this.validation = Objects.requireNonNull(validation, "validation");
        this.consistency = Objects.requireNonNull(consistency, "consistency");
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

    /** The sink of each entity type's target table, by entity type. */
    public Map<String, Sink<ChangeEvent>> targetTables() {
        return targetTables;
    }

    /** The sink of every error. */
    public Sink<ErrorRecord> errorTopic() {
        return errorTopic;
    }

    /** The validation stage's control source and settings. */
    public Validation validation() {
        return validation;
    }

    /** The resolve stage's settings and sinks. */
    public Consistency consistency() {
        return consistency;
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
            SingleOutputStreamOperator<ChangeEvent> decoded =
                    decode(env, source, consistency.maxOutOfOrder());
            changes.add(decoded);
            errors.add(decoded.getSideOutput(ErrorOutputs.ERRORS));
        }
        SingleOutputStreamOperator<ControlCommand> control = control(env);
        changes.add(control.getSideOutput(ControlRouter.REPLAYS));
        errors.add(control.getSideOutput(ErrorOutputs.ERRORS));
        SingleOutputStreamOperator<ChangeEvent> valid = validate(union(changes), control);
        errors.add(valid.getSideOutput(ErrorOutputs.ERRORS));
        SingleOutputStreamOperator<ChangeEvent> resolved =
                resolve(valid.keyBy(new EntityKeys()), control);
        errors.add(resolved.getSideOutput(ErrorOutputs.ERRORS));
        recordConflicts(resolved.getSideOutput(ResolveFunction.CONFLICTS));
        writeBack(resolved);
        deliver(route(resolved), union(errors));
    }

    /**
     * Stage: one source, decoded into changes, with decode errors on {@link ErrorOutputs}. Event
     * time is the source commit time, with watermarks {@code maxOutOfOrder} behind the latest.
     */
    public static SingleOutputStreamOperator<ChangeEvent> decode(
            StreamExecutionEnvironment env, ChangeSource source, Duration maxOutOfOrder) {
        WatermarkStrategy<Either<ErrorRecord, ChangeEvent>> commitTime =
                WatermarkStrategy.<Either<ErrorRecord, ChangeEvent>>forBoundedOutOfOrderness(
                                maxOutOfOrder)
                        .withTimestampAssigner(
                                (record, timestamp) ->
                                        record.isRight()
                                                ? record.right()
                                                        .getSourceCommitTime()
                                                        .toEpochMilli()
                                                : timestamp)
                        .withIdleness(SOURCE_IDLENESS);
        return env.fromSource(source.source(), commitTime, "source: " + source.id())
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
                        validation.control(),
                        WatermarkStrategy.forGenerator(ignored -> new NoEventTime<>()),
                        "control topic")
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

    /**
     * Stage: the changes of each entity without duplicates, in order and resolved against the
     * version in force, with the people's decisions of parked conflicts from the control topic.
     */
    public SingleOutputStreamOperator<ChangeEvent> resolve(
            KeyedStream<ChangeEvent, String> byEntity,
            SingleOutputStreamOperator<ControlCommand> control) {
        KeyedStream<ConflictDecision, String> decisions =
                control.getSideOutput(ControlRouter.DECISIONS).keyBy(new ConflictDecisionKeys());
        return byEntity.connect(decisions)
                .process(
                        new ResolveFunction(
                                consistency.resolver(),
                                consistency.writeBack().keySet(),
                                consistency.dedupTtl(),
                                consistency.maxOutOfOrder(),
                                consistency.maxPendingPerEntity(),
                                consistency.maxParkedPerEntity()))
                .uid(OperatorUids.resolve())
                .name("resolve (duplicates, order, conflicts)");
    }

    /** Stage: every conflict to the conflicts topic and table. */
    public void recordConflicts(DataStream<ConflictRecord> conflicts) {
        conflicts
                .sinkTo(consistency.conflictTopic())
                .uid(OperatorUids.conflictTopicSink())
                .name("conflict topic (exactly once)");
        conflicts
                .sinkTo(consistency.conflictsTable())
                .uid(OperatorUids.conflictsTableSink())
                .name("conflicts table");
    }

    /** Stage: the resolved state back into each bidirectional source's tables. */
    public void writeBack(SingleOutputStreamOperator<ChangeEvent> resolved) {
        consistency
                .writeBack()
                .forEach(
                        (sourceId, tables) -> {
                            SingleOutputStreamOperator<ChangeEvent> routed =
                                    resolved.getSideOutput(ResolveFunction.writeBackOf(sourceId))
                                            .process(new EntityTypeRouter(tables.keySet()))
                                            .uid(OperatorUids.writeBackRoute(sourceId))
                                            .name("route write-back: " + sourceId);
                            tables.forEach(
                                    (entityType, sink) ->
                                            routed.getSideOutput(
                                                            EntityTypeRouter.outputOf(entityType))
                                                    .sinkTo(sink)
                                                    .uid(
                                                            OperatorUids.writeBackSink(
                                                                    sourceId, entityType))
                                                    .name(
                                                            "write back: "
                                                                    + sourceId
                                                                    + " "
                                                                    + entityType));
                        });
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

    /**
     * Control commands are not in event time: their watermark is always the highest, so they never
     * hold back the watermark of the changes they are combined with.
     */
    private static final class NoEventTime<T> implements WatermarkGenerator<T> {
        @Override
        public void onEvent(T event, long eventTimestamp, WatermarkOutput output) {}

        @Override
        public void onPeriodicEmit(WatermarkOutput output) {
            output.emitWatermark(new Watermark(Long.MAX_VALUE));
        }
    }

    private static <T> DataStream<T> union(List<DataStream<T>> streams) {
        DataStream<T> all = streams.get(0);
        for (DataStream<T> next : streams.subList(1, streams.size())) {
            all = all.union(next);
        }
        return all;
    }
}
