package io.syncline.operators.control;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.syncline.operators.control.ControlCommands.UnreadableCommandException;
import io.syncline.schema.ChangeEvent;
import io.syncline.schema.ConflictDecision;
import io.syncline.schema.ConflictPick;
import io.syncline.schema.ControlCommand;
import io.syncline.schema.ControlCommandType;
import io.syncline.schema.ErrorRecord;
import io.syncline.schema.FieldKind;
import io.syncline.schema.FieldValue;
import io.syncline.schema.Operation;
import io.syncline.schema.ResyncRequest;
import io.syncline.schema.RuleSetDocument;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.message.BinaryMessageEncoder;
import org.apache.flink.api.common.functions.util.ListCollector;
import org.apache.flink.formats.avro.typeutils.AvroTypeInfo;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;

class ControlCommandsTest {

    private static final Instant ISSUED = Instant.parse("2024-05-01T10:00:00Z");

    private final ControlCommandDeserializer deserializer =
            new ControlCommandDeserializer(ControlAuth.unauthenticated());

    @Test
    void ruleSetCommandRoundTripsWithItsVersionAsId() {
        RuleSetDocument rules =
                new RuleSetDocument(3, "version: 3\nentities: {}\n", Map.of("customer.json", "{}"));

        ControlCommand command = ControlCommands.ruleSet(rules, ISSUED, "alice");

        assertThat(command.getCommandId()).isEqualTo("rules-v3");
        assertThat(command.getType()).isEqualTo(ControlCommandType.RULE_SET);
        assertThat(ControlCommands.decode(ControlCommands.encode(command))).isEqualTo(command);
    }

    @Test
    void replayCommandRoundTripsWithTheErrorAndAttemptInItsId() {
        ControlCommand command = ControlCommands.replay(change(), "e-1", 2, ISSUED, "bob");

        assertThat(command.getCommandId()).isEqualTo("replay-e-1-2");
        assertThat(command.getType()).isEqualTo(ControlCommandType.REPLAY);
        assertThat(command.getReplayedErrorId()).isEqualTo("e-1");
        ControlCommand decoded = ControlCommands.decode(ControlCommands.encode(command));
        assertThat(decoded).isEqualTo(command);
        assertThat(decoded.getReplay()).isEqualTo(change());
    }

    @Test
    void conflictDecisionCommandRoundTripsWithTheConflictInItsId() {
        ConflictDecision decision =
                ConflictDecision.newBuilder()
                        .setConflictId("c-9")
                        .setTenant("acme")
                        .setEntityType("customer")
                        .setEntityId("42")
                        .setPick(ConflictPick.MERGED)
                        .setMerged(Map.of("id", new FieldValue(FieldKind.LONG, 42L)))
                        .build();

        ControlCommand command = ControlCommands.conflictDecision(decision, ISSUED, "carol");

        assertThat(command.getCommandId()).isEqualTo("decision-c-9");
        assertThat(command.getType()).isEqualTo(ControlCommandType.CONFLICT_DECISION);
        assertThat(command.getIssuedAt()).isEqualTo(ISSUED);
        assertThat(command.getIssuedBy()).isEqualTo("carol");
        assertThat(command.getRuleSet()).isNull();
        assertThat(command.getReplay()).isNull();
        ControlCommand decoded = ControlCommands.decode(ControlCommands.encode(command));
        assertThat(decoded).isEqualTo(command);
        assertThat(decoded.getDecision()).isEqualTo(decision);
    }

    @Test
    void resyncCommandRoundTripsWithTheRequestInItsId() {
        ResyncRequest request =
                ResyncRequest.newBuilder()
                        .setTenant("acme")
                        .setEntityType("customer")
                        .setIds(List.of("7", "9"))
                        .build();

        ControlCommand command = ControlCommands.resync("r-1", request, ISSUED, "ops");

        assertThat(command.getCommandId()).isEqualTo("resync-r-1");
        assertThat(command.getType()).isEqualTo(ControlCommandType.RESYNC);
        assertThat(ControlCommands.decode(ControlCommands.encode(command))).isEqualTo(command);
    }

    @Test
    void commandPublishedWithThePreviousSchemaIsStillRead() throws Exception {
        Schema previous;
        try (InputStream in = ControlCommands.class.getResourceAsStream("ControlCommand-1.avsc")) {
            previous = new Schema.Parser().parse(in);
        }
        GenericRecord old = new GenericData.Record(previous);
        old.put("commandId", "rules-v4");
        old.put("type", new GenericData.EnumSymbol(previous.getField("type").schema(), "RULE_SET"));
        old.put("issuedAt", ISSUED.toEpochMilli());
        old.put("issuedBy", "alice");
        Schema ruleSetSchema = previous.getField("ruleSet").schema().getTypes().get(1);
        GenericRecord ruleSet = new GenericData.Record(ruleSetSchema);
        ruleSet.put("version", 4);
        ruleSet.put("rules", "version: 4\nentities: {}\n");
        ruleSet.put("files", Map.of());
        old.put("ruleSet", ruleSet);
        ByteBuffer bytes =
                new BinaryMessageEncoder<GenericRecord>(GenericData.get(), previous).encode(old);
        byte[] encoded = new byte[bytes.remaining()];
        bytes.get(encoded);

        ControlCommand read = ControlCommands.decode(encoded);

        assertThat(read.getCommandId()).isEqualTo("rules-v4");
        assertThat(read.getType()).isEqualTo(ControlCommandType.RULE_SET);
        assertThat(read.getRuleSet().getVersion()).isEqualTo(4);
        assertThat(read.getIssuedBy()).isEqualTo("alice");
        assertThat(read.getResync()).isNull();
    }

