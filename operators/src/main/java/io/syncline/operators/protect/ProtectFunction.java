package io.syncline.operators.protect;

import io.syncline.operators.audit.AuditOutputs;
import io.syncline.schema.AuditKind;
import io.syncline.schema.AuditRecord;
import io.syncline.schema.ChangeEvent;
import io.syncline.schema.ControlCommand;
import io.syncline.schema.ControlCommandType;
import io.syncline.schema.ErasureRequest;
import java.util.Objects;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.functions.co.BroadcastProcessFunction;
import org.apache.flink.util.Collector;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The protect stage, between resolve and the sinks: encrypts the fields marked {@code encrypt}
 * under the tenant's (or subject's) data key, and drops every change of an erased subject, so
 * neither a replay nor a backfill nor a late change brings them back. Erasures and key rotations
 * arrive from the control topic as broadcast state; the erased subjects are kept in it by keyed
 * hash only.
 */
public final class ProtectFunction
        extends BroadcastProcessFunction<ChangeEvent, ControlCommand, ChangeEvent> {

    /** Erased subjects, {@code <tenant>/<subject hash>} to the erasing command's id. */
    public static final MapStateDescriptor<String, String> ERASED =
            new MapStateDescriptor<>("syncline-erased-subjects", Types.STRING, Types.STRING);

    private static final long serialVersionUID = 1L;
    private static final Logger LOG = LoggerFactory.getLogger(ProtectFunction.class);

    private final Classification classification;
    private final DataKeysFactory keysFactory;

    private transient DataKeys keys;
    private transient FieldEncryption encryption;
    private transient Subjects subjects;
    private transient Counter encrypted;
    private transient Counter erasedDropped;

    /**
     * @param keysFactory opens the data keys on each subtask; {@code null} when no key service is
     *     configured (then nothing is encrypted and no subject can be erased)
     */
    public ProtectFunction(Classification classification, DataKeysFactory keysFactory) {
        this.classification = Objects.requireNonNull(classification, "classification");
        this.keysFactory = keysFactory;
    }

    @Override
    public void open(OpenContext openContext) {
        keys = keysFactory == null ? null : keysFactory.open();
        encryption = new FieldEncryption(classification, new FieldCipher());
        subjects = new Subjects(classification);
        encrypted = getRuntimeContext().getMetricGroup().counter("changesEncrypted");
        erasedDropped = getRuntimeContext().getMetricGroup().counter("erasedChangesDropped");
    }

    @Override
    public void close() {
        if (keys != null) {
            keys.close();
        }
    }

    @Override
    public void processElement(ChangeEvent change, ReadOnlyContext ctx, Collector<ChangeEvent> out)
            throws Exception {
        if (keys == null) {
            out.collect(change);
            return;
        }
        String subject = subjects.subjectOf(change);
        String subjectHash = subject == null ? null : keys.subjectHash(change.getTenant(), subject);
        if (subjectHash != null) {
            String erasedBy =
                    ctx.getBroadcastState(ERASED)
                            .get(Subjects.erasedKey(change.getTenant(), subjectHash));
            if (erasedBy != null) {
                drop(change, "its subject was erased by " + erasedBy, ctx);
                return;
            }
        }
        ChangeEvent protectedChange;
        try {
            protectedChange = encryption.encrypt(change, subjectHash, keys);
        } catch (SubjectErasedException e) {
            drop(change, "its subject's key was destroyed (erased)", ctx);
            return;
        }
        if (protectedChange != change) {
            encrypted.inc();
        }
        out.collect(protectedChange);
    }

    private void drop(ChangeEvent change, String why, ReadOnlyContext ctx) {
        erasedDropped.inc();
        LOG.info(
                "change {} of {}/{} dropped: {}",
                change.getEventId(),
                change.getTenant(),
                change.getEntityType(),
                why);
        ctx.output(
                AuditOutputs.AUDIT,
                AuditRecord.newBuilder()
                        .setAuditId("erased-drop-" + change.getEventId())
                        .setKind(AuditKind.ERASED_CHANGE_DROPPED)
                        .setTime(change.getCaptureTime())
                        .setTenant(change.getTenant())
                        .setEntityType(change.getEntityType())
                        .setEntityId(change.getEntityId())
                        .setEventId(change.getEventId())
                        .setOp(change.getOp().name())
                        .setSourceId(change.getSourceId())
                        .setSourcePosition(change.getSourcePosition())
                        .setTransactionId(change.getTransactionId())
                        .setSourceCommitTime(change.getSourceCommitTime())
                        .setDetail("dropped: " + why)
                        .build());
    }

    @Override
    public void processBroadcastElement(
            ControlCommand command, Context ctx, Collector<ChangeEvent> out) throws Exception {
        if (command.getType() == ControlCommandType.ERASE && command.getErasure() != null) {
            ErasureRequest erasure = command.getErasure();
            ctx.getBroadcastState(ERASED)
                    .put(
                            Subjects.erasedKey(erasure.getTenant(), erasure.getSubjectHash()),
                            command.getCommandId());
            if (keys != null) {
                keys.refresh(); // drops the subject's cached key: it was destroyed
            }
            if (isFirstSubtask()) {
                LOG.info(
                        "subject of tenant {} erased ({}): its changes are dropped from now on",
                        erasure.getTenant(),
                        command.getCommandId());
                ctx.output(
                        AuditOutputs.AUDIT,
                        AuditRecord.newBuilder()
                                .setAuditId("erasure-" + command.getCommandId())
                                .setKind(AuditKind.ERASURE)
                                .setTime(command.getIssuedAt())
                                .setTenant(erasure.getTenant())
                                .setActor(actorOf(command))
                                .setCommandId(command.getCommandId())
                                .setCommandType(command.getType().name())
                                .setDetail(
                                        "subject "
                                                + erasure.getSubjectHash()
                                                + " erased; "
                                                + erasure.getEntityKeys().size()
                                                + " entities deleted from the targets; later"
                                                + " changes of the subject are dropped")
                                .build());
            }
        } else if (command.getType() == ControlCommandType.KEY_ROTATION && keys != null) {
            keys.refresh();
            LOG.info(
                    "data key {} of tenant {} is at version {}: new values use it",
                    command.getKeyRotation().getKeyId(),
                    command.getKeyRotation().getTenant(),
                    command.getKeyRotation().getVersion());
        }
    }

    private boolean isFirstSubtask() {
        return getRuntimeContext().getTaskInfo().getIndexOfThisSubtask() == 0;
    }

    private static String actorOf(ControlCommand command) {
        if (command.getSigner() == null) {
            return command.getIssuedBy();
        }
        return command.getIssuedBy() + " (signed by " + command.getSigner() + ")";
    }
}
