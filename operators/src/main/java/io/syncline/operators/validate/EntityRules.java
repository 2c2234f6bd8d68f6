package io.syncline.operators.validate;

import io.syncline.operators.validate.correct.Corrector;
import io.syncline.operators.validate.rules.Rule;
import java.util.List;
import java.util.Set;

/**
 * Everything one rule set says about one entity type, compiled.
 *
 * @param schema the compiled schema, {@code null} if the entity type has none
 * @param corrector the corrections of the transformative level, {@code null} at other levels
 * @param confidential fields whose values are masked in messages and error payloads
 */
public record EntityRules(
        String entityType,
        ValidationLevel level,
        SchemaCheck schema,
        Corrector corrector,
        List<Rule> rules,
        List<Reference> references,
        Set<String> confidential) {

    public EntityRules {
        rules = List.copyOf(rules);
        references = List.copyOf(references);
        confidential = Set.copyOf(confidential);
    }

    /** The value as shown in messages: masked if the field is confidential. */
    public String shown(String field, String value) {
        if (value == null) {
            return "null";
        }
        return confidential.contains(field) ? "***" : value;
    }
}
