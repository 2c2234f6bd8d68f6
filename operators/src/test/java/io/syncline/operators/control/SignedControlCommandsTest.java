package io.syncline.operators.control;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import io.syncline.operators.audit.AuditOutputs;
import io.syncline.operators.errors.ErrorCodes;
import io.syncline.operators.errors.ErrorOutputs;
import io.syncline.schema.Alert;
import io.syncline.schema.AlertSeverity;
import io.syncline.schema.AlertStatus;
import io.syncline.schema.AuditKind;
import io.syncline.schema.AuditRecord;
import io.syncline.schema.ChangeEvent;
import io.syncline.schema.ControlCommand;
import io.syncline.schema.ControlCommandType;
import io.syncline.schema.ErasureRequest;
import io.syncline.schema.ErrorClass;
import io.syncline.schema.ErrorRecord;
import io.syncline.schema.FieldKind;
import io.syncline.schema.FieldValue;
import io.syncline.schema.Operation;
import io.syncline.schema.RuleSetDocument;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Queue;
import org.apache.flink.api.common.functions.util.ListCollector;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.OneInputStreamOperatorTestHarness;
import org.apache.flink.streaming.util.ProcessFunctionTestHarnesses;
import org.apache.flink.util.OutputTag;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.record.TimestampType;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Control records as the brokers hand them over (value bytes and headers) through the control
 * reader and the router: what is signed by a signer whose role may send it is carried out; every
 * other record is refused, reported and never carried out.
 */
class SignedControlCommandsTest {

    private static final String TOPIC = "syncline-control";
    private static final Instant ISSUED = Instant.parse("2024-05-01T09:00:00Z");
    private static final Instant NOW = Instant.parse("2024-05-01T09:00:05Z");
    private static final String EMAIL = "ada@example.com";

    private static final String FIX =
            "; publish commands with the syncline command line and a signing key of a role allowed"
                    + " to send them (--signing-key, see docs/security/control.md); if nobody you"
                    + " know sent it, someone else can write to the control topic: restrict its"
                    + " ACLs";

    private final KeyPair stewardKeys = ControlSignatures.generate();
    private final KeyPair operatorKeys = ControlSignatures.generate();
    private final KeyPair adminKeys = ControlSignatures.generate();
    private final ControlAuth auth =
            new ControlAuth(
                    List.of(
                            new ControlSigner(
                                    "alice", ControlRole.STEWARD, stewardKeys.getPublic()),
                            new ControlSigner(
                                    "ops-bot", ControlRole.OPERATOR, operatorKeys.getPublic()),
                            new ControlSigner("root", ControlRole.ADMIN, adminKeys.getPublic())),
                    true);

    private OneInputStreamOperatorTestHarness<ControlCommand, ControlCommand> router;
    private long offset;

    @BeforeEach
    void openRouter() throws Exception {
        router =
                ProcessFunctionTestHarnesses.forProcessFunction(
                        new ControlRouter(Clock.fixed(NOW, ZoneOffset.UTC)));
    }

    @AfterEach
    void closeRouter() throws Exception {
        router.close();
    }

