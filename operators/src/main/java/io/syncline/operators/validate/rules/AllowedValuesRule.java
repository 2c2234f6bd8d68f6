package io.syncline.operators.validate.rules;

import io.syncline.operators.validate.FieldValues;
import io.syncline.operators.validate.ValidationCodes;
import io.syncline.operators.validate.Violation;
import io.syncline.schema.FieldValue;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/** A domain rule: the field's value, as text, must be one of a list. Null is not checked. */
public final class AllowedValuesRule implements Rule {

    private final String field;
    private final Set<String> values;

    public AllowedValuesRule(String field, List<String> values) {
        if (values.isEmpty()) {
            throw new IllegalArgumentException("allowed values must not be empty");
        }
        this.field = field;
        this.values = new LinkedHashSet<>(values);
    }

    @Override
    public String field() {
        return field;
    }

    @Override
    public Optional<Violation> check(Map<String, FieldValue> image) {
        String text = FieldValues.text(image.get(field));
        if (text == null || values.contains(text)) {
            return Optional.empty();
        }
        return Optional.of(
                new Violation(
                        field,
                        ValidationCodes.RULE_ALLOWED_VALUES,
                        "must be one of " + String.join(", ", values),
                        text));
    }
}
