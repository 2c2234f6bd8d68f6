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

/**
 * The field is required when another field has one of some values, e.g. {@code vat_id} when {@code
 * country} is DE or FR.
 */
public final class RequiredIfRule implements Rule {

    private final String field;
    private final String whenField;
    private final Set<String> whenValues;

    public RequiredIfRule(String field, String whenField, List<String> whenValues) {
        if (whenValues.isEmpty()) {
            throw new IllegalArgumentException("the condition needs at least one value");
        }
        this.field = field;
        this.whenField = whenField;
        this.whenValues = new LinkedHashSet<>(whenValues);
    }

    @Override
    public String field() {
        return field;
    }

    @Override
    public Optional<Violation> check(Map<String, FieldValue> image) {
        String condition = FieldValues.text(image.get(whenField));
        if (condition == null
                || !whenValues.contains(condition)
                || !RequiredRule.isBlank(image.get(field))) {
            return Optional.empty();
        }
        return Optional.of(
                new Violation(
                        field,
                        ValidationCodes.RULE_REQUIRED_IF,
                        "is required when " + whenField + " is " + condition,
                        FieldValues.text(image.get(field))));
    }
}