    @Test
    void deserializerEmitsTheCommandItReads() {
        ControlCommand command = ControlCommands.replay(change(), "e-1", 1, ISSUED, "bob");

        assertThat(deserialize(record(7, ControlCommands.encode(command))))
                .containsExactly(command);
    }

    @Test
    void bytesThatAreNotAvroBecomeAnUnknownCommandNamingTheRecord() {
        byte[] text = "{\"type\":\"RULE_SET\"}".getBytes(StandardCharsets.UTF_8);

        List<ControlCommand> commands = deserialize(record(41, text));

        assertThat(commands)
                .singleElement()
                .satisfies(
                        c -> {
                            assertThat(c.getType()).isEqualTo(ControlCommandType.UNKNOWN);
                            assertThat(c.getCommandId()).isEqualTo("syncline.control-0-41");
                            assertThat(c.getIssuedAt()).isEqualTo(ISSUED);
                            assertThat(c.getIssuedBy())
                                    .startsWith(
                                            "cannot read the control record at syncline.control-0"
                                                    + " offset 41: it is not a ControlCommand in"
                                                    + " Avro single-object encoding");
                            assertThat(c.getRuleSet()).isNull();
                            assertThat(c.getReplay()).isNull();
                        });
    }

    @Test
    void truncatedCommandBecomesAnUnknownCommand() {
        byte[] whole =
                ControlCommands.encode(ControlCommands.replay(change(), "e-1", 1, ISSUED, "b"));
        byte[] truncated = Arrays.copyOf(whole, whole.length - 5);

        assertThat(deserialize(record(1, truncated)))
                .singleElement()
                .satisfies(
                        c -> {
                            assertThat(c.getType()).isEqualTo(ControlCommandType.UNKNOWN);
                            assertThat(c.getIssuedBy()).contains("not a ControlCommand");
                        });
    }

    @Test
    void otherAvroRecordBecomesAnUnknownCommandSayingTheSchemaIsUnknown() throws Exception {
        // Right header, but the fingerprint of another schema (as a newer ControlCommand has).
        ByteBuffer error =
                ErrorRecord.getEncoder()
                        .encode(
                                ErrorRecord.newBuilder()
                                        .setErrorId("x")
                                        .setStage("s")
                                        .setErrorClass(io.syncline.schema.ErrorClass.PERMANENT)
                                        .setCode("C")
                                        .setMessage("m")
                                        .setPayload("p")
                                        .setTime(ISSUED)
                                        .build());
        byte[] bytes = new byte[error.remaining()];
        error.get(bytes);

        assertThat(deserialize(record(2, bytes)))
                .singleElement()
                .satisfies(
                        c -> {
                            assertThat(c.getType()).isEqualTo(ControlCommandType.UNKNOWN);
                            assertThat(c.getIssuedBy())
                                    .contains("schema this version does not know")
                                    .contains("upgrade the job");
                        });
    }

    @Test
    void recordWithoutValueBecomesAnUnknownCommand() {
        assertThat(deserialize(record(3, null)))
                .singleElement()
                .satisfies(
                        c -> {
                            assertThat(c.getCommandId()).isEqualTo("syncline.control-0-3");
                            assertThat(c.getIssuedBy()).endsWith("the record has no value");
                        });
    }

    @Test
    void decodeSaysWhyBytesAreUnreadable() {
        assertThatThrownBy(() -> ControlCommands.decode(new byte[] {1, 2, 3}))
                .isInstanceOf(UnreadableCommandException.class)
                .hasMessageContaining("not a ControlCommand");
    }

    @Test
    void producesAvroTypeInformationSoFlinkNeverFallsBackToKryo() {
        assertThat(deserializer.getProducedType())
                .isEqualTo(new AvroTypeInfo<>(ControlCommand.class));
    }

    private List<ControlCommand> deserialize(ConsumerRecord<byte[], byte[]> record) {
        List<ControlCommand> out = new ArrayList<>();
        deserializer.deserialize(record, new ListCollector<>(out));
        return out;
    }

    private static ConsumerRecord<byte[], byte[]> record(long offset, byte[] value) {
        return new ConsumerRecord<>(
                "syncline.control",
                0,
                offset,
                ISSUED.toEpochMilli(),
                org.apache.kafka.common.record.TimestampType.CREATE_TIME,
                0,
                value == null ? 0 : value.length,
                null,
                value,
                new org.apache.kafka.common.header.internals.RecordHeaders(),
                java.util.Optional.empty());
    }

    private static ChangeEvent change() {
        return ChangeEvent.newBuilder()
                .setEventId("crm/0/1/acme/customer/42")
                .setTenant("acme")
                .setEntityType("customer")
                .setEntityId("42")
                .setOp(Operation.CREATE)
                .setAfter(Map.of("id", new FieldValue(FieldKind.LONG, 42L)))
                .setSourceCommitTime(ISSUED)
                .setCaptureTime(ISSUED)
                .setSourceId("crm")
                .setSourcePosition("0/1")
                .setVersion(1L)
                .build();
    }
}
