package io.syncline.operators.observe;

import io.syncline.operators.validate.EntityRules;
import io.syncline.operators.validate.FieldSpec;
import io.syncline.operators.validate.FieldValues;
import io.syncline.operators.validate.rules.RequiredRule;
import io.syncline.schema.ChangeEvent;
import io.syncline.schema.ErrorRecord;
import io.syncline.schema.FieldValue;
import io.syncline.schema.Observation;
import io.syncline.schema.ObservationOutcome;
import io.syncline.schema.ObservationStage;
import java.time.Instant;
import java.util.IdentityHashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;

/** Builds the {@link Observation} each stage emits. Plain Java. */
public final class Observations {

    /** Tenant and entity type of an input that failed before it had them. */
    public static final String UNKNOWN = "-";

    private Observations() {}

    /**
     * What validation saw of a change that leaves it, accepted or rejected, with how many of its
     * entity type's required fields the change populates.
     *
     * @param required the entity type's required fields, see {@link RequiredFields}
     * @param rulesChecked the entity's rules and references
     * @param violations how many violations rejected it, 0 if accepted
     * @param errorCode the first violation's code, null if accepted
     */
    public static Observation validated(
            ChangeEvent change,
            ObservationOutcome outcome,
            Set<String> required,
            int rulesChecked,
            int violations,
            String errorCode,
            long now) {
        Map<String, FieldValue> image = change.getAfter();
        int present = 0;
        if (image != null) {
            for (String field : required) {
                FieldValue value = image.get(field);
                if (value != null && !FieldValues.isNull(value) && !isBlankText(value)) {
                    present++;
                }
            }
        }
        return new Observation(
                change.getTenant(),
                change.getEntityType(),
                ObservationStage.VALIDATE,
                outcome,
                change.getSourceId(),
                // A delete carries no image to judge.
                image == null ? 0 : required.size(),
                present,
                rulesChecked,
                violations,
                errorCode,
                change.getSourceCommitTime(),
                Instant.ofEpochMilli(now),
                null);
    }

    /**
     * What a stage other than validation saw of a change. Built with the constructor, not the
     * builder: a builder deep-copies the schema default of every field left unset, and this runs
     * for every change.
     */
    public static Observation of(
            ChangeEvent change, ObservationStage stage, ObservationOutcome outcome, long now) {
        return new Observation(
                change.getTenant(),
                change.getEntityType(),
                stage,
                outcome,
                change.getSourceId(),
                0,
                0,
                0,
                0,
                null,
                change.getSourceCommitTime(),
                Instant.ofEpochMilli(now),
                null);
    }

    /**
     * A failure at a stage other than validation (whose rejections are observed there), at the
     * commit time of the failed change if there was one, else when it failed.
     */
    public static Observation failed(ErrorRecord error) {
        ChangeEvent change = error.getChange();
        Instant eventTime = change == null ? error.getTime() : change.getSourceCommitTime();
        return Observation.newBuilder()
                .setTenant(error.getTenant() == null ? UNKNOWN : error.getTenant())
                .setEntityType(error.getEntityType() == null ? UNKNOWN : error.getEntityType())
                .setStage(ObservationStage.ERROR)
                .setOutcome(ObservationOutcome.FAILED)
                .setSourceId(error.getSourceId())
                .setErrorCode(error.getCode())
                .setSourceCommitTime(eventTime)
                .setObservedTime(error.getTime())
                .build();
    }

    /**
     * A heartbeat of {@code sourceId} committed at {@code commitTime}.
     *
     * @param sequence its sequence number, see {@link Heartbeats#sequenceOf}; null if it has none
     */
    public static Observation heartbeat(
            String sourceId, Instant commitTime, Long sequence, long now) {
        return Observation.newBuilder()
                .setTenant(Heartbeats.TENANT)
                .setEntityType(sourceId)
                .setStage(ObservationStage.HEARTBEAT)
                .setOutcome(ObservationOutcome.HEARTBEAT)
                .setSourceId(sourceId)
                .setSourceCommitTime(commitTime)
                .setObservedTime(Instant.ofEpochMilli(now))
                .setHeartbeatSequence(sequence)
                .build();
    }

    private static boolean isBlankText(FieldValue value) {
        return value.getValue() instanceof CharSequence text && text.toString().isBlank();
    }

    /**
     * The required fields of each entity type's rules: those the schema requires and those a
     * required rule names. Computed once per compiled rule set.
     */
    public static final class RequiredFields {

        private final Map<EntityRules, Set<String>> byRules = new IdentityHashMap<>();

        /** The required fields of {@code rules}; none for an entity type without rules. */
        public Set<String> of(EntityRules rules) {
            if (rules == null) {
                return Set.of();
            }
            return byRules.computeIfAbsent(rules, RequiredFields::compute);
        }

        private static Set<String> compute(EntityRules rules) {
            Set<String> required = new LinkedHashSet<>();
            if (rules.schema() != null) {
                for (FieldSpec spec : rules.schema().fields().values()) {
                    if (spec.required()) {
                        required.add(spec.name());
                    }
                }
            }
            rules.rules().stream()
                    .filter(RequiredRule.class::isInstance)
                    .forEach(rule -> required.add(rule.field()));
            return Set.copyOf(required);
        }

        /** How many checks {@code rules} make of a change: its rules and references. */
        public static int rulesChecked(EntityRules rules) {
            return rules == null ? 0 : rules.rules().size() + rules.references().size();
        }
    }
}
