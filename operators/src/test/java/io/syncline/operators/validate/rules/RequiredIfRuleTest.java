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
import java.util.List;
import org.junit.jupiter.api.Test;

class RequiredIfRuleTest {

    private static final RequiredIfRule VAT_ID =
            new RequiredIfRule("vat_id", "country", List.of("DE", "FR"));

    @Test
    void theFieldIsRequiredWhenTheConditionHolds() {
        assertThat(VAT_ID.check(image("country", text("DE"))))
                .contains(
                        new Violation(
                                "vat_id",
                                ValidationCodes.RULE_REQUIRED_IF,
                                "is required when country is DE",
                                null));
        assertThat(VAT_ID.check(image("country", text("FR"), "vat_id", nullOf(FieldKind.STRING))))
                .contains(
                        new Violation(
                                "vat_id",
                                ValidationCodes.RULE_REQUIRED_IF,
                                "is required when country is FR",
                                null));
        assertThat(VAT_ID.check(image("country", text("FR"), "vat_id", text("  "))))
                .contains(
                        new Violation(
                                "vat_id",
                                ValidationCodes.RULE_REQUIRED_IF,
                                "is required when country is FR",
                                "  "));
    }

    @Test
    void aPresentFieldSatisfiesTheCondition() {
        assertThat(VAT_ID.check(image("country", text("DE"), "vat_id", text("DE123456789"))))
                .isEmpty();
    }

    @Test
    void otherwiseTheFieldIsOptional() {
        assertThat(VAT_ID.check(image("country", text("US")))).isEmpty();
        assertThat(VAT_ID.check(image("country", text("de")))).isEmpty();
        assertThat(VAT_ID.check(image())).isEmpty();
        assertThat(VAT_ID.check(image("country", nullOf(FieldKind.STRING)))).isEmpty();
    }

    @Test
    void aNumericConditionComparesAsText() {
        RequiredIfRule approver = new RequiredIfRule("approver", "tier", List.of("3"));

        assertThat(approver.check(image("tier", intValue(3))))
                .contains(
                        new Violation(
                                "approver",
                                ValidationCodes.RULE_REQUIRED_IF,
                                "is required when tier is 3",
                                null));
        assertThat(approver.check(image("tier", intValue(2)))).isEmpty();
    }

    @Test
    void aConditionWithoutValuesIsRejected() {
        assertThatThrownBy(() -> new RequiredIfRule("vat_id", "country", List.of()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("the condition needs at least one value");
    }
}
