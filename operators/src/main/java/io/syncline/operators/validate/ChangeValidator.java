package io.syncline.operators.validate;

import io.syncline.operators.change.ChangeEvents;
import io.syncline.operators.validate.correct.Corrected;
import io.syncline.operators.validate.rules.Rule;
import io.syncline.schema.ChangeEvent;
import io.syncline.schema.FieldValue;
import io.syncline.schema.Operation;
import io.syncline.schema.Remediation;
import io.syncline.schema.RemediationAction;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Checks a change against its entity type's schema and business rules at the entity's level
 * (strict, lenient, transformative). Plain Java; referential integrity, which needs state, is
 * {@link ReferentialIntegrity}'s.
 */
public final class ChangeValidator {

    private final RuleSet ruleSet;

    public ChangeValidator(RuleSet ruleSet) {
        this.ruleSet = ruleSet;
    }

    public RuleSet ruleSet() {
        return ruleSet;
    }

    /**
     * The verdict on {@code change}. An accepted change is a copy stamped with the rule set's
     * version and carrying every correction made; deletes carry no image and are only stamped.
     */
    public Verdict validate(ChangeEvent change) {
        EntityRules rules = ruleSet.entity(change.getEntityType()).orElse(null);
        if (rules == null || change.getOp() == Operation.DELETE || change.getAfter() == null) {
            return Verdict.accept(stamped(change, change.getAfter(), List.of()), rules);
        }
        Map<String, FieldValue> image = change.getAfter();
        List<Remediation> remediations = new ArrayList<>();
        if (rules.level() == ValidationLevel.TRANSFORMATIVE && rules.corrector() != null) {
            Corrected corrected = rules.corrector().correct(image);
            image = corrected.image();
            corrected.remediations().forEach(r -> remediations.add(masked(r, rules)));
        }
        List<Violation> violations = schemaViolations(rules, image);
        if (rules.level() == ValidationLevel.LENIENT && !violations.isEmpty()) {
            image = nullInvalidFields(rules, image, violations, remediations);
            violations = schemaViolations(rules, image);
        }
        for (Rule rule : rules.rules()) {
            rule.check(image).ifPresent(violations::add);
        }
        if (!violations.isEmpty()) {
            return Verdict.reject(violations, rules);
        }
        return Verdict.accept(stamped(change, image, remediations), rules);
    }

    private static List<Violation> schemaViolations(
            EntityRules rules, Map<String, FieldValue> image) {
        return rules.schema() == null
                ? new ArrayList<>()
                : new ArrayList<>(rules.schema().check(image));
    }

    /**
     * Lenient: unknown fields are dropped and invalid optional fields nulled; required fields are
     * left alone, so their violations remain and reject the change. An optional field whose schema
     * does not allow null is removed instead, which the schema allows and the target stores as null
     * alike; otherwise the nulled value would break the schema again and reject the change.
     */
    private static Map<String, FieldValue> nullInvalidFields(
            EntityRules rules,
            Map<String, FieldValue> image,
            List<Violation> violations,
            List<Remediation> remediations) {
        Map<String, FieldValue> fixed = new LinkedHashMap<>(image);
        Map<String, FieldSpec> specs = rules.schema().fields();
        for (Violation violation : violations) {
            String field = violation.field();
            if (field == null || !fixed.containsKey(field)) {
                continue;
            }
            FieldValue value = fixed.get(field);
            String reason = violation.description();
            FieldSpec spec = specs.get(field);
            if (violation.code().equals(ValidationCodes.SCHEMA_UNKNOWN_FIELD)) {
                fixed.remove(field);
                remediations.add(
                        remediation(rules, field, RemediationAction.DROPPED, value, null, reason));
            } else if (spec != null && !spec.required()) {
                if (FieldValues.isNull(value)) {
                    // An explicit NULL the schema does not allow: leaving the field out is
                    // allowed, and the target stores it as NULL all the same.
                    fixed.remove(field);
                    remediations.add(
                            remediation(
                                    rules, field, RemediationAction.DROPPED, value, null, reason));
                    continue;
                }
                if (spec.nullable()) {
                    fixed.put(field, FieldValues.nullOf(value.getKind()));
                } else {
                    fixed.remove(field);
                }
                remediations.add(
                        remediation(rules, field, RemediationAction.NULLED, value, null, reason));
            }
        }
        return fixed;
    }

    private static Remediation remediation(
            EntityRules rules,
            String field,
            RemediationAction action,
            FieldValue from,
            FieldValue to,
            String reason) {
        return masked(
                new Remediation(
                        field, action, FieldValues.text(from), FieldValues.text(to), reason),
                rules);
    }

    private static Remediation masked(Remediation remediation, EntityRules rules) {
        if (!rules.confidential().contains(remediation.getField())) {
            return remediation;
        }
        return Remediation.newBuilder(remediation)
                .setFrom(remediation.getFrom() == null ? null : "***")
                .setTo(remediation.getTo() == null ? null : "***")
                .build();
    }

    private ChangeEvent stamped(
            ChangeEvent change, Map<String, FieldValue> image, List<Remediation> remediations) {
        List<Remediation> all = change.getRemediations();
        if (!remediations.isEmpty()) {
            all = new ArrayList<>(all);
            all.addAll(remediations);
        }
        ChangeEvent stamped = ChangeEvents.shallowCopy(change);
        stamped.setAfter(image);
        stamped.setRuleSetVersion(ruleSet.version());
        stamped.setRemediations(all);
        return stamped;
    }

    /**
     * The verdict on one change: accepted (possibly corrected) or rejected with every violation.
     *
     * @param rules the entity's rules, {@code null} if the rule set does not name it
     */
    public record Verdict(ChangeEvent accepted, List<Violation> violations, EntityRules rules) {

        static Verdict accept(ChangeEvent change, EntityRules rules) {
            return new Verdict(change, List.of(), rules);
        }

        static Verdict reject(List<Violation> violations, EntityRules rules) {
            return new Verdict(null, List.copyOf(violations), rules);
        }

        public boolean isAccepted() {
            return accepted != null;
        }
    }
}
