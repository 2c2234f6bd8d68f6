package io.syncline.operators.validate.rules;

import io.syncline.operators.validate.FieldValues;
import io.syncline.operators.validate.ValidationCodes;
import io.syncline.operators.validate.Violation;
import io.syncline.schema.FieldValue;
import java.util.Map;
import java.util.Optional;

/** The field must be present and not null (nor blank text). */
public final class RequiredRule implements Rule {

    private final String field;

    public RequiredRule(String field) {
        this.field = field;
    }

    @Override
    public String field() {
        return field;
    }

    @Override
    public Optional<Violation> check(Map<String, FieldValue> image) {
        if (!isBlank(image.get(field))) {
            return Optional.empty();
        }
        return Optional.of(
                new Violation(
                        field,
                        ValidationCodes.RULE_REQUIRED,
                        "is required",
                        FieldValues.text(image.get(field))));
    }

    static boolean isBlank(FieldValue value) {
        String text = FieldValues.text(value);
        return text == null || text.isBlank();
    }
}
