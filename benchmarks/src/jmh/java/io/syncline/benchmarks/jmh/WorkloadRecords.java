package io.syncline.benchmarks.jmh;

import io.debezium.data.Envelope;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.Map;
import org.apache.kafka.connect.data.Decimal;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.SchemaBuilder;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.source.SourceRecord;

/**
 * Debezium change records of the benchmark workload's {@code orders} table, shaped as Debezium
 * 1.9's Postgres connector emits them (row images with {@code REPLICA IDENTITY FULL}, the source
 * block, precise decimals, micro timestamps, JSON as text).
 */
final class WorkloadRecords {

    private static final Schema SOURCE =
            SchemaBuilder.struct()
                    .name("io.debezium.connector.postgresql.Source")
                    .field("version", Schema.STRING_SCHEMA)
                    .field("connector", Schema.STRING_SCHEMA)
                    .field("name", Schema.STRING_SCHEMA)
                    .field("ts_ms", Schema.INT64_SCHEMA)
                    .field("snapshot", Schema.OPTIONAL_STRING_SCHEMA)
                    .field("db", Schema.STRING_SCHEMA)
                    .field("sequence", Schema.OPTIONAL_STRING_SCHEMA)
                    .field("schema", Schema.STRING_SCHEMA)
                    .field("table", Schema.STRING_SCHEMA)
                    .field("txId", Schema.OPTIONAL_INT64_SCHEMA)
                    .field("lsn", Schema.OPTIONAL_INT64_SCHEMA)
                    .field("xmin", Schema.OPTIONAL_INT64_SCHEMA)
                    .build();

    private static final Schema MICRO_TIMESTAMP =
            SchemaBuilder.int64().name("io.debezium.time.MicroTimestamp").version(1).build();
    private static final Schema JSON =
            SchemaBuilder.string().optional().name("io.debezium.data.Json").version(1).build();

    static final Schema ROW =
            SchemaBuilder.struct()
                    .name("bench.public.orders.Value")
                    .optional()
                    .field("id", Schema.INT64_SCHEMA)
                    .field("tenant_id", Schema.STRING_SCHEMA)
                    .field("name", Schema.STRING_SCHEMA)
                    .field("email", Schema.OPTIONAL_STRING_SCHEMA)
                    .field("status", Schema.STRING_SCHEMA)
                    .field("amount", Decimal.builder(2).optional().build())
                    .field("quantity", Schema.OPTIONAL_INT32_SCHEMA)
                    .field("created_at", MICRO_TIMESTAMP)
                    .field("updated_at", MICRO_TIMESTAMP)
                    .field("notes", Schema.OPTIONAL_STRING_SCHEMA)
                    .field("attributes", JSON)
                    .build();

    private static final Schema KEY =
            SchemaBuilder.struct()
                    .name("bench.public.orders.Key")
                    .field("id", Schema.INT64_SCHEMA)
                    .build();

    private static final Envelope ENVELOPE =
            Envelope.defineSchema()
                    .withName("bench.public.orders.Envelope")
                    .withRecord(ROW)
                    .withSource(SOURCE)
                    .build();

    private static final String NOTES =
            "shipment delayed customer requested invoice priority warehouse contract renewal"
                    + " discount approved pending review payment terms quarterly region support"
                    + " escalated resolved follow-up account manager delivery address updated"
                    + " billing cycle credit note shipment delayed customer requested invoice"
                    + " priority warehouse contract renewal discount approved";

    private WorkloadRecords() {}

    static Struct row(long id, String status, long updatedMicros) {
        return new Struct(ROW)
                .put("id", id)
                .put("tenant_id", "globex")
                .put("name", "Grace Hopper " + id)
                .put("email", "user" + id + "@eu-west.example.com")
                .put("status", status)
                .put("amount", new BigDecimal("12345.67"))
                .put("quantity", 42)
                .put("created_at", 1_790_000_000_000_000L)
                .put("updated_at", updatedMicros)
                .put("notes", NOTES)
                .put(
                        "attributes",
                        "{\"channel\": \"web\", \"priority\": 3, \"region\": \"eu-west\","
                                + " \"tags\": [\"t1\", \"t2\"]}");
    }

    /** An update of order {@code id} with both row images, as a streamed change. */
    static SourceRecord update(long id, long lsn) {
        Struct before = row(id, "pending", 1_790_000_000_000_000L);
        Struct after = row(id, "shipped", 1_790_000_001_000_000L);
        Struct source =
                new Struct(SOURCE)
                        .put("version", "1.9.8.Final")
                        .put("connector", "postgresql")
                        .put("name", "bench")
                        .put("ts_ms", 1_790_000_001_000L)
                        .put("snapshot", "false")
                        .put("db", "bench_src")
                        .put("sequence", "[null,\"" + lsn + "\"]")
                        .put("schema", "public")
                        .put("table", "orders")
                        .put("txId", 4711L)
                        .put("lsn", lsn)
                        .put("xmin", null);
        Struct value =
                ENVELOPE.update(before, after, source, Instant.ofEpochMilli(1_790_000_001_005L));
        return new SourceRecord(
                Map.of("server", "bench"),
                Map.of("lsn", lsn, "txId", 4711L, "ts_usec", 1_790_000_001_000_000L),
                "bench.public.orders",
                null,
                KEY,
                new Struct(KEY).put("id", id),
                ENVELOPE.schema(),
                value);
    }
}
