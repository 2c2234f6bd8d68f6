package io.syncline.operators.validate;

import static io.syncline.operators.validate.Changes.create;
import static io.syncline.operators.validate.Changes.image;
import static io.syncline.operators.validate.Changes.intValue;
import static io.syncline.operators.validate.Changes.ruleSet;
import static io.syncline.operators.validate.Changes.text;
import static org.assertj.core.api.Assertions.assertThat;

import io.syncline.schema.ChangeEvent;
import io.syncline.schema.ErrorClass;
import io.syncline.schema.ErrorRecord;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class ValidationErrorsTest {

    private static final Instant TIME = Instant.parse("2024-05-01T10:00:02Z");

    private static final EntityRules CUSTOMER =
            ruleSet(
                            """
                            version: 4
                            entities:
                              customer:
                                confidential: [email]
                            """)
                    .entity("customer")
                    .orElseThrow();

    private static final ChangeEvent CHANGE =
            create(
                    "customer",
                    "7",
                    image(
                            "id", intValue(7),
                            "email", text("ada@"),
                            "credit_limit", intValue(-5)));

    private static final List<Violation> VIOLATIONS =
            List.of(
                    new Violation(
                            "email",
                            ValidationCodes.SCHEMA_FORMAT,
                            "does not match the email pattern",
                            "ada@"),
                    new Violation(
                            "credit_limit",
                            ValidationCodes.RULE_RANGE,
                            "must be at least 0",
                            "-5"));

    @Test
    void anErrorNamesEveryViolationWithConfidentialValuesMasked() {
        ErrorRecord error = ValidationErrors.of(CHANGE, VIOLATIONS, CUSTOMER, 4, TIME);

        assertThat(error.getMessage())
                .isEqualTo(
                        "customer acme/customer/7 rejected by rule set v4: email = ***: does not"
                                + " match the email pattern; credit_limit = -5: must be at least"
                                + " 0; fix the data at the source, or the rule, then replay with"
                                + " 'syncline errors replay'");
        assertThat(error.getPayload())
                .isEqualTo(
                        "{eventId=acme-customer-7-1, op=CREATE, key=acme/customer/7, version=1,"
                                + " after={credit_limit=-5, email=***, id=7}}");
        assertThat(error.getStage()).isEqualTo("validate");
        assertThat(error.getErrorClass()).isEqualTo(ErrorClass.PERMANENT);
        assertThat(error.getCode()).isEqualTo(ValidationCodes.SCHEMA_FORMAT);
        assertThat(error.getField()).isEqualTo("email");
        assertThat(error.getRuleSetVersion()).isEqualTo(4);
        assertThat(error.getChange()).isEqualTo(CHANGE);
        assertThat(error.getKey()).isEqualTo("acme/customer/7");
        assertThat(error.getTenant()).isEqualTo("acme");
        assertThat(error.getEntityType()).isEqualTo("customer");
        assertThat(error.getSourceId()).isEqualTo("crm");
        assertThat(error.getSourcePosition()).isEqualTo("customer-7-1");
        assertThat(error.getTime()).isEqualTo(TIME);
    }

    @Test
    void aViolationOfTheWholeChangeIsDescribedWithoutAField() {
        Violation missingParent =
                new Violation(
                        null,
                        ValidationCodes.RI_MISSING_PARENT,
                        "refers to customer 9, which does not exist for the tenant",
                        null);

        ErrorRecord error = ValidationErrors.of(CHANGE, List.of(missingParent), null, 4, TIME);

        assertThat(error.getMessage())
                .isEqualTo(
                        "customer acme/customer/7 rejected by rule set v4: refers to customer 9,"
                                + " which does not exist for the tenant; fix the data at the"
                                + " source, or the rule, then replay with 'syncline errors"
                                + " replay'");
        assertThat(error.getField()).isNull();
        assertThat(error.getCode()).isEqualTo(ValidationCodes.RI_MISSING_PARENT);
        // Without rules nothing is known to be confidential.
        assertThat(error.getPayload()).contains("email=ada@");
    }

    @Test
    void theErrorIdIsTheSameForTheSameChangeAndCode() {
        ErrorRecord first = ValidationErrors.of(CHANGE, VIOLATIONS, CUSTOMER, 4, TIME);
        ErrorRecord again =
                ValidationErrors.of(
                        ChangeEvent.newBuilder(CHANGE).build(),
                        VIOLATIONS,
                        CUSTOMER,
                        5,
                        TIME.plusSeconds(3600));

        assertThat(again.getErrorId()).isEqualTo(first.getErrorId());
        assertThat(first.getErrorId()).hasSize(36);
    }

    @Test
    void theErrorIdDiffersForAnotherCodeOrAnotherChange() {
        ErrorRecord first = ValidationErrors.of(CHANGE, VIOLATIONS, CUSTOMER, 4, TIME);
        ErrorRecord otherCode =
                ValidationErrors.of(CHANGE, VIOLATIONS.subList(1, 2), CUSTOMER, 4, TIME);
        ErrorRecord otherChange =
                ValidationErrors.of(
                        Changes.update("customer", "7", 2, CHANGE.getAfter()),
                        VIOLATIONS,
                        CUSTOMER,
                        4,
                        TIME);

        assertThat(otherCode.getErrorId()).isNotEqualTo(first.getErrorId());
        assertThat(otherChange.getErrorId()).isNotEqualTo(first.getErrorId());
    }
}
