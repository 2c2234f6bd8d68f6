package io.syncline.operators.protect;

import io.syncline.operators.audit.AuditOutputs;
import io.syncline.schema.AuditKind;
import io.syncline.schema.AuditRecord;
import io.syncline.schema.ChangeEvent;
import java.util.Objects;
import java.util.Optional;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.streaming.api.functions.ProcessFunction;
import org.apache.flink.util.Collector;

/**
 * Replayed changes with the values their error record sealed given back ({@link ReplayUnsealing});
 * a replay whose sealed values can no longer be read (the subject was erased) is dropped, with an
 * audit record that says so.
 */
public final class ReplayUnsealFunction extends ProcessFunction<ChangeEvent, ChangeEvent> {

    private static final long serialVersionUID = 1L;

    private final Classification classification;
    private final DataKeysFactory keysFactory;

    private transient ReplayUnsealing unsealing;
    private transient DataKeys keys;

    public ReplayUnsealFunction(Classification classification, DataKeysFactory keysFactory) {
        this.classification = Objects.requireNonNull(classification, "classification");
        this.keysFactory = Objects.requireNonNull(keysFactory, "keysFactory");
    }

    @Override
    public void open(OpenContext openContext) {
        unsealing = new ReplayUnsealing(classification, new FieldCipher());
        keys = keysFactory.open();
    }

    @Override
    public void close() {
        if (keys != null) {
            keys.close();
        }
    }

    @Override
    public void processElement(ChangeEvent change, Context ctx, Collector<ChangeEvent> out) {
        Optional<ChangeEvent> unsealed = unsealing.unseal(change, keys);
        if (unsealed.isPresent()) {
            out.collect(unsealed.get());
            return;
        }
        ctx.output(
                AuditOutputs.AUDIT,
                AuditRecord.newBuilder()
                        .setAuditId(
                                "erased-drop-" + change.getEventId() + "-" + change.getReplayOf())
                        .setKind(AuditKind.ERASED_CHANGE_DROPPED)
                        .setTime(change.getCaptureTime())
                        .setTenant(change.getTenant())
                        .setEntityType(change.getEntityType())
                        .setEntityId(change.getEntityId())
                        .setEventId(change.getEventId())
                        .setDetail(
                                "replay of error "
                                        + change.getReplayOf()
                                        + " dropped: its sealed values' key was destroyed"
                                        + " (the subject was erased)")
                        .build());
    }
}