    @Test
    void anUnsignedControlCommandIsRejected() throws Exception {
        ControlCommand replay = ControlCommands.replay(change(), "e-1", 1, ISSUED, "mallory");

        read(auth, record(ControlCommands.encode(replay)));

        assertThat(router.extractOutputValues()).isEmpty();
        assertThat(sideOutput(ControlRouter.REPLAYS)).isEmpty();
        String reason = "unsigned: the record carries no syncline-signature header";
        assertThat(sideOutput(ErrorOutputs.ERRORS))
                .singleElement()
                .satisfies(
                        error -> {
                            assertThat(error.getCode())
                                    .isEqualTo(ErrorCodes.CONTROL_COMMAND_UNAUTHORIZED);
                            assertThat(error.getStage()).isEqualTo(ControlRouter.STAGE);
                            assertThat(error.getErrorClass()).isEqualTo(ErrorClass.PERMANENT);
                            assertThat(error.getMessage())
                                    .isEqualTo(
                                            "control command replay-e-1-1 of type REPLAY was"
                                                    + " refused and not applied: "
                                                    + reason
                                                    + FIX);
                            // A summary, never the command: the change holds personal data.
                            assertThat(error.getPayload())
                                    .isEqualTo(
                                            "command replay-e-1-1 (REPLAY) issued"
                                                    + " 2024-05-01T09:00:00Z by 'mallory', signer"
                                                    + " -: refused: "
                                                    + reason);
                            assertThat(error.getChange()).isNull();
                            assertThat(error.getSourceId()).isEqualTo("control");
                            assertThat(error.getSourcePosition()).isEqualTo("replay-e-1-1");
                            assertThat(error.getTime()).isEqualTo(ISSUED);
                        });
        assertThat(sideOutput(ControlRouter.SECURITY_ALERTS))
                .singleElement()
                .satisfies(
                        alert -> {
                            assertThat(alert.getAlertId())
                                    .isEqualTo(
                                            "security/control/replay-e-1-1@"
                                                    + ISSUED.toEpochMilli());
                            assertThat(alert.getCondition())
                                    .isEqualTo("security/control/replay-e-1-1");
                            assertThat(alert.getKind()).isEqualTo("security");
                            assertThat(alert.getSeverity()).isEqualTo(AlertSeverity.CRITICAL);
                            assertThat(alert.getStatus()).isEqualTo(AlertStatus.FIRING);
                            assertThat(alert.getTenant()).isEqualTo("acme");
                            assertThat(alert.getEntityType()).isEqualTo("customer");
                            assertThat(alert.getSourceId()).isEqualTo("control");
                            assertThat(alert.getValue()).isEqualTo(1.0);
                            assertThat(alert.getFiredAt()).isEqualTo(NOW);
                            assertThat(alert.getTime()).isEqualTo(NOW);
                            assertThat(alert.getMessage())
                                    .startsWith(
                                            "control command refused: command replay-e-1-1"
                                                    + " (REPLAY) issued 2024-05-01T09:00:00Z by"
                                                    + " 'mallory', signer -: "
                                                    + reason
                                                    + "; it was not applied.")
                                    .doesNotContain(EMAIL);
                        });
        assertThat(sideOutput(AuditOutputs.AUDIT))
                .singleElement()
                .satisfies(
                        audit -> {
                            assertThat(audit.getKind()).isEqualTo(AuditKind.COMMAND_REJECTED);
                            assertThat(audit.getAuditId())
                                    .isEqualTo(
                                            "command-refused-replay-e-1-1@"
                                                    + ISSUED.toEpochMilli());
                            assertThat(audit.getActor()).isEqualTo("mallory (unsigned)");
                            assertThat(audit.getCommandId()).isEqualTo("replay-e-1-1");
                            assertThat(audit.getCommandType()).isEqualTo("REPLAY");
                            assertThat(audit.getTenant()).isEqualTo("acme");
                            assertThat(audit.getEntityType()).isEqualTo("customer");
                            assertThat(audit.getEntityId()).isEqualTo("7");
                            assertThat(audit.getTime()).isEqualTo(ISSUED);
                            assertThat(audit.getDetail())
                                    .isEqualTo("replay of error e-1; refused: " + reason);
                        });
    }

    @Test
    void aRuleSetSignedByAStewardIsPassedOnWithItsSigner() throws Exception {
        ControlCommand rules = ruleSet(2, "syncline rules publish by alice");
        byte[] value = ControlCommands.encode(rules);

        read(auth, signed(record(value), "alice", stewardKeys, value));

        assertThat(router.extractOutputValues())
                .containsExactly(ControlCommand.newBuilder(rules).setSigner("alice").build());
        assertThat(sideOutput(ErrorOutputs.ERRORS)).isEmpty();
        assertThat(sideOutput(ControlRouter.SECURITY_ALERTS)).isEmpty();
        assertThat(sideOutput(AuditOutputs.AUDIT))
                .singleElement()
                .satisfies(
                        audit -> {
                            assertThat(audit.getKind()).isEqualTo(AuditKind.COMMAND);
                            assertThat(audit.getAuditId())
                                    .isEqualTo("command-rules-v2@" + ISSUED.toEpochMilli());
                            assertThat(audit.getActor())
                                    .isEqualTo("syncline rules publish by alice (signer alice)");
                            assertThat(audit.getCommandType()).isEqualTo("RULE_SET");
                            assertThat(audit.getRuleSetVersion()).isEqualTo(2);
                            assertThat(audit.getDetail()).isEqualTo("rule set version 2");
                            assertThat(audit.getTenant()).isNull();
                        });
    }

    @Test
    void aRuleSetSignedByAnOperatorIsRefusedAsTheRoleMayNotSendIt() throws Exception {
        ControlCommand rules = ruleSet(2, "ops");
        byte[] value = ControlCommands.encode(rules);

        read(auth, signed(record(value), "ops-bot", operatorKeys, value));

        assertThat(router.extractOutputValues()).isEmpty();
        assertThat(sideOutput(ErrorOutputs.ERRORS))
                .extracting(ErrorRecord::getCode, ErrorRecord::getMessage)
                .containsExactly(
                        tuple(
                                ErrorCodes.CONTROL_COMMAND_UNAUTHORIZED,
                                "control command rules-v2 of type RULE_SET was refused and not"
                                        + " applied: role operator of signer 'ops-bot' may not"
                                        + " send RULE_SET commands; steward, admin may"
                                        + FIX));
        assertThat(sideOutput(ControlRouter.SECURITY_ALERTS)).hasSize(1);
        assertThat(sideOutput(AuditOutputs.AUDIT))
                .extracting(AuditRecord::getKind, AuditRecord::getActor)
                .containsExactly(tuple(AuditKind.COMMAND_REJECTED, "ops (signer ops-bot)"));
    }

