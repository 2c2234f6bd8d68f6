package io.syncline.operators.audit;

import io.syncline.schema.AuditRecord;
import io.syncline.schema.ChangeEvent;
import java.util.Objects;
import org.apache.flink.api.common.functions.MapFunction;

/**
 * The audit record of every change handed to the sinks. Stateless and chained behind the router, so
 * auditing costs one small record per change, never a copy of the change.
 */
public final class ChangeAuditFunction implements MapFunction<ChangeEvent, AuditRecord> {

    private static final long serialVersionUID = 1L;

    private final AuditRecords records;

    public ChangeAuditFunction(AuditRecords records) {
        this.records = Objects.requireNonNull(records, "records");
    }

    @Override
    public AuditRecord map(ChangeEvent change) {
        return records.ofChange(change);
    }
}
