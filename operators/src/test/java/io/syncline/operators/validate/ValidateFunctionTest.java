package io.syncline.operators.validate;

import static io.syncline.operators.validate.Changes.change;
import static io.syncline.operators.validate.Changes.create;
import static io.syncline.operators.validate.Changes.document;
import static io.syncline.operators.validate.Changes.image;
import static io.syncline.operators.validate.Changes.intValue;
import static io.syncline.operators.validate.Changes.text;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import io.syncline.operators.control.ControlCommands;
import io.syncline.operators.errors.ErrorOutputs;
import io.syncline.operators.key.TenantKeys;
import io.syncline.operators.observe.ObservationOutputs;
import io.syncline.schema.ChangeEvent;
import io.syncline.schema.ControlCommand;
import io.syncline.schema.ErrorRecord;
import io.syncline.schema.Observation;
import io.syncline.schema.ObservationOutcome;
import io.syncline.schema.ObservationStage;
import io.syncline.schema.Operation;
import io.syncline.schema.RuleSetDocument;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Queue;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.streaming.api.operators.co.CoBroadcastWithKeyedOperator;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedBroadcastOperatorTestHarness;
import org.apache.flink.streaming.util.ProcessFunctionTestHarnesses;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class ValidateFunctionTest {

    private static final Duration MAX_PARENT_WAIT = Duration.ofSeconds(60);
    private static final int MAX_WAITING_CHILDREN = 100;
    private static final Instant ISSUED = Instant.parse("2024-05-01T09:00:00Z");

    private KeyedBroadcastOperatorTestHarness<String, ChangeEvent, ControlCommand, ChangeEvent>
            harness;

    /** Customers with a credit limit of at most {@code maxCredit}; contracts refer to them. */
    private static RuleSetDocument rules(int version, int maxCredit) {
        return document(
                """
                version: %d
                entities:
                  customer:
                    schema:
                      type: json-schema
                      inline: '{"type": "object", "properties": {"id": {"type": "integer"}}}'
                    rules:
                      - {type: range, field: credit_limit, min: 0, max: %d}
                  contract:
                    references:
                      - {field: customer_id, entity: customer}
                """
                        .formatted(version, maxCredit));
    }

    private static ValidateFunction function() {
        return new ValidateFunction(rules(1, 1000), MAX_PARENT_WAIT, MAX_WAITING_CHILDREN);
    }

    private static ControlCommand publish(RuleSetDocument rules) {
        return ControlCommands.ruleSet(rules, ISSUED, "test");
    }

    private static ChangeEvent customer(String id, int credit) {
        return create(
                "customer",
                id,
                image("id", intValue(Integer.parseInt(id)), "credit_limit", intValue(credit)));
    }

    private static ChangeEvent contract(String tenant, String id, String customerId) {
        return change(
                tenant,
                "contract",
                id,
                Operation.CREATE,
                1,
                image("id", text(id), "customer_id", text(customerId)));
    }

    private static ChangeEvent contract(String id, String customerId) {
        return contract(Changes.TENANT, id, customerId);
    }

    private static ChangeEvent stamped(ChangeEvent change, int version) {
        return ChangeEvent.newBuilder(change).setRuleSetVersion(version).build();
    }

    private static List<Observation> observations(
            KeyedBroadcastOperatorTestHarness<String, ChangeEvent, ControlCommand, ChangeEvent>
                    harness) {
        Queue<StreamRecord<Observation>> records =
                harness.getSideOutput(ObservationOutputs.OBSERVATIONS);
        return records == null ? List.of() : records.stream().map(StreamRecord::getValue).toList();
    }

    private static List<ErrorRecord> errors(
            KeyedBroadcastOperatorTestHarness<String, ChangeEvent, ControlCommand, ChangeEvent>
                    harness) {
        Queue<StreamRecord<ErrorRecord>> records = harness.getSideOutput(ErrorOutputs.ERRORS);
        return records == null ? List.of() : records.stream().map(StreamRecord::getValue).toList();
    }

    private static KeyedBroadcastOperatorTestHarness<
                    String, ChangeEvent, ControlCommand, ChangeEvent>
            restored(OperatorSubtaskState snapshot) throws Exception {
        return restored(snapshot, function());
    }

    private static KeyedBroadcastOperatorTestHarness<
                    String, ChangeEvent, ControlCommand, ChangeEvent>
            restored(OperatorSubtaskState snapshot, ValidateFunction function) throws Exception {
        KeyedBroadcastOperatorTestHarness<String, ChangeEvent, ControlCommand, ChangeEvent>
                restored =
                        new KeyedBroadcastOperatorTestHarness<>(
                                new CoBroadcastWithKeyedOperator<>(
                                        function, List.of(ValidateFunction.RULE_SETS)),
                                new TenantKeys(),
                                Types.STRING,
                                1,
                                1,
                                0);
        // State restored through a Kryo fallback would not survive a change of its classes.
        restored.getExecutionConfig().disableGenericTypes();
        restored.initializeState(snapshot);
        restored.open();
        return restored;
    }

    @BeforeEach
    void openHarness() throws Exception {
        harness =
                ProcessFunctionTestHarnesses.forKeyedBroadcastProcessFunction(
                        function(), new TenantKeys(), Types.STRING, ValidateFunction.RULE_SETS);
        harness.setProcessingTime(1_000);
    }

    @AfterEach
    void closeHarness() throws Exception {
        harness.close();
    }

    @Test
    void aValidChangeGoesOnStampedWithTheRuleSetVersion() throws Exception {
        ChangeEvent change = customer("1", 500);

        harness.processElement(change, 0);

        assertThat(harness.extractOutputValues()).containsExactly(stamped(change, 1));
        assertThat(errors(harness)).isEmpty();
    }

    @Test
    void anInvalidChangeGoesToTheErrors() throws Exception {
        ChangeEvent change =
                create("customer", "1", image("id", text("x"), "credit_limit", intValue(-1)));

        harness.processElement(change, 0);

        assertThat(harness.extractOutputValues()).isEmpty();
        assertThat(errors(harness))
                .singleElement()
                .satisfies(
                        error -> {
                            assertThat(error.getCode())
                                    .isEqualTo(ValidationCodes.SCHEMA_TYPE_MISMATCH);
                            assertThat(error.getField()).isEqualTo("id");
                            assertThat(error.getRuleSetVersion()).isEqualTo(1);
                            assertThat(error.getStage()).isEqualTo(ValidationErrors.STAGE);
                            assertThat(error.getChange()).isEqualTo(change);
                            assertThat(error.getTime()).isEqualTo(Instant.ofEpochMilli(1_000));
                            assertThat(error.getMessage())
                                    .isEqualTo(
                                            "customer acme/customer/1 rejected by rule set v1: id"
                                                    + " = x: string found, integer expected;"
                                                    + " credit_limit = -1: must be between 0 and"
                                                    + " 1000; fix the data at the source, or the"
                                                    + " rule, then replay with 'syncline errors"
                                                    + " replay'");
                        });
    }

    @Test
    void aPublishedRuleSetOfAHigherVersionDecidesTheNextChange() throws Exception {
        harness.processElement(customer("1", 500), 0);
        harness.processBroadcastElement(publish(rules(2, 100)), 0);
        harness.processElement(customer("2", 500), 0);
        harness.processElement(customer("3", 50), 0);

        assertThat(harness.extractOutputValues())
                .containsExactly(stamped(customer("1", 500), 1), stamped(customer("3", 50), 2));
        assertThat(errors(harness))
                .extracting(
                        ErrorRecord::getKey, ErrorRecord::getCode, ErrorRecord::getRuleSetVersion)
                .containsExactly(tuple("acme/customer/2", ValidationCodes.RULE_RANGE, 2));
    }

    @Test
    void aBroadcastRuleSetThatDoesNotCompileLeavesTheRulesInForce() throws Exception {
        // As after restoring the state of an older Syncline whose parser accepted more.
        RuleSetDocument broken =
                RuleSetDocument.newBuilder(rules(2, 100))
                        .setRules("version: 2\nentities:\n  customer:\n    level: picky\n")
                        .build();
        harness.processBroadcastElement(publish(broken), 0);
        harness.processElement(customer("1", 500), 0);

        assertThat(harness.extractOutputValues()).containsExactly(stamped(customer("1", 500), 1));
        assertThat(errors(harness)).isEmpty();
    }

    @Test
    void aRuleSetOfALowerOrEqualVersionIsIgnored() throws Exception {
        harness.processBroadcastElement(publish(rules(1, 10)), 0);
        harness.processElement(customer("1", 500), 0);
        harness.processBroadcastElement(publish(rules(3, 1000)), 0);
        harness.processBroadcastElement(publish(rules(2, 10)), 0);
        harness.processElement(customer("2", 500), 0);

        assertThat(harness.extractOutputValues())
                .containsExactly(stamped(customer("1", 500), 1), stamped(customer("2", 500), 3));
        assertThat(errors(harness)).isEmpty();
    }

    @Test
    void aCommandWithoutARuleSetIsIgnored() throws Exception {
        harness.processBroadcastElement(
                ControlCommands.replay(customer("1", 5), "error-1", 1, ISSUED, "test"), 0);
        harness.processElement(customer("1", 500), 0);

        assertThat(harness.extractOutputValues()).containsExactly(stamped(customer("1", 500), 1));
    }

    @Test
    void aChildWaitsForItsParentAndIsReleasedWhenItArrives() throws Exception {
        harness.processElement(contract("c1", "1"), 0);

        assertThat(harness.extractOutputValues()).isEmpty();
        assertThat(harness.numProcessingTimeTimers()).isEqualTo(1);

        harness.processElement(customer("1", 500), 0);

        assertThat(harness.extractOutputValues())
                .containsExactly(stamped(customer("1", 500), 1), stamped(contract("c1", "1"), 1));
        assertThat(errors(harness)).isEmpty();
    }

    @Test
    void aParentOfAnotherTenantDoesNotCount() throws Exception {
        harness.processElement(customer("1", 500), 0);
        harness.processElement(contract("globex", "c1", "1"), 0);

        assertThat(harness.extractOutputValues()).containsExactly(stamped(customer("1", 500), 1));
        assertThat(harness.numProcessingTimeTimers()).isEqualTo(1);
    }

    @Test
    void aChildWhoseParentNeverArrivesIsRejectedWhenItsWaitExpires() throws Exception {
        harness.processElement(contract("c1", "1"), 0);

        harness.setProcessingTime(60_999);
        assertThat(errors(harness)).isEmpty();

        harness.setProcessingTime(61_000);

        assertThat(harness.extractOutputValues()).isEmpty();
        assertThat(harness.numProcessingTimeTimers()).isZero();
        assertThat(errors(harness))
                .singleElement()
                .satisfies(
                        error -> {
                            assertThat(error.getCode())
                                    .isEqualTo(ValidationCodes.RI_MISSING_PARENT);
                            assertThat(error.getMessage())
                                    .isEqualTo(
                                            "contract acme/contract/c1 rejected by rule set v1:"
                                                    + " customer_id = 1:"
                                                    + " refers to customer 1, which does not exist"
                                                    + " for the tenant, after waiting 60 s for it"
                                                    + " (validation.maxParentWait); fix the data"
                                                    + " at the source, or the rule, then replay"
                                                    + " with 'syncline errors replay'");
                            assertThat(error.getTime()).isEqualTo(Instant.ofEpochMilli(61_000));
                            assertThat(error.getChange())
                                    .isEqualTo(stamped(contract("c1", "1"), 1));
                        });

        harness.processElement(customer("1", 500), 0);

        assertThat(harness.extractOutputValues()).containsExactly(stamped(customer("1", 500), 1));
    }

    @Test
    void aSnapshotKeepsWaitingChildrenKnownParentsAndTheRuleSet() throws Exception {
        harness.processBroadcastElement(publish(rules(2, 1000)), 0);
        harness.processElement(customer("2", 500), 0);
        harness.processElement(contract("c1", "1"), 0);
        OperatorSubtaskState snapshot = harness.snapshot(0, 0);
        harness.close();

        harness = restored(snapshot);
        harness.setProcessingTime(2_000);
        harness.processElement(contract("c2", "2"), 0);
        harness.processElement(customer("1", 500), 0);

        assertThat(harness.extractOutputValues())
                .containsExactly(
                        stamped(contract("c2", "2"), 2),
                        stamped(customer("1", 500), 2),
                        stamped(contract("c1", "1"), 2));
        assertThat(errors(harness)).isEmpty();
    }

    @Test
    void aWaitExpiringFirstAfterARestoreIsJudgedByTheRestoredRuleSet() throws Exception {
        harness.processBroadcastElement(publish(rules(2, 1000)), 0);
        harness.processElement(contract("c1", "1"), 0);
        OperatorSubtaskState snapshot = harness.snapshot(0, 0);
        harness.close();

        harness = restored(snapshot);
        harness.setProcessingTime(61_000);

        assertThat(errors(harness))
                .extracting(ErrorRecord::getCode, ErrorRecord::getRuleSetVersion)
                .containsExactly(tuple(ValidationCodes.RI_MISSING_PARENT, 2));
    }

    @Test
    void aConfiguredRuleSetNewerThanTheRestoredOneStaysInForce() throws Exception {
        harness.processBroadcastElement(publish(rules(3, 1000)), 0);
        OperatorSubtaskState snapshot = harness.snapshot(0, 0);
        harness.close();

        harness =
                restored(
                        snapshot,
                        new ValidateFunction(rules(5, 10), MAX_PARENT_WAIT, MAX_WAITING_CHILDREN));
        harness.processBroadcastElement(publish(rules(4, 1000)), 0);
        harness.processElement(customer("1", 500), 0);

        assertThat(harness.getBroadcastState(ValidateFunction.RULE_SETS).get("current"))
                .isEqualTo(rules(3, 1000));
        assertThat(harness.extractOutputValues()).isEmpty();
        assertThat(errors(harness))
                .extracting(ErrorRecord::getCode, ErrorRecord::getRuleSetVersion)
                .containsExactly(tuple(ValidationCodes.RULE_RANGE, 5));
    }

    /**
     * Transformative customers: the schema requires id and name, a rule requires email, and credit
     * limits are checked; contracts refer to customers.
     */
    private static final RuleSetDocument OBSERVED_RULES =
            document(
                    """
                    version: 7
                    entities:
                      customer:
                        level: transformative
                        schema:
                          type: json-schema
                          inline: '{"type": "object", "properties": {"id": {"type": "integer"}, "name": {"type": "string"}, "email": {"type": "string"}}, "required": ["id", "name"]}'
                        rules:
                          - {type: required, field: email}
                          - {type: range, field: credit_limit, min: 0, max: 1000}
                      contract:
                        references:
                          - {field: customer_id, entity: customer}
                    """);

    private void observingHarness() throws Exception {
        harness.close();
        harness =
                ProcessFunctionTestHarnesses.forKeyedBroadcastProcessFunction(
                        new ValidateFunction(OBSERVED_RULES, MAX_PARENT_WAIT, MAX_WAITING_CHILDREN),
                        new TenantKeys(),
                        Types.STRING,
                        ValidateFunction.RULE_SETS);
        harness.setProcessingTime(1_000);
    }

    /** What validation observed of a change of {@link Changes}, at {@code observedMillis}. */
    private static Observation observed(
            String entityType,
            ObservationOutcome outcome,
            int fieldsRequired,
            int fieldsPresent,
            int rulesChecked,
            int rulesFailed,
            String errorCode,
            long observedMillis) {
        return Observation.newBuilder()
                .setTenant(Changes.TENANT)
                .setEntityType(entityType)
                .setStage(ObservationStage.VALIDATE)
                .setOutcome(outcome)
                .setSourceId("crm")
                .setFieldsRequired(fieldsRequired)
                .setFieldsPresent(fieldsPresent)
                .setRulesChecked(rulesChecked)
                .setRulesFailed(rulesFailed)
                .setErrorCode(errorCode)
                .setSourceCommitTime(Instant.parse("2024-05-01T10:00:00Z"))
                .setObservedTime(Instant.ofEpochMilli(observedMillis))
                .build();
    }

    @Test
    void acceptedCorrectedAndRejectedChangesAreObservedWithTheirFieldAndRuleCounts()
            throws Exception {
        observingHarness();
        ChangeEvent valid =
                create(
                        "customer",
                        "1",
                        image(
                                "id", intValue(1),
                                "name", text("Ada"),
                                "email", text("ada@example.com"),
                                "credit_limit", intValue(500)));
        ChangeEvent corrected =
                create(
                        "customer",
                        "2",
                        image(
                                "id",
                                intValue(2),
                                "name",
                                text("  Grace "),
                                "email",
                                text("g@x.io")));
        // Name blank, email missing, credit limit too high: two of three rules fail.
        ChangeEvent rejected =
                create(
                        "customer",
                        "3",
                        image(
                                "id",
                                intValue(3),
                                "name",
                                text(" "),
                                "credit_limit",
                                intValue(5000)));

        harness.processElement(valid, 0);
        harness.processElement(corrected, 0);
        harness.processElement(rejected, 0);

        assertThat(harness.extractOutputValues())
                .extracting(ChangeEvent::getEntityId)
                .containsExactly("1", "2");
        assertThat(errors(harness))
                .extracting(ErrorRecord::getKey, ErrorRecord::getCode)
                .containsExactly(tuple("acme/customer/3", ValidationCodes.RULE_REQUIRED));
        assertThat(observations(harness))
                .containsExactly(
                        observed("customer", ObservationOutcome.VALID, 3, 3, 2, 0, null, 1_000),
                        observed("customer", ObservationOutcome.CORRECTED, 3, 3, 2, 0, null, 1_000),
                        observed(
                                "customer",
                                ObservationOutcome.REJECTED,
                                3,
                                1,
                                2,
                                2,
                                ValidationCodes.RULE_REQUIRED,
                                1_000));
    }

    @Test
    void aChildIsObservedWhenItIsReleasedOrRejectedNotWhileItWaits() throws Exception {
        observingHarness();
        harness.processElement(contract("c1", "1"), 0);
        harness.processElement(contract("c2", "2"), 0);

        assertThat(observations(harness)).isEmpty();

        harness.setProcessingTime(2_000);
        harness.processElement(
                create(
                        "customer",
                        "1",
                        image("id", intValue(1), "name", text("Ada"), "email", text("a@x.io"))),
                0);
        harness.setProcessingTime(61_000);

        assertThat(observations(harness))
                .containsExactly(
                        observed("customer", ObservationOutcome.VALID, 3, 3, 2, 0, null, 2_000),
                        observed("contract", ObservationOutcome.VALID, 0, 0, 1, 0, null, 2_000),
                        observed(
                                "contract",
                                ObservationOutcome.REJECTED,
                                0,
                                0,
                                1,
                                1,
                                ValidationCodes.RI_MISSING_PARENT,
                                61_000));
    }

    @Test
    void aChangeOfAnEntityTypeWithoutRulesIsObservedAsValidWithNothingChecked() throws Exception {
        observingHarness();
        harness.processElement(create("note", "n1", image("text", text("hello"))), 0);

        assertThat(observations(harness))
                .containsExactly(
                        observed("note", ObservationOutcome.VALID, 0, 0, 0, 0, null, 1_000));
    }
}
