package io.syncline.operators.observe;

import static io.syncline.operators.validate.Changes.create;
import static io.syncline.operators.validate.Changes.delete;
import static io.syncline.operators.validate.Changes.image;
import static io.syncline.operators.validate.Changes.intValue;
import static io.syncline.operators.validate.Changes.nullOf;
import static io.syncline.operators.validate.Changes.ruleSet;
import static io.syncline.operators.validate.Changes.text;
import static org.assertj.core.api.Assertions.assertThat;

import io.syncline.operators.validate.EntityRules;
import io.syncline.operators.validate.RuleSet;
import io.syncline.schema.ChangeEvent;
import io.syncline.schema.ErrorClass;
import io.syncline.schema.ErrorRecord;
import io.syncline.schema.FieldKind;
import io.syncline.schema.Observation;
import io.syncline.schema.ObservationOutcome;
import io.syncline.schema.ObservationStage;
import java.time.Instant;
import java.util.Set;
import org.junit.jupiter.api.Test;

class ObservationsTest {

    /** When {@link io.syncline.operators.validate.Changes} commits its changes. */
    private static final Instant COMMITTED = Instant.parse("2024-05-01T10:00:00Z");

    private static final long NOW = Instant.parse("2024-05-01T10:00:02.500Z").toEpochMilli();
    private static final Instant FAILED_AT = Instant.parse("2024-05-01T10:00:03Z");

    /**
     * Customers: the schema requires id and name, required rules name and email (name twice), and a
     * range rule and a reference are checked too.
     */
    private static final RuleSet RULES =
            ruleSet(
                    """
                    version: 3
                    entities:
                      customer:
                        schema:
                          type: json-schema
                          inline: '{"type": "object", "properties": {"id": {"type": "integer"}, "name": {"type": "string"}, "email": {"type": "string"}}, "required": ["id", "name"]}'
                        rules:
                          - {type: required, field: name}
                          - {type: required, field: email}
                          - {type: range, field: credit_limit, min: 0, max: 1000}
                        references:
                          - {field: account_id, entity: account}
                      account:
                        rules:
                          - {type: range, field: balance, min: 0}
                    """);

    private static EntityRules rulesOf(String entityType) {
        return RULES.entity(entityType).orElseThrow();
    }

    private static Observation.Builder expected(
            String entityType, ObservationStage stage, ObservationOutcome outcome) {
        return Observation.newBuilder()
                .setTenant("acme")
                .setEntityType(entityType)
                .setStage(stage)
                .setOutcome(outcome)
                .setSourceId("crm")
                .setSourceCommitTime(COMMITTED)
                .setObservedTime(Instant.ofEpochMilli(NOW));
    }

    @Test
    void requiredFieldsAreTheSchemasAndThoseOfRequiredRulesEachOnce() {
        Observations.RequiredFields required = new Observations.RequiredFields();

        assertThat(required.of(rulesOf("customer")))
                .containsExactlyInAnyOrder("id", "name", "email");
        assertThat(required.of(rulesOf("account"))).isEmpty();
        assertThat(required.of(null)).isEmpty();
    }

    @Test
    void requiredFieldsAreComputedOncePerCompiledRules() {
        Observations.RequiredFields required = new Observations.RequiredFields();

        assertThat(required.of(rulesOf("customer"))).isSameAs(required.of(rulesOf("customer")));
    }

    @Test
    void rulesCheckedCountsRulesAndReferences() {
        assertThat(Observations.RequiredFields.rulesChecked(rulesOf("customer"))).isEqualTo(4);
        assertThat(Observations.RequiredFields.rulesChecked(rulesOf("account"))).isEqualTo(1);
        assertThat(Observations.RequiredFields.rulesChecked(null)).isZero();
    }

    @Test
    void aValidatedChangeCountsTheRequiredFieldsItPopulates() {
        ChangeEvent change =
                create(
                        "customer",
                        "7",
                        image("id", intValue(7), "name", text("Ada"), "email", text("a@b.io")));

        Observation observation =
                Observations.validated(
                        change,
                        ObservationOutcome.VALID,
                        Set.of("id", "name", "email"),
                        4,
                        0,
                        null,
                        NOW);

        assertThat(observation)
                .isEqualTo(
                        expected("customer", ObservationStage.VALIDATE, ObservationOutcome.VALID)
                                .setFieldsRequired(3)
                                .setFieldsPresent(3)
                                .setRulesChecked(4)
                                .setRulesFailed(0)
                                .setErrorCode(null)
                                .build());
    }

