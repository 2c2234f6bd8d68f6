package io.syncline.operators.audit;

import io.syncline.schema.AuditRecord;
import org.apache.flink.formats.avro.typeutils.AvroTypeInfo;
import org.apache.flink.util.OutputTag;

/** Side outputs that carry {@link AuditRecord}s from the stages to the audit topic and table. */
public final class AuditOutputs {

    /** Audit records of any stage (control commands, erasures, dropped changes). */
    public static final OutputTag<AuditRecord> AUDIT =
            new OutputTag<>("syncline-audit", new AvroTypeInfo<>(AuditRecord.class));

    private AuditOutputs() {}
}
