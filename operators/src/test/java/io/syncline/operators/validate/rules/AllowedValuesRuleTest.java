package io.syncline.operators.validate.rules;

import static io.syncline.operators.validate.Changes.bool;
import static io.syncline.operators.validate.Changes.decimal;
import static io.syncline.operators.validate.Changes.image;
import static io.syncline.operators.validate.Changes.intValue;
import static io.syncline.operators.validate.Changes.longValue;
import static io.syncline.operators.validate.Changes.nullOf;
import static io.syncline.operators.validate.Changes.text;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.syncline.operators.validate.ValidationCodes;
import io.syncline.operators.validate.Violation;
import io.syncline.schema.FieldKind;
import java.util.List;
import org.junit.jupiter.api.Test;

class AllowedValuesRuleTest {

    private static final AllowedValuesRule SEGMENT =
            new AllowedValuesRule("segment", List.of("smb", "enterprise"));

    private static Violation segmentViolation(String value) {
        return new Violation(
                "segment",
                ValidationCodes.RULE_ALLOWED_VALUES,
                "must be one of smb, enterprise",
                value);
    }

    @Test
    void everyListedValuePasses() {
        assertThat(SEGMENT.check(image("segment", text("smb")))).isEmpty();
        assertThat(SEGMENT.check(image("segment", text("enterprise")))).isEmpty();
    }

    @Test
    void aValueNotListedBreaksTheRuleAndIsNamed() {
        assertThat(SEGMENT.check(image("segment", text("consumer"))))
                .contains(segmentViolation("consumer"));
    }

    @Test
    void valuesCompareExactlyWithoutIgnoringCaseOrWhiteSpace() {
        assertThat(SEGMENT.check(image("segment", text("SMB")))).contains(segmentViolation("SMB"));
        assertThat(SEGMENT.check(image("segment", text("smb "))))
                .contains(segmentViolation("smb "));
        assertThat(SEGMENT.check(image("segment", text("")))).contains(segmentViolation(""));
    }

    @Test
    void numbersAndBooleansCompareAsTheirText() {
        AllowedValuesRule tier = new AllowedValuesRule("tier", List.of("1", "2", "3"));
        AllowedValuesRule active = new AllowedValuesRule("active", List.of("true"));

        assertThat(tier.check(image("tier", intValue(2)))).isEmpty();
        assertThat(tier.check(image("tier", longValue(3L)))).isEmpty();
        assertThat(tier.check(image("tier", decimal("1")))).isEmpty();
        assertThat(tier.check(image("tier", decimal("1.0"))))
                .contains(
                        new Violation(
                                "tier",
                                ValidationCodes.RULE_ALLOWED_VALUES,
                                "must be one of 1, 2, 3",
                                "1.0"));
        assertThat(tier.check(image("tier", intValue(4))))
                .contains(
                        new Violation(
                                "tier",
                                ValidationCodes.RULE_ALLOWED_VALUES,
                                "must be one of 1, 2, 3",
                                "4"));
        assertThat(active.check(image("active", bool(true)))).isEmpty();
        assertThat(active.check(image("active", bool(false))))
                .contains(
                        new Violation(
                                "active",
                                ValidationCodes.RULE_ALLOWED_VALUES,
                                "must be one of true",
                                "false"));
    }

    @Test
    void missingAndNullValuesAreNotChecked() {
        assertThat(SEGMENT.check(image())).isEmpty();
        assertThat(SEGMENT.check(image("segment", null))).isEmpty();
        assertThat(SEGMENT.check(image("segment", nullOf(FieldKind.STRING)))).isEmpty();
    }

    @Test
    void duplicatesAreListedOnceInOrder() {
        AllowedValuesRule rule = new AllowedValuesRule("segment", List.of("b", "a", "b"));

        assertThat(rule.check(image("segment", text("c"))))
                .contains(
                        new Violation(
                                "segment",
                                ValidationCodes.RULE_ALLOWED_VALUES,
                                "must be one of b, a",
                                "c"));
    }

    @Test
    void anEmptyListIsRejected() {
        assertThatThrownBy(() -> new AllowedValuesRule("segment", List.of()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("allowed values must not be empty");
    }
}