    @Test
    void missingNullAndBlankRequiredFieldsAreNotPresent() {
        ChangeEvent change =
                create(
                        "customer",
                        "7",
                        image(
                                "id", intValue(7),
                                "name", text("  "),
                                "email", nullOf(FieldKind.STRING),
                                "phone", text("+14155550100")));

        Observation observation =
                Observations.validated(
                        change,
                        ObservationOutcome.REJECTED,
                        Set.of("id", "name", "email", "credit_limit"),
                        4,
                        2,
                        "RULE_REQUIRED",
                        NOW);

        assertThat(observation)
                .isEqualTo(
                        expected("customer", ObservationStage.VALIDATE, ObservationOutcome.REJECTED)
                                .setFieldsRequired(4)
                                .setFieldsPresent(1)
                                .setRulesChecked(4)
                                .setRulesFailed(2)
                                .setErrorCode("RULE_REQUIRED")
                                .build());
    }

    @Test
    void aDeleteHasNoImageToCountFieldsIn() {
        Observation observation =
                Observations.validated(
                        delete("customer", "7", 2),
                        ObservationOutcome.VALID,
                        Set.of("id", "name", "email"),
                        4,
                        0,
                        null,
                        NOW);

        assertThat(observation.getFieldsRequired()).isZero();
        assertThat(observation.getFieldsPresent()).isZero();
        assertThat(observation.getRulesChecked()).isEqualTo(4);
    }

    @Test
    void anObservationOfAnotherStageCarriesNoCounts() {
        ChangeEvent change = create("customer", "7", image("id", intValue(7)));

        assertThat(
                        Observations.of(
                                change,
                                ObservationStage.DELIVER,
                                ObservationOutcome.DELIVERED,
                                NOW))
                .isEqualTo(
                        expected("customer", ObservationStage.DELIVER, ObservationOutcome.DELIVERED)
                                .build());
    }

    @Test
    void aFailedChangeIsObservedAtItsCommitTime() {
        ChangeEvent change = create("customer", "7", image("id", intValue(7)));
        ErrorRecord error =
                error("resolve", "CONFLICT_BACKLOG_FULL")
                        .setTenant("acme")
                        .setEntityType("customer")
                        .setSourceId("crm")
                        .setChange(change)
                        .build();

        assertThat(Observations.failed(error))
                .isEqualTo(
                        expected("customer", ObservationStage.ERROR, ObservationOutcome.FAILED)
                                .setErrorCode("CONFLICT_BACKLOG_FULL")
                                .setObservedTime(FAILED_AT)
                                .build());
    }

    @Test
    void anInputThatNeverBecameAChangeIsObservedWhenItFailedUnderUnknownTenantAndType() {
        ErrorRecord error = error("decode", "TENANT_MISSING").setSourceId("crm").build();

        assertThat(Observations.failed(error))
                .isEqualTo(
                        Observation.newBuilder()
                                .setTenant(Observations.UNKNOWN)
                                .setEntityType(Observations.UNKNOWN)
                                .setStage(ObservationStage.ERROR)
                                .setOutcome(ObservationOutcome.FAILED)
                                .setSourceId("crm")
                                .setErrorCode("TENANT_MISSING")
                                .setSourceCommitTime(FAILED_AT)
                                .setObservedTime(FAILED_AT)
                                .build());
    }

    @Test
    void aHeartbeatNamesItsSourceAsEntityTypeUnderTheHeartbeatTenant() {
        Instant beat = Instant.parse("2024-05-01T09:59:59Z");

        assertThat(Observations.heartbeat("crm", beat, 41L, NOW))
                .isEqualTo(
                        Observation.newBuilder()
                                .setTenant("-")
                                .setEntityType("crm")
                                .setStage(ObservationStage.HEARTBEAT)
                                .setOutcome(ObservationOutcome.HEARTBEAT)
                                .setSourceId("crm")
                                .setSourceCommitTime(beat)
                                .setObservedTime(Instant.ofEpochMilli(NOW))
                                .setHeartbeatSequence(41L)
                                .build());
    }

    private static ErrorRecord.Builder error(String stage, String code) {
        return ErrorRecord.newBuilder()
                .setErrorId(stage + "-" + code)
                .setStage(stage)
                .setErrorClass(ErrorClass.PERMANENT)
                .setCode(code)
                .setMessage(code)
                .setPayload("{}")
                .setTime(FAILED_AT);
    }
}
