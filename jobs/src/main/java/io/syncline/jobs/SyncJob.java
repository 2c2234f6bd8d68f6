package io.syncline.jobs;

import io.syncline.operators.alert.AlertFunction;
import io.syncline.operators.alert.AlertKeys;
import io.syncline.operators.alert.AlertThresholds;
import io.syncline.operators.audit.AuditOutputs;
import io.syncline.operators.audit.AuditRecords;
import io.syncline.operators.audit.ChangeAuditFunction;
import io.syncline.operators.control.ControlRouter;
import io.syncline.operators.decode.DecodeRouter;
import io.syncline.operators.errors.ErrorOutputs;
import io.syncline.operators.faults.FaultInjector;
import io.syncline.operators.faults.FaultPlan;
import io.syncline.operators.key.EntityKeys;
import io.syncline.operators.key.TenantKeys;
import io.syncline.operators.observe.FailureObservations;
import io.syncline.operators.observe.LateObservations;
import io.syncline.operators.observe.ObservationOutputs;
import io.syncline.operators.observe.ReplicationSlotProbe;
import io.syncline.operators.observe.SourceLagMonitor;
import io.syncline.operators.protect.Classification;
import io.syncline.operators.protect.DataKeysFactory;
import io.syncline.operators.protect.ErrorProtectFunction;
import io.syncline.operators.protect.ErrorSealer;
import io.syncline.operators.protect.ProtectFunction;
import io.syncline.operators.protect.ReplayUnsealFunction;
import io.syncline.operators.quality.LatencyTargets;
import io.syncline.operators.quality.PartialKeys;
import io.syncline.operators.quality.QualityCombiner;
import io.syncline.operators.quality.QualityMerge;
import io.syncline.operators.quality.QualityWindowFunction;
import io.syncline.operators.quality.QualityWindows;
import io.syncline.operators.quality.readback.ReadBackFunction;
import io.syncline.operators.quality.readback.ReadBackKeys;
import io.syncline.operators.quality.readback.ReadBackSampling;
import io.syncline.operators.quality.readback.ReadBackSettings;
import io.syncline.operators.resolve.ConflictDecisionKeys;
import io.syncline.operators.resolve.EntityResolver;
import io.syncline.operators.resolve.ResolveFunction;
import io.syncline.operators.resync.ResyncFunction;
import io.syncline.operators.resync.ResyncSources;
import io.syncline.operators.sink.EntityTypeRouter;
import io.syncline.operators.sink.TargetTable;
import io.syncline.operators.validate.ValidateFunction;
import io.syncline.schema.Alert;
import io.syncline.schema.AuditRecord;
import io.syncline.schema.ChangeEvent;
import io.syncline.schema.ConflictDecision;
import io.syncline.schema.ConflictRecord;
import io.syncline.schema.ControlCommand;
import io.syncline.schema.ErrorRecord;
import io.syncline.schema.Observation;
import io.syncline.schema.ObservationStage;
import io.syncline.schema.QualityAccumulator;
import io.syncline.schema.QualityMetrics;
import io.syncline.schema.QualityPartial;
import io.syncline.schema.RuleSetDocument;
import io.syncline.schema.SourceLag;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import org.apache.flink.api.common.eventtime.Watermark;
import org.apache.flink.api.common.eventtime.WatermarkGenerator;
import org.apache.flink.api.common.eventtime.WatermarkOutput;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.api.connector.source.Source;
import org.apache.flink.api.connector.source.util.ratelimit.RateLimiterStrategy;
import org.apache.flink.connector.datagen.source.DataGeneratorSource;
import org.apache.flink.formats.avro.typeutils.AvroTypeInfo;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.datastream.KeyedStream;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.types.Either;
import org.apache.flink.util.OutputTag;

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

    /**
     * What the observability stages need: observations from every stage go into quality and lag
     * windows per tenant and entity type, heartbeats into source lag, both into alerts.
     *
     * @param window the kind and size of the quality windows
     * @param maxDelay the observations' watermark bound behind the newest source commit time
     * @param allowedLateness how much later still an observation updates its window
     * @param latencyTargets each entity type's end-to-end latency target
     * @param heartbeatInterval how often sources commit heartbeats, zero when they don't
     * @param heartbeats writes each source's heartbeat every interval, {@code null} for none
     * @param thresholds when alerts fire
     * @param readBack read-back sampling of the targets for consistency, {@code null} for none
     * @param qualityTopic sink of every window's metrics to the quality topic
     * @param qualityMetricsTable sink of every window's metrics to the quality metrics table
     * @param alertTopic sink of every alert to the alerts topic
     * @param alertsTable sink of every alert to the alerts table
     * @param notifiers sink of every alert to Slack, PagerDuty, email and SMS
     * @param slots each source's replication slot, by source id, read by the source lag monitor
     */
    public record Observability(
            QualityWindows.WindowSpec window,
            Duration maxDelay,
            Duration allowedLateness,
            LatencyTargets latencyTargets,
            Duration heartbeatInterval,
            Sink<Long> heartbeats,
            AlertThresholds thresholds,
            ReadBack readBack,
            Sink<QualityMetrics> qualityTopic,
            Sink<QualityMetrics> qualityMetricsTable,
            Sink<Alert> alertTopic,
            Sink<Alert> alertsTable,
            Sink<Alert> notifiers,
            Map<String, ReplicationSlotProbe.Slot> slots) {

        public Observability {
            Objects.requireNonNull(window, "window");
            Objects.requireNonNull(maxDelay, "maxDelay");
            Objects.requireNonNull(allowedLateness, "allowedLateness");
            Objects.requireNonNull(latencyTargets, "latencyTargets");
            Objects.requireNonNull(heartbeatInterval, "heartbeatInterval");
            Objects.requireNonNull(thresholds, "thresholds");
            Objects.requireNonNull(qualityTopic, "qualityTopic");
            Objects.requireNonNull(qualityMetricsTable, "qualityMetricsTable");
            Objects.requireNonNull(alertTopic, "alertTopic");
            Objects.requireNonNull(alertsTable, "alertsTable");
            Objects.requireNonNull(notifiers, "notifiers");
            slots = Map.copyOf(slots);
        }
    }

    /**
     * What the protect stage needs: the fields' classification, and the data keys that encrypt and
     * seal them ({@code null} when no key service is configured: masked values are then masked, not
     * sealed, and nothing is encrypted).
     */
    public record Protection(Classification classification, DataKeysFactory keys) {

        /** Nothing classified: no protect stage at all. */
        public static final Protection NONE = new Protection(Classification.NONE, null);

        public Protection {
            Objects.requireNonNull(classification, "classification");
        }

        /** Whether changes pass a protect stage: something is encrypted or can be erased. */
        boolean protectsChanges() {
            return keys != null
                    && (classification.encryptsAny()
                            || classification.entities().values().stream()
                                    .anyMatch(e -> e.subjectField() != null));
        }

        /** Seals the errors of this protection. */
        public ErrorSealer errorSealer() {
            return new ErrorSealer(classification, keys);
        }

        /** Whether errors pass a protect stage: some field is masked. */
        boolean protectsErrors() {
            return !classification.maskedAnywhere().isEmpty();
        }
    }

    /**
     * The audit trail: what every delivered change's audit record says, and its two sinks.
     *
     * @param records makes the audit record of a delivered change
     * @param topic sink of every audit record to the audit topic
     * @param table sink of every audit record into the audit table
     */
    public record Audit(AuditRecords records, Sink<AuditRecord> topic, Sink<AuditRecord> table) {

        public Audit {
            Objects.requireNonNull(records, "records");
            Objects.requireNonNull(topic, "topic");
            Objects.requireNonNull(table, "table");
        }
    }

    /** Read-back sampling: the settings and each entity type's target table. */
    public record ReadBack(ReadBackSettings settings, Map<String, TargetTable> tables) {

        public ReadBack {
            Objects.requireNonNull(settings, "settings");
            tables = Map.copyOf(tables);
        }
    }

    /** Observations that arrive later than the allowed lateness of their window. */
    public static final OutputTag<QualityPartial> LATE_OBSERVATIONS =
            new OutputTag<>("syncline-late-observations", new AvroTypeInfo<>(QualityPartial.class));

    /**
     * A stage instance without observations for this long stops holding back the quality windows'
     * watermark: most instances of a keyed stage are quiet when few tenants write.
     */
    private static final Duration OBSERVATION_IDLENESS = Duration.ofSeconds(5);

    /** A source without changes for this long stops holding back the watermark. */
    private static final Duration SOURCE_IDLENESS = Duration.ofSeconds(30);

    private final List<ChangeSource> sources;
    private final Validation validation;
    private final Consistency consistency;
    private final Sink<ChangeEvent> changeTopic;
    private final Map<String, Sink<ChangeEvent>> targetTables;
    private final Sink<ErrorRecord> errorTopic;
    private final Sink<ErrorRecord> errorsTable;
    private final Observability observability;

    /** Where a fault-tolerance test makes the job fail; {@code null} in every real job. */
    private final FaultPlan faults;

    /** Where re-sync requests read their rows; {@code null} for a job that serves none. */
    private final ResyncSources resync;

    /** Classification, encryption and erasure; {@link Protection#NONE} leaves the stage out. */
    private final Protection protection;

    /** The audit trail's settings and sinks; {@code null} for a job without one. */
    private final Audit audit;

    /** Sink of every delivered change into the event store; {@code null} for a job without one. */
    private final Sink<ChangeEvent> eventStore;

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
        this(
                sources,
                validation,
                consistency,
                changeTopic,
                targetTables,
                errorTopic,
                errorsTable,
                null);
    }

    /**
     * @param observability the quality, lag and alert stages; {@code null} leaves them out
     */
    public SyncJob(
            List<ChangeSource> sources,
            Validation validation,
            Consistency consistency,
            Sink<ChangeEvent> changeTopic,
            Map<String, Sink<ChangeEvent>> targetTables,
            Sink<ErrorRecord> errorTopic,
            Sink<ErrorRecord> errorsTable,
            Observability observability) {
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
        this.observability = observability;
        this.faults = null;
        this.resync = null;
        this.protection = Protection.NONE;
        this.audit = null;
        this.eventStore = null;
    }

    /**
     * {@code job}'s sources, stages and sinks with other observability, faults, re-syncs and
     * protection.
     */
    private SyncJob(
            SyncJob job,
            Observability observability,
            FaultPlan faults,
            ResyncSources resync,
            Protection protection,
            Audit audit,
            Sink<ChangeEvent> eventStore) {
        this.sources = job.sources;
        this.validation = job.validation;
        this.consistency = job.consistency;
        this.changeTopic = job.changeTopic;
        this.targetTables = job.targetTables;
        this.errorTopic = job.errorTopic;
        this.errorsTable = job.errorsTable;
        this.observability = observability;
        this.faults = faults;
        this.resync = resync;
        this.protection = protection;
        this.audit = audit;
        this.eventStore = eventStore;
    }

    /**
     * This job with a {@link FaultInjector} between resolve and the sinks that fails it once as
     * {@code faults} plans, for fault-tolerance tests. A real job never has one: its operator is
     * only in the graph of a job built this way.
     */
    public SyncJob withFaults(FaultPlan faults) {
        return new SyncJob(
                this,
                observability,
                Objects.requireNonNull(faults, "faults"),
                resync,
                protection,
                audit,
                eventStore);
    }

    /**
     * This job's stages and sinks over other sources and another control source, without the
     * quality, lag and alert stages: the bounded backfill job, whose sources and control source all
     * end. Its changes are audited as the job's are.
     */
    public SyncJob withSources(List<ChangeSource> sources, Source<ControlCommand, ?, ?> control) {
        if (sources.isEmpty()) {
            throw new IllegalArgumentException("a sync job needs at least one source");
        }
        return new SyncJob(
                        List.copyOf(sources),
                        new Validation(
                                control,
                                validation.initialRules(),
                                validation.maxParentWait(),
                                validation.maxWaitingChildren()),
                        consistency,
                        changeTopic,
                        targetTables,
                        errorTopic,
                        errorsTable,
                        null)
                .withProtection(protection)
                .withAudit(audit)
                .withEventStore(eventStore);
    }

    /**
     * This job writing the audit trail: an audit record of every change it hands to the sinks, and
     * those of the control commands, to the audit topic and table.
     *
     * @param audit the audit trail's records and sinks; {@code null} leaves it out
     */
    public SyncJob withAudit(Audit audit) {
        return new SyncJob(this, observability, faults, resync, protection, audit, eventStore);
    }

    /**
     * This job appending every change it hands to the target tables to the event store, from which
     * {@code syncline replay} rebuilds a target as of any time.
     *
     * @param eventStore the event topic's sink; {@code null} leaves it out
     */
    public SyncJob withEventStore(Sink<ChangeEvent> eventStore) {
        return new SyncJob(this, observability, faults, resync, protection, audit, eventStore);
    }

    /** The event store's sink; {@code null} if the job writes none. */
    public Sink<ChangeEvent> eventStore() {
        return eventStore;
    }

    /** The audit trail's settings and sinks; {@code null} if the job writes none. */
    public Audit audit() {
        return audit;
    }

    /** This job without the quality, lag and alert stages (the benchmarks measure their cost). */
    public SyncJob withoutObservability() {
        return new SyncJob(this, null, faults, resync, protection, audit, eventStore);
    }

    /**
     * This job serving re-sync requests from the control topic: it reads the requested rows from
     * {@code resync}'s source tables and sends them through validation and resolve.
     */
    public SyncJob withResync(ResyncSources resync) {
        return new SyncJob(
                this,
                observability,
                faults,
                Objects.requireNonNull(resync, "resync"),
                protection,
                audit,
                eventStore);
    }

    /**
     * This job with a protect stage: encrypted fields encrypted before the sinks, changes of erased
     * subjects dropped, masked values taken out of errors (and sealed for replays).
     */
    public SyncJob withProtection(Protection protection) {
        return new SyncJob(
                this,
                observability,
                faults,
                resync,
                Objects.requireNonNull(protection, "protection"),
                audit,
                eventStore);
    }

    /** The quality, lag and alert stages' settings and sinks; {@code null} if left out. */
    public Observability observability() {
        return observability;
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
        Map<String, SingleOutputStreamOperator<ChangeEvent>> decodedBySource =
                new LinkedHashMap<>();
        for (ChangeSource source : sources) {
            SingleOutputStreamOperator<ChangeEvent> decoded =
                    decode(env, source, consistency.maxOutOfOrder());
            changes.add(decoded);
            errors.add(decoded.getSideOutput(ErrorOutputs.ERRORS));
            decodedBySource.put(source.id(), decoded);
        }
        SingleOutputStreamOperator<ControlCommand> control = control(env);
        List<DataStream<AuditRecord>> audits = new ArrayList<>();
        audits.add(control.getSideOutput(AuditOutputs.AUDIT));
        changes.add(unsealReplays(control.getSideOutput(ControlRouter.REPLAYS), audits));
        errors.add(control.getSideOutput(ErrorOutputs.ERRORS));
        if (resync != null) {
            SingleOutputStreamOperator<ChangeEvent> reread = resync(control);
            changes.add(reread);
            errors.add(reread.getSideOutput(ErrorOutputs.ERRORS));
        }
        SingleOutputStreamOperator<ChangeEvent> valid = validate(union(changes), control);
        errors.add(valid.getSideOutput(ErrorOutputs.ERRORS));
        SingleOutputStreamOperator<ChangeEvent> resolved =
                resolve(valid.keyBy(new EntityKeys()), control);
        errors.add(resolved.getSideOutput(ErrorOutputs.ERRORS));
        recordConflicts(resolved.getSideOutput(ResolveFunction.CONFLICTS));
        writeBack(resolved);
        SingleOutputStreamOperator<ChangeEvent> routed =
                route(injectFaults(protect(resolved, control, audits)));
        DataStream<ErrorRecord> allErrors = protectErrors(union(errors));
        deliver(routed, allErrors);
        if (audit != null) {
            audit(routed, audits);
        }
        if (observability != null) {
            observe(
                    env,
                    decodedBySource,
                    valid,
                    resolved,
                    routed,
                    allErrors,
                    control.getSideOutput(ControlRouter.SECURITY_ALERTS));
        }
    }

    /**
     * Stages: what every stage observed, and the failures and read-backs, into the quality windows
     * and alerts, with the security alerts of refused control commands; heartbeats written into the
     * sources and measured as source lag.
     */
    private void observe(
            StreamExecutionEnvironment env,
            Map<String, SingleOutputStreamOperator<ChangeEvent>> decodedBySource,
            SingleOutputStreamOperator<ChangeEvent> valid,
            SingleOutputStreamOperator<ChangeEvent> resolved,
            SingleOutputStreamOperator<ChangeEvent> routed,
            DataStream<ErrorRecord> errors,
            DataStream<Alert> securityAlerts) {
        Map<String, SingleOutputStreamOperator<ChangeEvent>> observed = new LinkedHashMap<>();
        decodedBySource.forEach((id, decoded) -> observed.put(OperatorUids.decode(id), decoded));
        observed.put(OperatorUids.validate(), valid);
        observed.put(OperatorUids.resolve(), resolved);
        observed.put(OperatorUids.route(), routed);
        Map<String, DataStream<Observation>> observations = new LinkedHashMap<>();
        observed.forEach(
                (stage, operator) ->
                        observations.put(
                                stage, operator.getSideOutput(ObservationOutputs.OBSERVATIONS)));
        observations.put("failures", failures(errors));
        readBack(routed).ifPresent(stream -> observations.put(OperatorUids.readBack(), stream));
        Set<String> heartbeatStages = new HashSet<>();
        decodedBySource.keySet().forEach(id -> heartbeatStages.add(OperatorUids.decode(id)));
        alert(measure(observations, heartbeatStages), securityAlerts);
        beat(env);
    }

    /**
     * Stage: errors of every stage but validation (whose rejections it observes itself) as
     * observations of failures.
     */
    public DataStream<Observation> failures(DataStream<ErrorRecord> errors) {
        return errors.flatMap(new FailureObservations(), new AvroTypeInfo<>(Observation.class))
                .uid(OperatorUids.failureObservations())
                .name("observe failures");
    }

    /**
     * Stage: a sample of the delivered changes read back from their target tables after a delay,
     * observed as agreeing with the source or not.
     */
    public Optional<DataStream<Observation>> readBack(DataStream<ChangeEvent> delivered) {
        ReadBack readBack = observability.readBack();
        if (readBack == null) {
            return Optional.empty();
        }
        return Optional.of(
                delivered
                        .filter(new ReadBackSampling(readBack.settings().sampleRate()))
                        .uid(OperatorUids.readBackSampling())
                        .name("sample for read-back")
                        .keyBy(new ReadBackKeys())
                        .process(new ReadBackFunction(readBack.settings(), readBack.tables()))
                        .uid(OperatorUids.readBack())
                        .name("read back from targets (consistency)"));
    }

    /**
     * Stage: the observations in event time (their source commit time) into quality and lag windows
     * per tenant and entity type, to the quality topic and table; heartbeats into each source's
     * lag.
     */
    public Measured measure(
            Map<String, DataStream<Observation>> observations, Set<String> heartbeatStages) {
        WatermarkStrategy<Observation> commitTime =
                WatermarkStrategy.<Observation>forBoundedOutOfOrderness(observability.maxDelay())
                        .withTimestampAssigner(SyncJob::eventTimeOf)
                        .withIdleness(OBSERVATION_IDLENESS);
        QualityWindows.WindowSpec window = observability.window();
        List<DataStream<QualityPartial>> quality = new ArrayList<>();
        List<DataStream<Observation>> heartbeats = new ArrayList<>();
        observations.forEach(
                (stage, stream) -> {
                    // Chained to the stage that observed: each observation crosses the network
                    // once, into the windows or the source lag.
                    SingleOutputStreamOperator<Observation> timed =
                            stream.assignTimestampsAndWatermarks(commitTime)
                                    .uid(OperatorUids.observations(stage))
                                    .name("observations in commit time");
                    quality.add(
                            timed.transform(
                                            "sum observations per slot",
                                            new AvroTypeInfo<>(QualityPartial.class),
                                            new QualityCombiner(
                                                    observability.latencyTargets(),
                                                    window.combinableSlotMillis()))
                                    .uid(OperatorUids.qualityObservations(stage)));
                    if (heartbeatStages.contains(stage)) {
                        heartbeats.add(
                                timed.filter(o -> o.getStage() == ObservationStage.HEARTBEAT)
                                        .uid(OperatorUids.heartbeats(stage))
                                        .name("heartbeats"));
                    }
                });
        SingleOutputStreamOperator<QualityMetrics> metrics =
                union(quality)
                        .keyBy(new PartialKeys())
                        .window(window.assigner())
                        .allowedLateness(observability.allowedLateness())
                        .sideOutputLateData(LATE_OBSERVATIONS)
                        .aggregate(
                                new QualityMerge(observability.latencyTargets()),
                                new QualityWindowFunction(
                                        window.kind().configName(), observability.latencyTargets()),
                                new AvroTypeInfo<>(QualityAccumulator.class),
                                new AvroTypeInfo<>(QualityAccumulator.class),
                                new AvroTypeInfo<>(QualityMetrics.class))
                        .uid(OperatorUids.qualityWindows())
                        .name("quality and lag windows (" + window.describe() + ")");
        metrics.getSideOutput(LATE_OBSERVATIONS)
                .sinkTo(new LateObservations())
                .uid(OperatorUids.lateObservationsSink())
                .name("late observations (counted)");
        metrics.sinkTo(observability.qualityTopic())
                .uid(OperatorUids.qualityTopicSink())
                .name("quality topic (exactly once)");
        metrics.sinkTo(observability.qualityMetricsTable())
                .uid(OperatorUids.qualityMetricsTableSink())
                .name("quality metrics table");
        SingleOutputStreamOperator<SourceLag> sourceLags =
                union(heartbeats)
                        .keyBy(Observation::getSourceId)
                        .process(
                                new SourceLagMonitor(
                                        observability.heartbeatInterval(),
                                        observability.heartbeatInterval(),
                                        observability.slots()),
                                new AvroTypeInfo<>(SourceLag.class))
                        .uid(OperatorUids.sourceLag())
                        .name("source lag (heartbeats)");
        return new Measured(metrics, sourceLags);
    }

    /**
     * An observation's event time: its change's source commit time, except for a read-back, which
     * counts when it was checked (the read-back stage emits it at commit time plus its delay).
     */
    private static long eventTimeOf(Observation observation, long timestamp) {
        if (observation.getStage() == ObservationStage.READ_BACK && timestamp != Long.MIN_VALUE) {
            return timestamp;
        }
        return observation.getSourceCommitTime().toEpochMilli();
    }

    /** Stage: a tick every heartbeat interval, on which each source's heartbeat row is written. */
    public void beat(StreamExecutionEnvironment env) {
        if (observability.heartbeats() == null || observability.heartbeatInterval().isZero()) {
            return;
        }
        double perSecond = 1000.0 / observability.heartbeatInterval().toMillis();
        env.fromSource(
                        new DataGeneratorSource<>(
                                tick -> tick,
                                Long.MAX_VALUE,
                                RateLimiterStrategy.perSecond(perSecond),
                                Types.LONG),
                        WatermarkStrategy.noWatermarks(),
                        "heartbeat ticks")
                .uid(OperatorUids.heartbeatTicks())
                .setParallelism(1)
                .sinkTo(observability.heartbeats())
                .uid(OperatorUids.heartbeatSink())
                .name("write heartbeats into the sources")
                .setParallelism(1);
    }

    /** The quality metrics of each window and the lag readings of each source. */
    public record Measured(DataStream<QualityMetrics> metrics, DataStream<SourceLag> sourceLags) {}

    /**
     * Stage: alerts from the metrics and source lags, and the security alerts of refused control
     * commands, to the alerts topic, table and notifiers.
     */
    public void alert(Measured measured, DataStream<Alert> securityAlerts) {
        SingleOutputStreamOperator<Alert> thresholdAlerts =
                measured.metrics()
                        .keyBy(AlertKeys.metrics())
                        .connect(measured.sourceLags().keyBy(AlertKeys.sourceLags()))
                        .process(
                                new AlertFunction(observability.thresholds()),
                                new AvroTypeInfo<>(Alert.class))
                        .uid(OperatorUids.alerts())
                        .name("alerts (thresholds, one open alert per condition)");
        DataStream<Alert> alerts = thresholdAlerts.union(securityAlerts);
        alerts.sinkTo(observability.alertTopic())
                .uid(OperatorUids.alertTopicSink())
                .name("alert topic (exactly once)");
        alerts.sinkTo(observability.alertsTable())
                .uid(OperatorUids.alertsTableSink())
                .name("alerts table");
        alerts.sinkTo(observability.notifiers())
                .uid(OperatorUids.notifierSink())
                .name("notifiers (Slack, PagerDuty, email, SMS)")
                // One writer, so the rate limit per channel is one limit.
                .setParallelism(1);
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
     * Stage: the rows re-sync requests name, read from their sources a chunk at a time, keyed by
     * request; unservable requests and unreadable rows to {@link ErrorOutputs#ERRORS}.
     */
    public SingleOutputStreamOperator<ChangeEvent> resync(
            SingleOutputStreamOperator<ControlCommand> control) {
        return control.getSideOutput(ControlRouter.RESYNCS)
                .keyBy(ControlCommand::getCommandId)
                .process(new ResyncFunction(resync), new AvroTypeInfo<>(ChangeEvent.class))
                .uid(OperatorUids.resync())
                .name("re-sync: read requested rows from the sources");
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

    /**
     * Stage: replayed changes with the values their error record sealed given back; as they are
     * when nothing is sealed.
     */
    public DataStream<ChangeEvent> unsealReplays(
            DataStream<ChangeEvent> replays, List<DataStream<AuditRecord>> audits) {
        if (protection.keys() == null || !protection.protectsErrors()) {
            return replays;
        }
        SingleOutputStreamOperator<ChangeEvent> unsealed =
                replays.process(
                                new ReplayUnsealFunction(
                                        protection.classification(), protection.keys()),
                                new AvroTypeInfo<>(ChangeEvent.class))
                        .uid(OperatorUids.unsealReplays())
                        .name("unseal replays")
                        .setParallelism(1);
        audits.add(unsealed.getSideOutput(AuditOutputs.AUDIT));
        return unsealed;
    }

    /**
     * Stage: encrypted fields encrypted under their tenant's or subject's key, changes of erased
     * subjects dropped; erasures and key rotations from the control topic.
     */
    public DataStream<ChangeEvent> protect(
            DataStream<ChangeEvent> resolved,
            SingleOutputStreamOperator<ControlCommand> control,
            List<DataStream<AuditRecord>> audits) {
        if (!protection.protectsChanges()) {
            return resolved;
        }
        DataStream<ControlCommand> keyCommands =
                control.getSideOutput(ControlRouter.ERASURES)
                        .union(control.getSideOutput(ControlRouter.KEY_ROTATIONS));
        SingleOutputStreamOperator<ChangeEvent> protectedChanges =
                resolved.connect(keyCommands.broadcast(ProtectFunction.ERASED))
                        .process(
                                new ProtectFunction(protection.classification(), protection.keys()),
                                new AvroTypeInfo<>(ChangeEvent.class))
                        .uid(OperatorUids.protect())
                        .name("protect (encrypt fields, drop erased subjects)");
        audits.add(protectedChanges.getSideOutput(AuditOutputs.AUDIT));
        return protectedChanges;
    }

    /** Stage: every error without plaintext of confidential and restricted fields. */
    public DataStream<ErrorRecord> protectErrors(DataStream<ErrorRecord> errors) {
        if (!protection.protectsErrors()) {
            return errors;
        }
        return errors.map(
                        new ErrorProtectFunction(protection.errorSealer()),
                        new AvroTypeInfo<>(ErrorRecord.class))
                .uid(OperatorUids.protectErrors())
                .name("protect errors (mask, seal)");
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

    /**
     * Stage, in fault-tolerance tests only: the resolved changes through a {@link FaultInjector},
     * chained with the sinks behind it, so its failure takes records in flight, the open Kafka
     * transactions and the pending JDBC batches down with it. Without a fault plan the changes go
     * straight on and the graph is the real job's.
     */
    public DataStream<ChangeEvent> injectFaults(DataStream<ChangeEvent> resolved) {
        if (faults == null) {
            return resolved;
        }
        return resolved.map(new FaultInjector<>(faults), resolved.getType())
                .uid(OperatorUids.faultInjector())
                .name("inject fault: " + faults);
    }

    /** Stage: every change on, and each to its entity type's side output for the target table. */
    public SingleOutputStreamOperator<ChangeEvent> route(DataStream<ChangeEvent> changes) {
        return changes.process(
                        new EntityTypeRouter(targetTables.keySet(), observability != null, true))
                .uid(OperatorUids.route())
                .name("route by entity type");
    }

    /**
     * Stage: routed changes to the change topic, the event store and the target tables, errors to
     * the error topic. The event store takes the changes as the targets do: resolved, with their
     * target versions, encrypted fields encrypted.
     */
    public void deliver(
            SingleOutputStreamOperator<ChangeEvent> routed, DataStream<ErrorRecord> errors) {
        routed.sinkTo(changeTopic)
                .uid(OperatorUids.changeTopicSink())
                .name("change topic (exactly once)");
        if (eventStore != null) {
            routed.sinkTo(eventStore)
                    .uid(OperatorUids.eventStoreSink())
                    .name("event store (exactly once)");
        }
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
     * Stage: the audit record of every change handed to the sinks, with the audit records other
     * stages put on {@link AuditOutputs#AUDIT} (control commands, erasures), to the audit topic and
     * table. The map is chained to the router, so no change crosses the network for it; only the
     * small audit records travel to the audit sinks, which also take the control stage's records.
     */
    public void audit(DataStream<ChangeEvent> delivered, List<DataStream<AuditRecord>> others) {
        DataStream<AuditRecord> records =
                delivered
                        .map(
                                new ChangeAuditFunction(audit.records()),
                                new AvroTypeInfo<>(AuditRecord.class))
                        .uid(OperatorUids.auditChanges())
                        .name("audit delivered changes");
        for (DataStream<AuditRecord> other : others) {
            records = records.union(other);
        }
        records.sinkTo(audit.topic())
                .uid(OperatorUids.auditTopicSink())
                .name("audit topic (exactly once)");
        records.sinkTo(audit.table()).uid(OperatorUids.auditTableSink()).name("audit table");
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
