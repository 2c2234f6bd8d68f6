package io.syncline.operators.validate;

import io.syncline.operators.errors.ErrorRecords;
import io.syncline.operators.key.EntityKeys;
import io.syncline.schema.ChangeEvent;
import io.syncline.schema.ErrorRecord;
import io.syncline.schema.FieldValue;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * Turns rejected changes into {@link ErrorRecord}s: the first violation's code, a message naming
 * every violation's field and value (confidential values masked), the change as masked text and the
 * change itself, so that it can be replayed.
 */
public final class ValidationErrors {

    /** The stage name on validation errors. */
    public static final String STAGE = "validate";

    private ValidationErrors() {}

    /** The error of a change rejected with {@code violations} by rule set {@code version}. */
    public static ErrorRecord of(
            ChangeEvent change,
            List<Violation> violations,
            EntityRules rules,
            int version,
            Instant time) {
        Violation first = violations.get(0);
        String details =
                violations.stream()
                        .map(violation -> describe(violation, rules))
                        .collect(Collectors.joining("; "));
        String message =
                change.getEntityType()
                        + " "
                        + EntityKeys.of(change)
                        + " rejected by rule set v"
                        + version
                        + ": "
                        + details
                        + "; fix the data at the source, or the rule, then replay with"
                        + " 'syncline errors replay'";
        Set<String> confidential = rules == null ? Set.of() : rules.confidential();
        ErrorRecord.Builder builder =
                ErrorRecords.permanent(ErrorRecord.newBuilder(), STAGE, first.code(), message)
                        .setField(first.field())
                        .setRuleSetVersion(version)
                        .setChange(change);
        return ErrorRecords.build(
                context(builder, change), ChangeText.of(change, confidential), time);
    }

    /** The envelope fields of an error about {@code change}. */
    private static ErrorRecord.Builder context(ErrorRecord.Builder builder, ChangeEvent change) {
        return builder.setKey(EntityKeys.of(change))
                .setTenant(change.getTenant())
                .setEntityType(change.getEntityType())
                .setSourceId(change.getSourceId())
                .setSourcePosition(change.getSourcePosition());
    }

    static String describe(Violation violation, EntityRules rules) {
        if (violation.field() == null) {
            return violation.description();
        }
        String value =
                rules == null
                        ? String.valueOf(violation.value())
                        : rules.shown(violation.field(), violation.value());
        return violation.field() + " = " + value + ": " + violation.description();
    }

    /** Renders a change as text for an error payload, with confidential values masked. */
    static final class ChangeText {

        private ChangeText() {}

        static String of(ChangeEvent change, Set<String> confidential) {
            StringBuilder text =
                    new StringBuilder()
                            .append("{eventId=")
                            .append(change.getEventId())
                            .append(", op=")
                            .append(change.getOp())
                            .append(", key=")
                            .append(EntityKeys.of(change))
                            .append(", version=")
                            .append(change.getVersion());
            appendImage(text, "before", change.getBefore(), confidential);
            appendImage(text, "after", change.getAfter(), confidential);
            return text.append('}').toString();
        }

        private static void appendImage(
                StringBuilder text,
                String name,
                Map<String, FieldValue> image,
                Set<String> confidential) {
            if (image == null) {
                return;
            }
            text.append(", ").append(name).append("={");
            boolean first = true;
            // In name order: a map read back from Avro has lost its order, and the error id is
            // derived from this text, so it must not depend on the order.
            for (Map.Entry<String, FieldValue> field : new TreeMap<>(image).entrySet()) {
                if (!first) {
                    text.append(", ");
                }
                first = false;
                String value = FieldValues.text(field.getValue());
                text.append(field.getKey())
                        .append('=')
                        .append(
                                confidential.contains(field.getKey()) && value != null
                                        ? "***"
                                        : value);
            }
            text.append('}');
        }
    }
}
