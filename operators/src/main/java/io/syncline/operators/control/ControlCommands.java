package io.syncline.operators.control;

import io.syncline.schema.ChangeEvent;
import io.syncline.schema.ConflictDecision;
import io.syncline.schema.ControlCommand;
import io.syncline.schema.ControlCommandType;
import io.syncline.schema.ErasureRequest;
import io.syncline.schema.KeyRotation;
import io.syncline.schema.ResyncRequest;
import io.syncline.schema.RuleSetDocument;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.List;
import org.apache.avro.Schema;
import org.apache.avro.message.BinaryMessageDecoder;
import org.apache.avro.message.MissingSchemaException;
import org.apache.avro.specific.SpecificData;

/**
 * Builds {@link ControlCommand}s and reads and writes them in Avro's single-object encoding, the
 * format of the control topic. Command ids are deterministic, so that the job can recognise a
 * command it has applied already.
 */
public final class ControlCommands {

    /**
     * Earlier versions of the {@link ControlCommand} schema, as released: commands published by an
     * earlier version of syncline stay readable (a new start reads the topic from its beginning).
     */
    private static final List<String> PREVIOUS_SCHEMAS =
            List.of("ControlCommand-1.avsc", "ControlCommand-2.avsc");

    private static final BinaryMessageDecoder<ControlCommand> DECODER = decoder();

    private ControlCommands() {}

    /** The id of re-sync request {@code requestId}'s command: {@code resync-<requestId>}. */
    public static String resyncCommandId(String requestId) {
        return "resync-" + requestId;
    }

    /** A command that re-reads the rows {@code request} names from their source. */
    public static ControlCommand resync(
            String requestId, ResyncRequest request, Instant issuedAt, String issuedBy) {
        return ControlCommand.newBuilder()
                .setCommandId(resyncCommandId(requestId))
                .setType(ControlCommandType.RESYNC)
                .setIssuedAt(issuedAt)
                .setIssuedBy(issuedBy)
                .setResync(request)
                .build();
    }

    /**
     * The id of the command erasing subject {@code subjectHash} of {@code tenant}: {@code
     * erase-<tenant>-<first 16 hex digits of the hash>}.
     */
    public static String erasureCommandId(String tenant, String subjectHash) {
        return "erase-"
                + tenant
                + "-"
                + subjectHash.substring(0, Math.min(16, subjectHash.length()));
    }

    /** A command that makes the job forget an erased subject and drop its later changes. */
    public static ControlCommand erasure(
            ErasureRequest erasure, Instant issuedAt, String issuedBy) {
        return ControlCommand.newBuilder()
                .setCommandId(erasureCommandId(erasure.getTenant(), erasure.getSubjectHash()))
                .setType(ControlCommandType.ERASE)
                .setIssuedAt(issuedAt)
                .setIssuedBy(issuedBy)
                .setErasure(erasure)
                .build();
    }

    /** The id of the command that publishes rule set {@code version}: {@code rules-v<version>}. */
    public static String ruleSetCommandId(int version) {
        return "rules-v" + version;
    }

    /**
     * The id of the {@code attempt}-th replay of an error (counting from 1): {@code
     * replay-<errorId>-<attempt>}.
     */
    public static String replayCommandId(String errorId, int attempt) {
        return "replay-" + errorId + "-" + attempt;
    }

    /**
     * The id of the command that decides conflict {@code conflictId}: {@code
     * decision-<conflictId>}. A conflict is decided once, so a second decision of it (published
     * before the job applied the first) carries the same id.
     */
    public static String decisionCommandId(String conflictId) {
        return "decision-" + conflictId;
    }

    /** A command that puts {@code ruleSet} in force. */
    public static ControlCommand ruleSet(
            RuleSetDocument ruleSet, Instant issuedAt, String issuedBy) {
        return ControlCommand.newBuilder()
                .setCommandId(ruleSetCommandId(ruleSet.getVersion()))
                .setType(ControlCommandType.RULE_SET)
                .setIssuedAt(issuedAt)
                .setIssuedBy(issuedBy)
                .setRuleSet(ruleSet)
                .build();
    }

