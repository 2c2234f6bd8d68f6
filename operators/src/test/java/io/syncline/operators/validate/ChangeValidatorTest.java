package io.syncline.operators.validate;

import static io.syncline.operators.validate.Changes.create;
import static io.syncline.operators.validate.Changes.delete;
import static io.syncline.operators.validate.Changes.image;
import static io.syncline.operators.validate.Changes.intValue;
import static io.syncline.operators.validate.Changes.longValue;
import static io.syncline.operators.validate.Changes.nullOf;
import static io.syncline.operators.validate.Changes.ruleSet;
import static io.syncline.operators.validate.Changes.text;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import io.syncline.operators.validate.ChangeValidator.Verdict;
import io.syncline.schema.ChangeEvent;
import io.syncline.schema.FieldKind;
import io.syncline.schema.Remediation;
import io.syncline.schema.RemediationAction;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ChangeValidatorTest {

    private static final String CUSTOMER_SCHEMA =
            """
            {"type": "object",
             "properties": {
               "id": {"type": "integer"},
               "name": {"type": "string"},
               "credit_limit": {"type": "number", "minimum": 0},
               "status": {"enum": ["active", "closed"]},
               "email": {"type": "string", "format": "email"}},
             "required": ["id", "name"]}"""
                    .replace("\n", " ");

    private static final String CLOSED_SCHEMA =
            """
            {"type": "object", "additionalProperties": false,
             "properties": {
               "id": {"type": "integer"},
               "name": {"type": "string"},
               "credit_limit": {"type": ["number", "null"], "minimum": 0},
               "status": {"enum": ["active", "closed"]},
               "email": {"type": "string", "format": "email"}},
             "required": ["id", "name"]}"""
                    .replace("\n", " ");

    private static final String CORRECTED_SCHEMA =
            """
            {"type": "object",
             "properties": {
               "id": {"type": "integer"},
               "name": {"type": "string"},
               "status": {"enum": ["active", "closed"]},
               "email": {"type": "string", "format": "email"},
               "phone": {"type": "string"},
               "country": {"type": "string", "pattern": "^[A-Z]{2}$"}},
             "required": ["id", "name"]}"""
                    .replace("\n", " ");

    private static final RuleSet STRICT =
            ruleSet(
                    """
                    version: 4
                    entities:
                      customer:
                        schema: {type: json-schema, inline: '%s'}
                        confidential: [email]
                        rules:
                          - {type: pattern, field: code, regex: '[A-Z]{3}-\\d{4}'}
                    """
                            .formatted(CUSTOMER_SCHEMA));

    private static final RuleSet LENIENT =
            ruleSet(
                    """
                    version: 5
                    entities:
                      customer:
                        level: lenient
                        schema: {type: json-schema, inline: '%s'}
                        confidential: [email]
                    """
                            .formatted(CLOSED_SCHEMA));

    private static final RuleSet TRANSFORMATIVE =
            ruleSet(
                    """
                    version: 6
                    entities:
                      customer:
                        level: transformative
                        schema: {type: json-schema, inline: '%s'}
                        defaults: {status: active}
                        formats: {email: email, phone: phone, country: country}
                        defaultRegion: US
                        confidential: [email]
                    """
                            .formatted(CORRECTED_SCHEMA));

    private static Verdict validate(RuleSet ruleSet, ChangeEvent change) {
        return new ChangeValidator(ruleSet).validate(change);
    }

    private static ChangeEvent stamped(ChangeEvent change, int version) {
        return ChangeEvent.newBuilder(change).setRuleSetVersion(version).build();
    }

    private static Remediation remediation(
            String field, RemediationAction action, String from, String to, String reason) {
        return new Remediation(field, action, from, to, reason);
    }

    @Test
    void strictRejectsAnInvalidChangeWithEveryViolation() {
        ChangeEvent change =
                create(
                        "customer",
                        "7",
                        image(
                                "id", text("x"),
                                "credit_limit", intValue(-5),
                                "status", text("open"),
                                "email", text("not-an-email"),
                                "code", text("abc")));

        Verdict verdict = validate(STRICT, change);

        assertThat(verdict.isAccepted()).isFalse();
        assertThat(verdict.accepted()).isNull();
        assertThat(verdict.rules()).isSameAs(STRICT.entity("customer").orElseThrow());
        assertThat(verdict.violations())
                .containsExactly(
                        new Violation(
                                "id",
                                ValidationCodes.SCHEMA_TYPE_MISMATCH,
                                "string found, integer expected",
                                "x"),
                        new Violation(
                                "credit_limit",
                                ValidationCodes.SCHEMA_RANGE,
                                "must have a minimum value of 0",
                                "-5"),
                        new Violation(
                                "status",
                                ValidationCodes.SCHEMA_ENUM,
                                "does not have a value in the enumeration [\"active\", \"closed\"]",
                                "open"),
                        new Violation(
                                "email",
                                ValidationCodes.SCHEMA_FORMAT,
                                "does not match the email pattern must be a valid RFC 5321"
                                        + " Mailbox",
                                "not-an-email"),
                        new Violation(
                                "name",
                                ValidationCodes.SCHEMA_REQUIRED,
                                "required property 'name' not found",
                                null),
                        new Violation(
                                "code",
                                ValidationCodes.RULE_PATTERN,
                                "must match [A-Z]{3}-\\d{4}",
                                "abc"));
    }

    @Test
    void strictAcceptsAValidChangeUnchangedAndStampsTheVersion() {
        ChangeEvent change =
                create(
                        "customer",
                        "7",
                        image(
                                "id", intValue(7),
                                "name", text(" Ada "),
                                "credit_limit", longValue(0),
                                "status", text("active"),
                                "email", text("ada@example.com"),
                                "code", text("ABC-1234"),
                                "unknown", text("allowed by the open schema")));

        Verdict verdict = validate(STRICT, change);

        assertThat(verdict.violations()).isEmpty();
        assertThat(verdict.accepted()).isEqualTo(stamped(change, 4));
        assertThat(verdict.accepted().getAfter()).isEqualTo(change.getAfter());
        assertThat(verdict.accepted().getRemediations()).isEmpty();
    }

    @Test
    void anAcceptedChangeKeepsEveryEnvelopeField() {
        ChangeEvent change =
                ChangeEvent.newBuilder(
                                create(
                                        "customer",
                                        "7",
                                        image(
                                                "id", intValue(7),
                                                "name", text("Ada"),
                                                "status", text("active"))))
                        .setOp(io.syncline.schema.Operation.UPDATE)
                        .setBefore(image("id", intValue(7), "name", text("Ad")))
                        .setSourceCommitTime(java.time.Instant.ofEpochMilli(1_000))
                        .setCaptureTime(java.time.Instant.ofEpochMilli(2_000))
                        .setSourceId("crm")
                        .setSourcePosition("0/16B3748")
                        .setVersion(23_824_200L)
                        .setTransactionId("tx-9")
                        .setSchemaVersion(3)
                        .setReplayOf("error-1")
                        .build();

        Verdict verdict = validate(STRICT, change);

        assertThat(verdict.accepted()).isEqualTo(stamped(change, 4));
    }

    @Test
    void lenientNullsInvalidOptionalFieldsAndDropsUnknownOnes() {
        ChangeEvent change =
                create(
                        "customer",
                        "7",
                        image(
                                "id", intValue(7),
                                "name", text("Ada"),
                                "credit_limit", intValue(-5),
                                "status", text("open"),
                                "extra", text("x"),
                                "legacy", nullOf(FieldKind.STRING)));

        Verdict verdict = validate(LENIENT, change);

        assertThat(verdict.violations()).isEmpty();
        assertThat(verdict.accepted().getRuleSetVersion()).isEqualTo(5);
        // status does not allow null, so it is left out, which its schema allows.
        assertThat(verdict.accepted().getAfter())
                .containsExactlyEntriesOf(
                        image(
                                "id", intValue(7),
                                "name", text("Ada"),
                                "credit_limit", nullOf(FieldKind.INT)));
        assertThat(verdict.accepted().getRemediations())
                .containsExactly(
                        remediation(
                                "credit_limit",
                                RemediationAction.NULLED,
                                "-5",
                                null,
                                "must have a minimum value of 0"),
                        remediation(
                                "status",
                                RemediationAction.NULLED,
                                "open",
                                null,
                                "does not have a value in the enumeration [\"active\", \"closed\"]"),
                        remediation(
                                "extra",
                                RemediationAction.DROPPED,
                                "x",
                                null,
                                "property 'extra' is not defined in the schema and the schema does"
                                        + " not allow additional properties"),
                        remediation(
                                "legacy",
                                RemediationAction.DROPPED,
                                null,
                                null,
                                "property 'legacy' is not defined in the schema and the schema does"
                                        + " not allow additional properties"));
    }

    @Test
    void lenientDropsAnExplicitNullTheSchemaDoesNotAllowInAnOptionalField() {
        ChangeEvent change =
                create(
                        "customer",
                        "7",
                        image(
                                "id", intValue(7),
                                "name", text("Ada"),
                                "email", nullOf(FieldKind.STRING)));

        Verdict verdict = validate(LENIENT, change);

        assertThat(verdict.violations()).isEmpty();
        assertThat(verdict.accepted().getAfter())
                .containsExactlyEntriesOf(image("id", intValue(7), "name", text("Ada")));
        assertThat(verdict.accepted().getRemediations())
                .singleElement()
                .satisfies(
                        remediation -> {
                            assertThat(remediation.getField()).isEqualTo("email");
                            assertThat(remediation.getAction())
                                    .isEqualTo(RemediationAction.DROPPED);
                            assertThat(remediation.getFrom()).isNull();
                        });
    }

    @Test
    void lenientStillRejectsAnExplicitNullInARequiredField() {
        ChangeEvent change =
                create("customer", "7", image("id", intValue(7), "name", nullOf(FieldKind.STRING)));

        Verdict verdict = validate(LENIENT, change);

        assertThat(verdict.isAccepted()).isFalse();
        assertThat(verdict.violations()).extracting(Violation::field).containsExactly("name");
    }

    @Test
    void lenientMasksConfidentialValuesInRemediations() {
        ChangeEvent change =
                create(
                        "customer",
                        "7",
                        image("id", intValue(7), "name", text("Ada"), "email", text("ada@")));

        Verdict verdict = validate(LENIENT, change);

        assertThat(verdict.accepted().getAfter())
                .containsExactlyEntriesOf(image("id", intValue(7), "name", text("Ada")));
        assertThat(verdict.accepted().getRemediations())
                .extracting(
                        Remediation::getField,
                        Remediation::getAction,
                        Remediation::getFrom,
                        Remediation::getTo)
                .containsExactly(tuple("email", RemediationAction.NULLED, "***", null));
    }

    @Test
    void lenientRejectsAnInvalidRequiredFieldWithOnlyTheRemainingViolations() {
        ChangeEvent change =
                create(
                        "customer",
                        "7",
                        image(
                                "id", text("x"),
                                "name", text("Ada"),
                                "credit_limit", intValue(-5),
                                "extra", text("x")));

        Verdict verdict = validate(LENIENT, change);

        assertThat(verdict.isAccepted()).isFalse();
        assertThat(verdict.violations())
                .containsExactly(
                        new Violation(
                                "id",
                                ValidationCodes.SCHEMA_TYPE_MISMATCH,
                                "string found, integer expected",
                                "x"));
    }

    @Test
    void lenientRejectsAMissingRequiredField() {
        Verdict verdict = validate(LENIENT, create("customer", "7", image("id", intValue(7))));

        assertThat(verdict.violations())
                .containsExactly(
                        new Violation(
                                "name",
                                ValidationCodes.SCHEMA_REQUIRED,
                                "required property 'name' not found",
                                null));
    }

    @Test
    void transformativeCorrectsAndRecordsEveryCorrection() {
        ChangeEvent change =
                create(
                        "customer",
                        "7",
                        image(
                                "id", text("42"),
                                "name", text("  Ada Lovelace "),
                                "email", text(" Ada@Example.COM"),
                                "phone", text("(415) 555-0100"),
                                "country", text("germany")));

        Verdict verdict = validate(TRANSFORMATIVE, change);

        assertThat(verdict.violations()).isEmpty();
        assertThat(verdict.accepted().getRuleSetVersion()).isEqualTo(6);
        assertThat(verdict.accepted().getAfter())
                .containsExactlyEntriesOf(
                        image(
                                "id", longValue(42),
                                "name", text("Ada Lovelace"),
                                "email", text("ada@example.com"),
                                "phone", text("+14155550100"),
                                "country", text("DE"),
                                "status", text("active")));
        assertThat(verdict.accepted().getRemediations())
                .containsExactly(
                        remediation(
                                "id",
                                RemediationAction.CONVERTED,
                                "42",
                                "42",
                                "converted text to integer"),
                        remediation(
                                "name",
                                RemediationAction.TRIMMED,
                                "  Ada Lovelace ",
                                "Ada Lovelace",
                                "trimmed surrounding white space"),
                        remediation(
                                "email",
                                RemediationAction.TRIMMED,
                                "***",
                                "***",
                                "trimmed surrounding white space"),
                        remediation(
                                "email",
                                RemediationAction.STANDARDIZED,
                                "***",
                                "***",
                                "standardized email to lower case"),
                        remediation(
                                "phone",
                                RemediationAction.STANDARDIZED,
                                "(415) 555-0100",
                                "+14155550100",
                                "standardized phone to E.164"),
                        remediation(
                                "country",
                                RemediationAction.STANDARDIZED,
                                "germany",
                                "DE",
                                "standardized country to ISO 3166-1 alpha-2"),
                        remediation(
                                "status",
                                RemediationAction.DEFAULTED,
                                null,
                                "active",
                                "defaulted missing value"));
    }

    @Test
    void transformativeRejectsWhatItCannotCorrect() {
        ChangeEvent change =
                create(
                        "customer",
                        "7",
                        image("id", text("4.5"), "name", text("Ada"), "country", text("Atlantis")));

        Verdict verdict = validate(TRANSFORMATIVE, change);

        assertThat(verdict.violations())
                .extracting(Violation::field, Violation::code, Violation::value)
                .containsExactly(
                        tuple("id", ValidationCodes.SCHEMA_TYPE_MISMATCH, "4.5"),
                        tuple("country", ValidationCodes.SCHEMA_FORMAT, "Atlantis"));
    }

    @Test
    void earlierRemediationsOfAReplayedChangeAreKept() {
        Remediation earlier =
                remediation("name", RemediationAction.TRIMMED, " Ada", "Ada", "trimmed");
        ChangeEvent change =
                ChangeEvent.newBuilder(
                                create(
                                        "customer",
                                        "7",
                                        image("id", text("7"), "name", text("Ada"))))
                        .setRemediations(List.of(earlier))
                        .build();

        Verdict verdict = validate(TRANSFORMATIVE, change);

        assertThat(verdict.accepted().getRemediations())
                .extracting(Remediation::getField, Remediation::getAction)
                .containsExactly(
                        tuple("name", RemediationAction.TRIMMED),
                        tuple("id", RemediationAction.CONVERTED),
                        tuple("status", RemediationAction.DEFAULTED));
    }

    @ParameterizedTest
    @ValueSource(strings = {"strict", "lenient", "transformative"})
    void businessRulesRejectAtEveryLevel(String level) {
        RuleSet ruleSet =
                ruleSet(
                        """
                        version: 2
                        entities:
                          customer:
                            level: %s
                            schema: {type: json-schema, inline: '%s'}
                            rules:
                              - {type: range, field: credit_limit, min: 0, max: 1000000}
                              - {type: required, field: email}
                        """
                                .formatted(level, CLOSED_SCHEMA));
        ChangeEvent change =
                create(
                        "customer",
                        "7",
                        image(
                                "id",
                                intValue(7),
                                "name",
                                text("Ada"),
                                "credit_limit",
                                intValue(1_000_001)));

        Verdict verdict = validate(ruleSet, change);

        assertThat(verdict.isAccepted()).isFalse();
        assertThat(verdict.violations())
                .containsExactly(
                        new Violation(
                                "credit_limit",
                                ValidationCodes.RULE_RANGE,
                                "must be between 0 and 1000000",
                                "1000001"),
                        new Violation("email", ValidationCodes.RULE_REQUIRED, "is required", null));
    }

    @Test
    void aDeleteIsAcceptedUncheckedAndStamped() {
        ChangeEvent change = delete("customer", "7", 3);

        Verdict verdict = validate(STRICT, change);

        assertThat(verdict.accepted()).isEqualTo(stamped(change, 4));
        assertThat(verdict.accepted().getAfter()).isNull();
    }

    @Test
    void anEntityTypeTheRuleSetDoesNotNameIsAcceptedWithTheVersion() {
        ChangeEvent change = create("invoice", "1", image("total", text("not a number")));

        Verdict verdict = validate(STRICT, change);

        assertThat(verdict.accepted()).isEqualTo(stamped(change, 4));
        assertThat(verdict.rules()).isNull();
    }

    @Test
    void theEmptyRuleSetAcceptsEverythingWithVersionZero() {
        ChangeEvent change = create("customer", "7", image("id", text("x")));

        assertThat(validate(RuleSet.empty(), change).accepted()).isEqualTo(stamped(change, 0));
    }
}
