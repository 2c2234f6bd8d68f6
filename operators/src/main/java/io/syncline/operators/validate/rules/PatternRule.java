package io.syncline.operators.validate.rules;

import io.syncline.operators.validate.FieldValues;
import io.syncline.operators.validate.ValidationCodes;
import io.syncline.operators.validate.Violation;
import io.syncline.schema.FieldValue;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/** The field's value, as text, must match a regular expression as a whole. Null is not checked. */
public final class PatternRule implements Rule {

    private final String field;
    private final Pattern pattern;

    /**
     * @throws IllegalArgumentException if {@code regex} is not a Java regular expression
     */
    public PatternRule(String field, String regex) {
        this.field = field;
        try {
            this.pattern = Pattern.compile(regex);
        } catch (PatternSyntaxException e) {
            throw new IllegalArgumentException(
                    "'" + regex + "' is not a regular expression: " + e.getDescription());
        }
    }

    @Override
    public String field() {
        return field;
    }

    @Override
    public Optional<Violation> check(Map<String, FieldValue> image) {
        String text = FieldValues.text(image.get(field));
        if (text == null || pattern.matcher(text).matches()) {
            return Optional.empty();
        }
        return Optional.of(
                new Violation(
                        field,
                        ValidationCodes.RULE_PATTERN,
                        "must match " + pattern.pattern(),
                        text));
    }
}
