package io.syncline.operators.validate.rules;

import static io.syncline.operators.validate.Changes.bool;
import static io.syncline.operators.validate.Changes.image;
import static io.syncline.operators.validate.Changes.intValue;
import static io.syncline.operators.validate.Changes.nullOf;
import static io.syncline.operators.validate.Changes.text;
import static org.assertj.core.api.Assertions.assertThat;

import io.syncline.operators.validate.ValidationCodes;
import io.syncline.operators.validate.Violation;
import io.syncline.schema.FieldKind;
import org.junit.jupiter.api.Test;

class RequiredRuleTest {

    private static final RequiredRule NAME = new RequiredRule("name");

    @Test
    void aPresentValuePasses() {
        assertThat(NAME.check(image("name", text("Ada")))).isEmpty();
        assertThat(NAME.check(image("name", text(" Ada ")))).isEmpty();
    }

    @Test
    void zeroAndFalseArePresentValues() {
        assertThat(NAME.check(image("name", intValue(0)))).isEmpty();
        assertThat(NAME.check(image("name", bool(false)))).isEmpty();
    }

    @Test
    void aMissingFieldBreaksTheRule() {
        assertThat(NAME.check(image("id", intValue(1))))
                .contains(
                        new Violation("name", ValidationCodes.RULE_REQUIRED, "is required", null));
    }

    @Test
    void aNullValueBreaksTheRule() {
        assertThat(NAME.check(image("name", null)))
                .contains(
                        new Violation("name", ValidationCodes.RULE_REQUIRED, "is required", null));
        assertThat(NAME.check(image("name", nullOf(FieldKind.STRING))))
                .contains(
                        new Violation("name", ValidationCodes.RULE_REQUIRED, "is required", null));
    }

    @Test
    void blankTextBreaksTheRuleAndIsShown() {
        assertThat(NAME.check(image("name", text(""))))
                .contains(new Violation("name", ValidationCodes.RULE_REQUIRED, "is required", ""));
        assertThat(NAME.check(image("name", text(" \t"))))
                .contains(
                        new Violation("name", ValidationCodes.RULE_REQUIRED, "is required", " \t"));
    }
}
