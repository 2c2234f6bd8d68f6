package io.syncline.operators.validate;

import static io.syncline.operators.validate.Changes.create;
import static io.syncline.operators.validate.Changes.document;
import static io.syncline.operators.validate.Changes.image;
import static io.syncline.operators.validate.Changes.text;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import io.syncline.operators.control.ControlCommands;
import io.syncline.operators.control.ControlRouter;
import io.syncline.operators.errors.ErrorCodes;
import io.syncline.operators.errors.ErrorOutputs;
import io.syncline.schema.ChangeEvent;
import io.syncline.schema.ConflictDecision;
import io.syncline.schema.ConflictPick;
import io.syncline.schema.ControlCommand;
import io.syncline.schema.ControlCommandType;
import io.syncline.schema.ErrorClass;
import io.syncline.schema.ErrorRecord;
import io.syncline.schema.FieldValue;
import io.syncline.schema.RuleSetDocument;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import org.apache.flink.formats.avro.typeutils.AvroTypeInfo;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.OneInputStreamOperatorTestHarness;
import org.apache.flink.streaming.util.ProcessFunctionTestHarnesses;
import org.apache.flink.util.OutputTag;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class ControlRouterTest {

    private static final Instant ISSUED = Instant.parse("2024-05-01T09:00:00Z");

    private static final String PUBLISH_HINT =
            "; publish commands with 'syncline rules publish', 'syncline errors replay',"
                    + " 'syncline conflicts resolve' or 'syncline resync'";

    private OneInputStreamOperatorTestHarness<ControlCommand, ControlCommand> harness;

    @BeforeEach
    void openHarness() throws Exception {
        harness = ProcessFunctionTestHarnesses.forProcessFunction(new ControlRouter());
    }

    @AfterEach
    void closeHarness() throws Exception {
        harness.close();
    }

    private <T> List<T> sideOutput(OutputTag<T> tag) {
        Queue<StreamRecord<T>> records = harness.getSideOutput(tag);
        return records == null ? List.of() : records.stream().map(StreamRecord::getValue).toList();
    }

    @Test
    void aRuleSetThatCompilesPassesOn() throws Exception {
        ControlCommand command =
                ControlCommands.ruleSet(
                        document("version: 2\nentities:\n  customer: {level: lenient}\n"),
                        ISSUED,
                        "ada");

        harness.processElement(command, 0);

        assertThat(harness.extractOutputValues()).containsExactly(command);
        assertThat(sideOutput(ErrorOutputs.ERRORS)).isEmpty();
        assertThat(sideOutput(ControlRouter.REPLAYS)).isEmpty();
    }

    @Test
    void aRuleSetThatDoesNotCompileBecomesAnError() throws Exception {
        String rules = "version: 2\nentities:\n  customer: {level: paranoid}\n";
        ControlCommand command = ControlCommands.ruleSet(document(rules), ISSUED, "ada");

        harness.processElement(command, 0);

        assertThat(harness.extractOutputValues()).isEmpty();
        assertThat(sideOutput(ErrorOutputs.ERRORS))
                .singleElement()
                .satisfies(
                        error -> {
                            assertThat(error.getCode()).isEqualTo(ValidationCodes.RULE_SET_INVALID);
                            assertThat(error.getStage()).isEqualTo(ControlRouter.STAGE);
                            assertThat(error.getErrorClass()).isEqualTo(ErrorClass.PERMANENT);
                            assertThat(error.getMessage())
                                    .isEqualTo(
                                            "rule set version 2 was rejected and the one in force"
                                                    + " stays: entities.customer.level: 'paranoid'"
                                                    + " is not a level; use strict, lenient or"
                                                    + " transformative; fix the rule file and"
                                                    + " publish it again");
                            assertThat(error.getPayload()).isEqualTo(rules);
                            assertThat(error.getSourceId()).isEqualTo("control");
                            assertThat(error.getSourcePosition()).isEqualTo("rules-v2");
                            assertThat(error.getTime()).isEqualTo(ISSUED);
                        });
    }

    @Test
    void aRuleSetPublishedUnderAnotherVersionThanItsFileSaysBecomesAnError() throws Exception {
        RuleSetDocument mislabelled =
                RuleSetDocument.newBuilder(document("version: 2\nentities: {}\n"))
                        .setVersion(5)
                        .build();

        harness.processElement(ControlCommands.ruleSet(mislabelled, ISSUED, "ada"), 0);

        assertThat(harness.extractOutputValues()).isEmpty();
        assertThat(sideOutput(ErrorOutputs.ERRORS))
                .extracting(ErrorRecord::getCode, ErrorRecord::getMessage)
                .containsExactly(
                        tuple(
                                ValidationCodes.RULE_SET_INVALID,
                                "rule set version 5 was rejected and the one in force stays:"
                                        + " version: the rule file says 2 but it was published as"
                                        + " version 5; publish it with 'syncline rules publish',"
                                        + " which takes the version from the file; fix the rule"
                                        + " file and publish it again"));
    }

    @Test
    void aReplayGoesToTheReplaysMarkedWithTheErrorItCameFrom() throws Exception {
        ChangeEvent change = create("customer", "7", image("id", text("7")));

        harness.processElement(ControlCommands.replay(change, "error-42", 1, ISSUED, "ada"), 0);

        assertThat(sideOutput(ControlRouter.REPLAYS))
                .containsExactly(ChangeEvent.newBuilder(change).setReplayOf("error-42").build());
        assertThat(harness.extractOutputValues()).isEmpty();
        assertThat(sideOutput(ErrorOutputs.ERRORS)).isEmpty();
    }

    @Test
    void aConflictDecisionGoesToTheDecisions() throws Exception {
        ConflictDecision decision = decision("c-1", ConflictPick.RIGHT, null);

        harness.processElement(ControlCommands.conflictDecision(decision, ISSUED, "ada"), 0);

        // Who issued the command decided, for the conflict's audit trail.
        assertThat(sideOutput(ControlRouter.DECISIONS))
                .containsExactly(ConflictDecision.newBuilder(decision).setDecidedBy("ada").build());
        assertThat(harness.extractOutputValues()).isEmpty();
        assertThat(sideOutput(ControlRouter.REPLAYS)).isEmpty();
        assertThat(sideOutput(ErrorOutputs.ERRORS)).isEmpty();
    }

    @Test
    void aMergedDecisionGoesToTheDecisionsWithItsImage() throws Exception {
        ConflictDecision decision =
                decision("c-2", ConflictPick.MERGED, image("email", text("ada@example.com")));

        harness.processElement(ControlCommands.conflictDecision(decision, ISSUED, "ada"), 0);

        assertThat(sideOutput(ControlRouter.DECISIONS))
                .singleElement()
                .satisfies(
                        d -> {
                            assertThat(d.getPick()).isEqualTo(ConflictPick.MERGED);
                            assertThat(d.getMerged())
                                    .containsExactlyEntriesOf(
                                            image("email", text("ada@example.com")));
                        });
        assertThat(sideOutput(ErrorOutputs.ERRORS)).isEmpty();
    }

    @Test
    void anIncompleteConflictDecisionBecomesAnErrorSayingWhatIsMissing() throws Exception {
        ControlCommand noDecision =
                ControlCommand.newBuilder()
                        .setCommandId("decision-c-3")
                        .setType(ControlCommandType.CONFLICT_DECISION)
                        .setIssuedAt(ISSUED)
                        .setIssuedBy("ada")
                        .build();
        ControlCommand mergedWithoutImage =
                ControlCommands.conflictDecision(
                        decision("c-4", ConflictPick.MERGED, null), ISSUED, "ada");

        harness.processElement(noDecision, 0);
        harness.processElement(mergedWithoutImage, 0);

        assertThat(sideOutput(ControlRouter.DECISIONS)).isEmpty();
        assertThat(sideOutput(ErrorOutputs.ERRORS))
                .extracting(ErrorRecord::getCode, ErrorRecord::getMessage)
                .containsExactly(
                        tuple(
                                ErrorCodes.CONTROL_COMMAND_INVALID,
                                "control command decision-c-3 of type CONFLICT_DECISION was"
                                        + " ignored: it carries no decision"
                                        + PUBLISH_HINT),
                        tuple(
                                ErrorCodes.CONTROL_COMMAND_INVALID,
                                "control command decision-c-4 of type CONFLICT_DECISION was"
                                        + " ignored: its decision of conflict c-4 picks MERGED but"
                                        + " carries no merged image"
                                        + PUBLISH_HINT));
    }

    @Test
    void decisionsHaveAStableIdAndAvroTypeInformation() {
        assertThat(ControlRouter.DECISIONS.getId()).isEqualTo("syncline-conflict-decisions");
        assertThat(ControlRouter.DECISIONS.getTypeInfo())
                .isEqualTo(new AvroTypeInfo<>(ConflictDecision.class));
    }

    @Test
    void anUnreadableCommandBecomesAnErrorWithItsReason() throws Exception {
        ControlCommand unreadable =
                ControlCommands.unreadable(
                        "syncline-control", 0, 5, ISSUED, "cannot read the control record");

        harness.processElement(unreadable, 0);

        assertThat(harness.extractOutputValues()).isEmpty();
        assertThat(sideOutput(ErrorOutputs.ERRORS))
                .singleElement()
                .satisfies(
                        error -> {
                            assertThat(error.getCode())
                                    .isEqualTo(ErrorCodes.CONTROL_COMMAND_INVALID);
                            assertThat(error.getMessage())
                                    .isEqualTo(
                                            "control command syncline-control-0-5 of type UNKNOWN"
                                                    + " was ignored: cannot read the control"
                                                    + " record; publish commands with 'syncline"
                                                    + " rules publish', 'syncline errors"
                                                    + " replay', 'syncline conflicts"
                                                    + " resolve' or 'syncline resync'");
                            assertThat(error.getSourcePosition()).isEqualTo("syncline-control-0-5");
                            assertThat(error.getPayload()).isEqualTo(unreadable.toString());
                        });
    }

    @Test
    void aCommandWithoutItsPayloadBecomesAnErrorSayingWhatIsMissing() throws Exception {
        ControlCommand noRuleSet =
                ControlCommand.newBuilder()
                        .setCommandId("rules-v9")
                        .setType(ControlCommandType.RULE_SET)
                        .setIssuedAt(ISSUED)
                        .setIssuedBy("ada")
                        .build();
        ControlCommand noChange =
                ControlCommand.newBuilder(noRuleSet)
                        .setCommandId("replay-e1-1")
                        .setType(ControlCommandType.REPLAY)
                        .build();

        harness.processElement(noRuleSet, 0);
        harness.processElement(noChange, 0);

        assertThat(sideOutput(ErrorOutputs.ERRORS))
                .extracting(ErrorRecord::getMessage)
                .containsExactly(
                        "control command rules-v9 of type RULE_SET was ignored: it carries no rule"
                                + " set"
                                + PUBLISH_HINT,
                        "control command replay-e1-1 of type REPLAY was ignored: it carries no"
                                + " change to replay"
                                + PUBLISH_HINT);
    }

    @Test
    void theErrorOfTheSameBadCommandHasTheSameId() throws Exception {
        ControlCommand command =
                ControlCommands.ruleSet(document("version: 2\nentitys: {}\n"), ISSUED, "ada");

        harness.processElement(command, 0);
        harness.processElement(command, 0);

        List<ErrorRecord> errors = sideOutput(ErrorOutputs.ERRORS);
        assertThat(errors).hasSize(2);
        assertThat(errors.get(1).getErrorId()).isEqualTo(errors.get(0).getErrorId());
    }

    private static ConflictDecision decision(
            String conflictId, ConflictPick pick, Map<String, FieldValue> merged) {
        return ConflictDecision.newBuilder()
                .setConflictId(conflictId)
                .setTenant("acme")
                .setEntityType("customer")
                .setEntityId("7")
                .setPick(pick)
                .setMerged(merged)
                .build();
    }
}