    /** A command that sends {@code change}, rejected as error {@code errorId}, through again. */
    public static ControlCommand replay(
            ChangeEvent change, String errorId, int attempt, Instant issuedAt, String issuedBy) {
        return ControlCommand.newBuilder()
                .setCommandId(replayCommandId(errorId, attempt))
                .setType(ControlCommandType.REPLAY)
                .setIssuedAt(issuedAt)
                .setIssuedBy(issuedBy)
                .setReplay(change)
                .setReplayedErrorId(errorId)
                .build();
    }

    /** A command that applies a person's {@code decision} to a parked conflict. */
    public static ControlCommand conflictDecision(
            ConflictDecision decision, Instant issuedAt, String issuedBy) {
        return ControlCommand.newBuilder()
                .setCommandId(decisionCommandId(decision.getConflictId()))
                .setType(ControlCommandType.CONFLICT_DECISION)
                .setIssuedAt(issuedAt)
                .setIssuedBy(issuedBy)
                .setDecision(decision)
                .build();
    }

    /**
     * The id of the command that announces version {@code version} of data key {@code keyId}:
     * {@code key-rotation-<keyId>-v<version>}.
     */
    public static String keyRotationCommandId(String keyId, int version) {
        return "key-rotation-" + keyId + "-v" + version;
    }

    /** A command that tells the job to encrypt with the new version {@code rotation} names. */
    public static ControlCommand keyRotation(
            KeyRotation rotation, Instant issuedAt, String issuedBy) {
        return ControlCommand.newBuilder()
                .setCommandId(keyRotationCommandId(rotation.getKeyId(), rotation.getVersion()))
                .setType(ControlCommandType.KEY_ROTATION)
                .setIssuedAt(issuedAt)
                .setIssuedBy(issuedBy)
                .setKeyRotation(rotation)
                .build();
    }

    /**
     * Stands in for a control record that could not be read: type {@code UNKNOWN}, id {@code
     * <topic>-<partition>-<offset>}, and the reason in {@code issuedBy}, so the job can turn it
     * into an error instead of failing.
     */
    public static ControlCommand unreadable(
            String topic, int partition, long offset, Instant timestamp, String reason) {
        return ControlCommand.newBuilder()
                .setCommandId(topic + "-" + partition + "-" + offset)
                .setType(ControlCommandType.UNKNOWN)
                .setIssuedAt(timestamp)
                .setIssuedBy(reason)
                .build();
    }

    /** {@code command} in Avro single-object encoding. */
    public static byte[] encode(ControlCommand command) {
        try {
            ByteBuffer buffer = ControlCommand.getEncoder().encode(command);
            byte[] bytes = new byte[buffer.remaining()];
            buffer.get(bytes);
            return bytes;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * The command in {@code bytes}.
     *
     * @throws UnreadableCommandException saying why the bytes are not a command this version reads
     */
    public static ControlCommand decode(byte[] bytes) {
        if (bytes == null || bytes.length == 0) {
            throw new UnreadableCommandException("the record has no value");
        }
        try {
            return DECODER.decode(bytes);
        } catch (MissingSchemaException e) {
            throw new UnreadableCommandException(
                    "it was written with a ControlCommand schema this version does not know ("
                            + e.getMessage()
                            + "); publish it with this version of syncline, or upgrade the job",
                    e);
        } catch (IOException | RuntimeException e) {
            // Bytes from outside can break the decoder in many ways (bad header, truncated body,
            // negative lengths, union or enum indexes out of range): all mean the same here.
            throw new UnreadableCommandException(
                    "it is not a ControlCommand in Avro single-object encoding (" + e + ")", e);
        }
    }

    /** Bytes on the control topic that are not a {@link ControlCommand} this version can read. */
    public static final class UnreadableCommandException extends RuntimeException {

        private static final long serialVersionUID = 1L;

        UnreadableCommandException(String reason) {
            super(reason);
        }

        UnreadableCommandException(String reason, Throwable cause) {
            super(reason, cause);
        }
    }

    private static BinaryMessageDecoder<ControlCommand> decoder() {
        SpecificData model = new SpecificData(ControlCommand.class.getClassLoader());
        BinaryMessageDecoder<ControlCommand> decoder =
                new BinaryMessageDecoder<>(model, ControlCommand.getClassSchema());
        for (String resource : PREVIOUS_SCHEMAS) {
            try (InputStream in = ControlCommands.class.getResourceAsStream(resource)) {
                if (in == null) {
                    throw new IllegalStateException("schema resource " + resource + " is missing");
                }
                decoder.addSchema(new Schema.Parser().parse(in));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return decoder;
    }
}
