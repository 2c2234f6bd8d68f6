package io.syncline.operators.validate.rules;

import static io.syncline.operators.validate.Changes.image;
import static io.syncline.operators.validate.Changes.intValue;
import static io.syncline.operators.validate.Changes.nullOf;
import static io.syncline.operators.validate.Changes.text;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.syncline.operators.validate.ValidationCodes;
import io.syncline.operators.validate.Violation;
import io.syncline.schema.FieldKind;
import io.syncline.schema.FieldValue;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class PatternRuleTest {

    private static final PatternRule CODE = new PatternRule("code", "[A-Z]{3}-\\d{4}");

    private static Violation codeViolation(String value) {
        return new Violation(
                "code", ValidationCodes.RULE_PATTERN, "must match [A-Z]{3}-\\d{4}", value);
    }

    @Test
    void aMatchingValuePasses() {
        assertThat(CODE.check(image("code", text("ABC-1234")))).isEmpty();
    }

    @Test
    void theWholeValueMustMatchNotJustAPart() {
        assertThat(CODE.check(image("code", text("ABC-12345"))))
                .contains(codeViolation("ABC-12345"));
        assertThat(CODE.check(image("code", text("xABC-1234"))))
                .contains(codeViolation("xABC-1234"));
        assertThat(CODE.check(image("code", text("ABC-1234\n"))))
                .contains(codeViolation("ABC-1234\n"));
    }

    @Test
    void aNonMatchingValueBreaksTheRule() {
        assertThat(CODE.check(image("code", text("abc-1234")))).contains(codeViolation("abc-1234"));
        assertThat(CODE.check(image("code", text("")))).contains(codeViolation(""));
    }

    @Test
    void numbersAreMatchedAsTheirText() {
        PatternRule zip = new PatternRule("zip", "\\d{5}");

        assertThat(zip.check(image("zip", intValue(94105)))).isEmpty();
        assertThat(zip.check(image("zip", intValue(4105))))
                .contains(
                        new Violation(
                                "zip", ValidationCodes.RULE_PATTERN, "must match \\d{5}", "4105"));
    }

    @Test
    void missingAndNullValuesAreNotChecked() {
        assertThat(CODE.check(image())).isEmpty();
        assertThat(CODE.check(image("code", null))).isEmpty();
        assertThat(CODE.check(image("code", nullOf(FieldKind.STRING)))).isEmpty();
    }

    @Test
    void anInvalidRegularExpressionIsRejectedWithTheReason() {
        assertThatThrownBy(() -> new PatternRule("code", "[A-Z"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("'[A-Z' is not a regular expression: Unclosed character class");
        assertThatThrownBy(() -> new PatternRule("code", "(?<x"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("'(?<x' is not a regular expression: ");
    }

    @Test
    void aCatastrophicallyBacktrackingPatternRejectsTheValueInsteadOfStalling() {
        // Unbounded, this match takes minutes (polynomial backtracking of degree 12).
        PatternRule rule = new PatternRule("code", "(.*a){12}x");

        Optional<Violation> violation =
                rule.check(Map.of("code", new FieldValue(FieldKind.STRING, "a".repeat(40))));

        assertThat(violation)
                .hasValueSatisfying(
                        v -> {
                            assertThat(v.code()).isEqualTo(ValidationCodes.RULE_PATTERN);
                            assertThat(v.description())
                                    .startsWith("could not be matched against (.*a){12}x within")
                                    .endsWith("simplify it");
                        });
    }
}
