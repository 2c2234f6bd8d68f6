package io.syncline.benchmarks;

import io.syncline.operators.key.EntityKeys;
import io.syncline.schema.ChangeEvent;
import io.syncline.schema.FieldKind;
import io.syncline.schema.FieldValue;
import io.syncline.schema.Operation;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Deterministic {@link ChangeEvent}s of the workload's {@code customers} table, as the decoder
 * makes them: change {@code i} is of customer {@code i / 2}, a create for even {@code i} and an
 * update for odd {@code i}, with version {@code i + 1}. Used where a job or a micro-benchmark needs
 * changes without a database behind them.
 */
public final class SampleChanges {

    private static final String NOTES =
            "shipment delayed customer requested invoice priority warehouse contract renewal"
                    + " discount approved pending review payment terms quarterly region support"
                    + " escalated resolved follow-up account manager delivery address updated"
                    + " billing cycle credit note shipment delayed customer requested invoice"
                    + " priority warehouse contract renewal discount approved";
    private static final long BASE_MICROS = 1_790_000_000_000_000L;

    private SampleChanges() {}

    /** Change {@code i}. */
    public static ChangeEvent customer(long i) {
        long id = i / 2;
        boolean create = i % 2 == 0;
        String tenant = WorkloadSchema.TENANTS.get((int) (id % WorkloadSchema.TENANTS.size()));
        Map<String, FieldValue> after = row(id, tenant, i);
        Instant commit = Instant.ofEpochMilli(BASE_MICROS / 1000 + i);
        return ChangeEvent.newBuilder()
                .setEventId("bench/" + (i + 1) + "/" + EntityKeys.of(tenant, "customer", "" + id))
                .setTenant(tenant)
                .setEntityType("customer")
                .setEntityId(Long.toString(id))
                .setOp(create ? Operation.CREATE : Operation.UPDATE)
                .setBefore(create ? null : row(id, tenant, i - 1))
                .setAfter(after)
                .setSourceCommitTime(commit)
                .setCaptureTime(commit.plusMillis(3))
                .setSourceId("bench")
                .setSourcePosition(Long.toString(i + 1))
                .setVersion(i + 1)
                .setTransactionId(Long.toString(1000 + i / 4))
                .setSchemaVersion(1)
                .build();
    }

    private static Map<String, FieldValue> row(long id, String tenant, long i) {
        Map<String, FieldValue> row = new LinkedHashMap<>(24);
        row.put("id", new FieldValue(FieldKind.LONG, id));
        row.put("tenant_id", new FieldValue(FieldKind.STRING, tenant));
        row.put("name", new FieldValue(FieldKind.STRING, "Grace Hopper " + id));
        row.put("email", new FieldValue(FieldKind.STRING, "user" + id + "@eu-west.example.com"));
        row.put("status", new FieldValue(FieldKind.STRING, i % 2 == 0 ? "new" : "active"));
        row.put("amount", new FieldValue(FieldKind.DECIMAL, (i % 100_000) + ".25"));
        row.put("quantity", new FieldValue(FieldKind.INT, (int) (1 + i % 500)));
        row.put("created_at", new FieldValue(FieldKind.TIMESTAMP, BASE_MICROS + id * 1000));
        row.put("updated_at", new FieldValue(FieldKind.TIMESTAMP, BASE_MICROS + i * 1000));
        row.put("notes", new FieldValue(FieldKind.STRING, NOTES));
        row.put(
                "attributes",
                new FieldValue(
                        FieldKind.JSON,
                        "{\"channel\": \"web\", \"priority\": "
                                + (i % 5)
                                + ", \"region\": \"eu-west\", \"tags\": [\"t1\", \"t2\"]}"));
        return row;
    }
}