    @Test
    void aSignedRecordWhoseValueWasChangedIsRefused() throws Exception {
        byte[] signedValue = ControlCommands.encode(ruleSet(2, "alice"));
        byte[] swapped =
                ControlCommands.encode(
                        ControlCommand.newBuilder(ruleSet(2, "alice"))
                                .setRuleSet(
                                        new RuleSetDocument(
                                                2, "version: 2\nentities: {}\n", Map.of()))
                                .build());

        read(auth, signed(record(swapped), "alice", stewardKeys, signedValue));

        assertThat(router.extractOutputValues()).isEmpty();
        assertThat(sideOutput(ErrorOutputs.ERRORS))
                .singleElement()
                .satisfies(
                        error ->
                                assertThat(error.getMessage())
                                        .contains(
                                                "refused and not applied: bad signature of signer"
                                                        + " 'alice': the record was changed after"
                                                        + " it was signed"));
        assertThat(sideOutput(ControlRouter.SECURITY_ALERTS)).hasSize(1);
    }

    @Test
    void theSignerAndRejectionARecordClaimsAreNotBelieved() throws Exception {
        ControlCommand claims =
                ControlCommand.newBuilder(ruleSet(2, "mallory"))
                        .setSigner("alice")
                        .setRejection(null)
                        .build();
        List<ControlCommand> unsigned = deserialize(auth, record(ControlCommands.encode(claims)));
        ControlCommand refusedClaim =
                ControlCommand.newBuilder(ruleSet(3, "alice")).setRejection("none").build();
        byte[] value = ControlCommands.encode(refusedClaim);
        List<ControlCommand> signed =
                deserialize(auth, signed(record(value), "alice", stewardKeys, value));

        assertThat(unsigned)
                .singleElement()
                .satisfies(
                        c -> {
                            assertThat(c.getSigner()).isNull();
                            assertThat(c.getRejection()).startsWith("unsigned");
                        });
        assertThat(signed)
                .singleElement()
                .satisfies(
                        c -> {
                            assertThat(c.getSigner()).isEqualTo("alice");
                            assertThat(c.getRejection()).isNull();
                        });
    }

    @Test
    void anUnsignedUnreadableRecordIsRefusedAndASignedOneIsAnInvalidCommand() throws Exception {
        byte[] junk = "{\"type\":\"ERASE\"}".getBytes(StandardCharsets.UTF_8);

        read(auth, record(junk));
        read(auth, signed(record(junk), "ops-bot", operatorKeys, junk));

        assertThat(sideOutput(ErrorOutputs.ERRORS))
                .extracting(ErrorRecord::getCode)
                .containsExactly(
                        ErrorCodes.CONTROL_COMMAND_UNAUTHORIZED,
                        ErrorCodes.CONTROL_COMMAND_INVALID);
        assertThat(sideOutput(ControlRouter.SECURITY_ALERTS)).hasSize(1);
        assertThat(sideOutput(AuditOutputs.AUDIT))
                .extracting(AuditRecord::getKind, AuditRecord::getDetail)
                .containsExactly(
                        tuple(
                                AuditKind.COMMAND_REJECTED,
                                "refused: unsigned: the record carries no syncline-signature"
                                        + " header"),
                        tuple(AuditKind.COMMAND, "not applied: CONTROL_COMMAND_INVALID"));
    }

    @Test
    void anErasureNeedsAnAdmin() throws Exception {
        ControlCommand erase =
                ControlCommand.newBuilder()
                        .setCommandId("erase-acme-1")
                        .setType(ControlCommandType.ERASE)
                        .setIssuedAt(ISSUED)
                        .setIssuedBy("syncline erase")
                        .setErasure(new ErasureRequest("acme", "ab12", List.of("acme/customer/7")))
                        .build();
        byte[] value = ControlCommands.encode(erase);

        read(auth, signed(record(value), "alice", stewardKeys, value));
        read(auth, signed(record(value), "root", adminKeys, value));

        assertThat(sideOutput(ErrorOutputs.ERRORS))
                .extracting(ErrorRecord::getMessage)
                .singleElement()
                .asString()
                .contains("role steward of signer 'alice' may not send ERASE commands; admin may");
        assertThat(sideOutput(ControlRouter.ERASURES))
                .extracting(ControlCommand::getSigner)
                .containsExactly("root");
        assertThat(sideOutput(AuditOutputs.AUDIT))
                .extracting(AuditRecord::getKind, AuditRecord::getTenant, AuditRecord::getDetail)
                .containsExactly(
                        tuple(
                                AuditKind.COMMAND_REJECTED,
                                "acme",
                                "erasure of a data subject (1 entity keys); refused: role"
                                        + " steward of signer 'alice' may not send ERASE"
                                        + " commands; admin may"),
                        tuple(
                                AuditKind.COMMAND,
                                "acme",
                                "erasure of a data subject (1 entity keys)"));
    }

