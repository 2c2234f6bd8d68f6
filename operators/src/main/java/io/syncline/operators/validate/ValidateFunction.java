package io.syncline.operators.validate;

import io.syncline.operators.errors.ErrorOutputs;
import io.syncline.operators.observe.ObservationOutputs;
import io.syncline.operators.observe.Observations;
import io.syncline.schema.ChangeEvent;
import io.syncline.schema.ControlCommand;
import io.syncline.schema.ObservationOutcome;
import io.syncline.schema.RuleSetDocument;
import io.syncline.schema.WaitingChange;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.BroadcastState;
import org.apache.flink.api.common.state.MapState;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.api.java.typeutils.ListTypeInfo;
import org.apache.flink.formats.avro.typeutils.AvroTypeInfo;
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.functions.co.KeyedBroadcastProcessFunction;
import org.apache.flink.util.Collector;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The validation stage, keyed by tenant: checks each change against the rule set in force (schema,
 * business rules, then referential integrity) and sends it on, holds it back until its parent
 * arrives, or sends it to {@link ErrorOutputs#ERRORS}. Rule sets arrive as broadcast state from the
 * control topic; a change records the version it was checked against.
 */
public final class ValidateFunction
        extends KeyedBroadcastProcessFunction<String, ChangeEvent, ControlCommand, ChangeEvent> {

    /** The rule set in force, broadcast to every parallel instance under {@link #CURRENT}. */
    public static final MapStateDescriptor<String, RuleSetDocument> RULE_SETS =
            new MapStateDescriptor<>(
                    "syncline-rule-set", Types.STRING, new AvroTypeInfo<>(RuleSetDocument.class));

    private static final String CURRENT = "current";

    private static final long serialVersionUID = 1L;
    private static final Logger LOG = LoggerFactory.getLogger(ValidateFunction.class);

    /**
     * The entities of a tenant that exist, by entity key, for referential integrity. Public so that
     * tools read a savepoint as the stage does.
     */
    public static MapStateDescriptor<String, Boolean> entitiesState() {
        return new MapStateDescriptor<>("entities", Types.STRING, Types.BOOLEAN);
    }

    /** The key under which {@link #RULE_SETS} holds the rule set in force. */
    public static String ruleSetKey() {
        return CURRENT;
    }

    private final RuleSetDocument initialRules;
    private final Duration maxParentWait;
    private final int maxWaitingChildren;

    private transient ChangeValidator validator;

    /** The version of the document {@link #validator} was compiled from. */
    private transient int validatorDocumentVersion;

    private transient ReferentialIntegrity integrity;
    private transient FlinkState state;
    private transient Counter validated;
    private transient Counter rejected;
    private transient Counter remediated;
    private transient Counter held;
    private transient Map<String, Counter> rejectedByCode;
    private transient Observations.RequiredFields requiredFields;

    /**
     * @param initialRules the rule set of the configuration, {@code null} for none; a published
     *     rule set of a higher version replaces it
     */
    public ValidateFunction(
            RuleSetDocument initialRules, Duration maxParentWait, int maxWaitingChildren) {
        this.initialRules = initialRules;
        this.maxParentWait = maxParentWait;
        this.maxWaitingChildren = maxWaitingChildren;
    }

    @Override
    public void open(OpenContext openContext) {
        validator =
                new ChangeValidator(
                        initialRules == null ? RuleSet.empty() : RuleSetParser.parse(initialRules));
        validatorDocumentVersion = initialRules == null ? 0 : initialRules.getVersion();
        integrity = new ReferentialIntegrity(maxParentWait, maxWaitingChildren);
        state = new FlinkState();
        var metrics = getRuntimeContext().getMetricGroup();
        validated = metrics.counter("changesValidated");
        rejected = metrics.counter("changesRejected");
        remediated = metrics.counter("remediationsApplied");
        held = metrics.counter("changesHeldForParent");
        metrics.gauge("ruleSetVersion", () -> validator.ruleSet().version());
        rejectedByCode = new HashMap<>();
        requiredFields = new Observations.RequiredFields();
    }

    @Override
    public void processElement(ChangeEvent change, ReadOnlyContext ctx, Collector<ChangeEvent> out)
            throws Exception {
        ChangeValidator current = validatorFor(ctx.getBroadcastState(RULE_SETS).get(CURRENT));
        long now = ctx.timerService().currentProcessingTime();
        ChangeValidator.Verdict verdict = current.validate(change);
        if (!verdict.isAccepted()) {
            reject(ctx, change, verdict.violations(), verdict.rules(), now);
            return;
        }
        remediated.inc(verdict.accepted().getRemediations().size());
        state.tenant = ctx.getCurrentKey();
        integrity.process(verdict.accepted(), current.ruleSet(), now, state, output(ctx, out, now));
    }

    @Override
    public void onTimer(long timestamp, OnTimerContext ctx, Collector<ChangeEvent> out)
            throws Exception {
        // After a restore the broadcast rule set may not have been compiled yet.
        ChangeValidator current = validatorFor(ctx.getBroadcastState(RULE_SETS).get(CURRENT));
        state.tenant = ctx.getCurrentKey();
        integrity.expire(timestamp, current.ruleSet(), state, output(ctx, out, timestamp));
    }

    @Override
    public void processBroadcastElement(
            ControlCommand command, Context ctx, Collector<ChangeEvent> out) throws Exception {
        RuleSetDocument proposed = command.getRuleSet();
        if (proposed == null) {
            LOG.warn(
                    "control command {} of type {} ignored: it carries no rule set",
                    command.getCommandId(),
                    command.getType());
            return;
        }
        BroadcastState<String, RuleSetDocument> rules = ctx.getBroadcastState(RULE_SETS);
        RuleSetDocument inForce = rules.get(CURRENT);
        // The configured rule set may be newer than a published one restored from a savepoint.
        int versionInForce =
                Math.max(
                        inForce == null ? 0 : inForce.getVersion(),
                        initialRules == null ? 0 : initialRules.getVersion());
        if (proposed.getVersion() <= versionInForce) {
            LOG.warn(
                    "rule set version {} ignored: version {} is in force and versions must"
                            + " increase",
                    proposed.getVersion(),
                    versionInForce);
            return;
        }
        rules.put(CURRENT, proposed);
        LOG.info("rule set version {} in force", proposed.getVersion());
    }

    /**
     * The validator of the broadcast rule set, compiled once per version. Versions of documents are
     * compared, not of compiled rule sets: a document whose rule file says another version would
     * otherwise be compiled again for every change.
     */
    private ChangeValidator validatorFor(RuleSetDocument document) {
        if (document != null && document.getVersion() > validatorDocumentVersion) {
            validatorDocumentVersion = document.getVersion();
            try {
                validator = new ChangeValidator(RuleSetParser.parse(document));
            } catch (RuleSetException e) {
                // The control router only lets compiling rule sets through, but one restored from
                // a savepoint of an older Syncline may no longer compile: keep the rules in force
                // rather than fail on every change.
                LOG.error(
                        "rule set version {} from state does not compile; version {} stays in"
                                + " force: {}",
                        document.getVersion(),
                        validator.ruleSet().version(),
                        e.getMessage());
            }
        }
        return validator;
    }

    private ReferentialIntegrity.Output output(
            ReadOnlyContext ctx, Collector<ChangeEvent> out, long now) {
        return new ReferentialIntegrity.Output() {
            @Override
            public void accept(ChangeEvent change) {
                validated.inc();
                out.collect(change);
                observe(
                        ctx,
                        change,
                        change.getRemediations().isEmpty()
                                ? ObservationOutcome.VALID
                                : ObservationOutcome.CORRECTED,
                        List.of(),
                        validator.ruleSet().entity(change.getEntityType()).orElse(null),
                        now);
            }

            @Override
            public void reject(ChangeEvent change, Violation violation, EntityRules rules) {
                ValidateFunction.this.reject(ctx, change, List.of(violation), rules, now);
            }

            @Override
            public void waitUntil(long deadline) {
                held.inc();
                ctx.timerService().registerProcessingTimeTimer(deadline);
            }
        };
    }

    private void reject(
            ReadOnlyContext ctx,
            ChangeEvent change,
            List<Violation> violations,
            EntityRules rules,
            long now) {
        rejected.inc();
        rejectedByCode
                .computeIfAbsent(
                        violations.get(0).code(),
                        code ->
                                getRuntimeContext()
                                        .getMetricGroup()
                                        .addGroup("code", code)
                                        .counter("changesRejected"))
                .inc();
        ctx.output(
                ErrorOutputs.ERRORS,
                ValidationErrors.of(
                        change,
                        violations,
                        rules,
                        validator.ruleSet().version(),
                        Instant.ofEpochMilli(now)));
        observe(ctx, change, ObservationOutcome.REJECTED, violations, rules, now);
    }

    private void observe(
            ReadOnlyContext ctx,
            ChangeEvent change,
            ObservationOutcome outcome,
            List<Violation> violations,
            EntityRules rules,
            long now) {
        ctx.output(
                ObservationOutputs.OBSERVATIONS,
                Observations.validated(
                        change,
                        outcome,
                        requiredFields.of(rules),
                        Observations.RequiredFields.rulesChecked(rules),
                        violations.size(),
                        violations.isEmpty() ? null : violations.get(0).code(),
                        now));
    }

    /** {@link ReferentialIntegrity.State} in keyed state; the key is the tenant. */
    private final class FlinkState implements ReferentialIntegrity.State {

        private final MapState<String, Boolean> entities =
                getRuntimeContext().getMapState(entitiesState());
        private final MapState<String, Integer> childCounts =
                getRuntimeContext()
                        .getMapState(
                                new MapStateDescriptor<>("child-counts", Types.STRING, Types.INT));
        private final MapState<String, List<String>> parentsOf =
                getRuntimeContext()
                        .getMapState(
                                new MapStateDescriptor<>(
                                        "parents-of",
                                        Types.STRING,
                                        new ListTypeInfo<>(Types.STRING)));
        private final MapState<String, List<WaitingChange>> waiting =
                getRuntimeContext()
                        .getMapState(
                                new MapStateDescriptor<>(
                                        "waiting",
                                        Types.STRING,
                                        new ListTypeInfo<>(
                                                new AvroTypeInfo<>(WaitingChange.class))));
        private final MapState<String, String> waitingEntities =
                getRuntimeContext()
                        .getMapState(
                                new MapStateDescriptor<>(
                                        "waiting-entities", Types.STRING, Types.STRING));
        private final ValueState<Integer> waitingCount =
                getRuntimeContext()
                        .getState(new ValueStateDescriptor<>("waiting-count", Types.INT));

        @Override
        public boolean exists(String entityKey) {
            return get(() -> entities.contains(entityKey));
        }

        @Override
        public void setExists(String entityKey, boolean exists) {
            run(
                    () -> {
                        if (exists) {
                            entities.put(entityKey, true);
                        } else {
                            entities.remove(entityKey);
                        }
                    });
        }

        @Override
        public int childCount(String parentKey) {
            Integer count = get(() -> childCounts.get(parentKey));
            return count == null ? 0 : count;
        }

        @Override
        public void setChildCount(String parentKey, int count) {
            run(
                    () -> {
                        if (count == 0) {
                            childCounts.remove(parentKey);
                        } else {
                            childCounts.put(parentKey, count);
                        }
                    });
        }

        @Override
        public List<String> parentsOf(String childKey) {
            List<String> parents = get(() -> parentsOf.get(childKey));
            return parents == null ? List.of() : parents;
        }

        @Override
        public void setParentsOf(String childKey, List<String> parentKeys) {
            run(
                    () -> {
                        if (parentKeys.isEmpty()) {
                            parentsOf.remove(childKey);
                        } else {
                            parentsOf.put(childKey, new ArrayList<>(parentKeys));
                        }
                    });
        }

        @Override
        public List<WaitingChange> waitingFor(String parentKey) {
            List<WaitingChange> changes = get(() -> waiting.get(parentKey));
            return changes == null ? List.of() : changes;
        }

        @Override
        public void setWaitingFor(String parentKey, List<WaitingChange> changes) {
            run(
                    () -> {
                        if (changes.isEmpty()) {
                            waiting.remove(parentKey);
                        } else {
                            waiting.put(parentKey, new ArrayList<>(changes));
                        }
                    });
        }

        @Override
        public String waitingEntity(String entityKey) {
            return get(() -> waitingEntities.get(entityKey));
        }

        @Override
        public void setWaitingEntity(String entityKey, String parentKey) {
            run(
                    () -> {
                        if (parentKey == null) {
                            waitingEntities.remove(entityKey);
                        } else {
                            waitingEntities.put(entityKey, parentKey);
                        }
                    });
        }

        @Override
        public Iterable<String> awaitedParents() {
            return get(waiting::keys);
        }

        /** The current key, set before each call into {@link ReferentialIntegrity}. */
        private String tenant;

        /**
         * Waiting counts read so far, by tenant, so that the common case (nothing waits) costs no
         * state read per change. Only this instance writes its keys' counts, and it writes through,
         * so the cache cannot go stale; after a restore it starts empty and fills from state.
         */
        private final Map<String, Integer> waitingCounts = new HashMap<>();

        @Override
        public int waitingCount() {
            return waitingCounts.computeIfAbsent(
                    tenant,
                    key -> {
                        Integer count = get(waitingCount::value);
                        return count == null ? 0 : count;
                    });
        }

        @Override
        public void setWaitingCount(int count) {
            run(() -> waitingCount.update(count == 0 ? null : count));
            waitingCounts.put(tenant, count);
        }
    }

    /** State access throws {@code Exception}; a failing state backend is a fault to restart. */
    private interface StateCall<T> {
        T call() throws Exception;
    }

    private interface StateRun {
        void run() throws Exception;
    }

    private static <T> T get(StateCall<T> call) {
        try {
            return call.call();
        } catch (Exception e) {
            throw new IllegalStateException("state backend failed", e);
        }
    }

    private static void run(StateRun run) {
        try {
            run.run();
        } catch (Exception e) {
            throw new IllegalStateException("state backend failed", e);
        }
    }
}