    @Test
    void aRefusedRecordReadAgainGivesTheSameErrorAlertAndAuditIds() throws Exception {
        byte[] value = ControlCommands.encode(ruleSet(2, "mallory"));

        read(auth, record(value));
        read(auth, record(value));

        assertThat(sideOutput(ErrorOutputs.ERRORS))
                .extracting(ErrorRecord::getErrorId)
                .hasSize(2)
                .containsOnly(sideOutput(ErrorOutputs.ERRORS).get(0).getErrorId());
        assertThat(sideOutput(ControlRouter.SECURITY_ALERTS))
                .extracting(Alert::getAlertId)
                .containsOnly("security/control/rules-v2@" + ISSUED.toEpochMilli());
        assertThat(sideOutput(AuditOutputs.AUDIT))
                .extracting(AuditRecord::getAuditId)
                .containsOnly("command-refused-rules-v2@" + ISSUED.toEpochMilli());
    }

    @Test
    void withoutSignersCommandsAreCarriedOutAsBefore() throws Exception {
        ControlCommand replay = ControlCommands.replay(change(), "e-1", 1, ISSUED, "ada");

        read(ControlAuth.unauthenticated(), record(ControlCommands.encode(replay)));

        assertThat(sideOutput(ControlRouter.REPLAYS))
                .containsExactly(ChangeEvent.newBuilder(change()).setReplayOf("e-1").build());
        assertThat(sideOutput(ErrorOutputs.ERRORS)).isEmpty();
        assertThat(sideOutput(AuditOutputs.AUDIT))
                .extracting(AuditRecord::getKind, AuditRecord::getActor)
                .containsExactly(tuple(AuditKind.COMMAND, "ada (unsigned)"));
    }

    private void read(ControlAuth with, ConsumerRecord<byte[], byte[]> record) throws Exception {
        for (ControlCommand command : deserialize(with, record)) {
            router.processElement(command, 0);
        }
    }

    private static List<ControlCommand> deserialize(
            ControlAuth with, ConsumerRecord<byte[], byte[]> record) {
        List<ControlCommand> out = new ArrayList<>();
        new ControlCommandDeserializer(with).deserialize(record, new ListCollector<>(out));
        return out;
    }

    private <T> List<T> sideOutput(OutputTag<T> tag) {
        Queue<StreamRecord<T>> records = router.getSideOutput(tag);
        return records == null ? List.of() : records.stream().map(StreamRecord::getValue).toList();
    }

    private ConsumerRecord<byte[], byte[]> record(byte[] value) {
        return new ConsumerRecord<>(
                TOPIC,
                0,
                offset++,
                ISSUED.toEpochMilli(),
                TimestampType.CREATE_TIME,
                0,
                value.length,
                null,
                value,
                new RecordHeaders(),
                Optional.empty());
    }

    /** {@code record} with the headers of {@code signer}'s signature of {@code signedValue}. */
    private static ConsumerRecord<byte[], byte[]> signed(
            ConsumerRecord<byte[], byte[]> record,
            String signer,
            KeyPair keys,
            byte[] signedValue) {
        record.headers()
                .add(ControlSignatures.SIGNER_HEADER, signer.getBytes(StandardCharsets.UTF_8))
                .add(
                        ControlSignatures.SIGNATURE_HEADER,
                        ControlSignatures.sign(keys.getPrivate(), TOPIC, signedValue)
                                .getBytes(StandardCharsets.US_ASCII));
        return record;
    }

    private static ControlCommand ruleSet(int version, String issuedBy) {
        return ControlCommands.ruleSet(
                new RuleSetDocument(
                        version,
                        "version: " + version + "\nentities:\n  customer: {level: lenient}\n",
                        Map.of()),
                ISSUED,
                issuedBy);
    }

    private static ChangeEvent change() {
        return ChangeEvent.newBuilder()
                .setEventId("crm/acme/customer/7")
                .setTenant("acme")
                .setEntityType("customer")
                .setEntityId("7")
                .setOp(Operation.UPDATE)
                .setAfter(
                        Map.of(
                                "id", new FieldValue(FieldKind.LONG, 7L),
                                "email", new FieldValue(FieldKind.STRING, EMAIL)))
                .setSourceCommitTime(ISSUED)
                .setCaptureTime(ISSUED)
                .setSourceId("crm")
                .setSourcePosition("0/7")
                .setVersion(7L)
                .build();
    }
}
