package io.syncline.operators.decode;

import static org.assertj.core.api.Assertions.assertThat;

import io.debezium.data.Json;
import io.debezium.data.Uuid;
import io.debezium.data.VariableScaleDecimal;
import io.debezium.data.geometry.Point;
import io.debezium.time.MicroTimestamp;
import io.debezium.time.ZonedTimestamp;
import io.syncline.operators.decode.debezium.SourcePosition;
import io.syncline.schema.ChangeEvent;
import io.syncline.schema.ErrorClass;
import io.syncline.schema.ErrorRecord;
import io.syncline.schema.FieldKind;
import io.syncline.schema.FieldValue;
import io.syncline.schema.Operation;
import java.math.BigDecimal;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.time.LocalDate;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.apache.kafka.connect.data.Decimal;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.SchemaBuilder;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.source.SourceRecord;
import org.junit.jupiter.api.Test;

class SourceRecordDecoderTest {

    private static final long LSN = 24_023_128L;
    private static final long SNAPSHOT_LSN = 24_000_000L;
    private static final Instant SNAPSHOT_TIME = Instant.parse("2024-01-15T10:00:00Z");
    private static final long TX_ID = 771L;
    private static final long COMMIT_MILLIS = 1_705_314_645_123L;
    private static final Instant CAPTURED = Instant.parse("2024-01-15T10:30:45.250Z");
    private static final Instant NOW = Instant.parse("2024-01-15T10:31:00Z");

    private static final int BORN_DAYS = (int) LocalDate.of(1987, 6, 5).toEpochDay();
    private static final long UPDATED_MICROS = 1_705_314_645_123_456L;
    private static final String REF = "4b0e4a6c-5b7e-4b1f-9a51-0f0c4c1e2d3a";

    private static final PostgresChangeRecords ORDERS =
            new PostgresChangeRecords(
                    "public",
                    "orders",
                    SchemaBuilder.struct()
                            .field("id", Schema.INT64_SCHEMA)
                            .field("tenant_id", Schema.OPTIONAL_STRING_SCHEMA)
                            .field("quantity", Schema.OPTIONAL_INT16_SCHEMA)
                            .field("line_count", Schema.OPTIONAL_INT32_SCHEMA)
                            .field(
                                    "amount",
                                    Decimal.builder(2)
                                            .optional()
                                            .parameter("connect.decimal.precision", "12")
                                            .build())
                            .field("ratio", VariableScaleDecimal.builder().optional().build())
                            .field("born", io.debezium.time.Date.builder().optional().build())
                            .field("updated_at", MicroTimestamp.builder().optional().build())
                            .field("seen_at", ZonedTimestamp.builder().optional().build())
                            .field("attrs", Json.builder().optional().build())
                            .field("ref", Uuid.builder().optional().build())
                            .field("score", Schema.OPTIONAL_FLOAT64_SCHEMA)
                            .field("active", Schema.OPTIONAL_BOOLEAN_SCHEMA)
                            .field("blob", Schema.OPTIONAL_BYTES_SCHEMA)
                            .field(
                                    "tags",
                                    SchemaBuilder.array(Schema.OPTIONAL_STRING_SCHEMA)
                                            .optional()
                                            .build())
                            .field("note", Schema.OPTIONAL_STRING_SCHEMA),
                    List.of("id"));

    // The row lists line_no first; the entity id follows the binding's key order.
    private static final PostgresChangeRecords ORDER_LINES =
            new PostgresChangeRecords(
                    "public",
                    "order_lines",
                    SchemaBuilder.struct()
                            .field("line_no", Schema.OPTIONAL_INT32_SCHEMA)
                            .field("order_id", Schema.INT64_SCHEMA)
                            .field("tenant_id", Schema.OPTIONAL_STRING_SCHEMA)
                            .field("sku", Schema.OPTIONAL_STRING_SCHEMA),
                    List.of("order_id", "line_no"));

    private static final PostgresChangeRecords SETTINGS =
            new PostgresChangeRecords(
                    "config",
                    "settings",
                    SchemaBuilder.struct()
                            .field("name", Schema.STRING_SCHEMA)
                            .field("value", Schema.OPTIONAL_STRING_SCHEMA),
                    List.of("name"));

    // A table of a bidirectional source, with Syncline's bookkeeping columns.
    private static final PostgresChangeRecords CUSTOMERS =
            new PostgresChangeRecords(
                    "public",
                    "customers",
                    SchemaBuilder.struct()
                            .field("id", Schema.INT64_SCHEMA)
                            .field("tenant_id", Schema.OPTIONAL_STRING_SCHEMA)
                            .field("name", Schema.OPTIONAL_STRING_SCHEMA)
                            .field("_syncline_origin", Schema.OPTIONAL_STRING_SCHEMA)
                            .field("_syncline_clock", Schema.OPTIONAL_STRING_SCHEMA),
                    List.of("id"));

    private static final Schema POINT = Point.builder().optional().build();

    private static final PostgresChangeRecords STORES =
            new PostgresChangeRecords(
                    "public",
                    "stores",
                    SchemaBuilder.struct()
                            .field("id", Schema.INT64_SCHEMA)
                            .field("tenant_id", Schema.OPTIONAL_STRING_SCHEMA)
                            .field("location", POINT),
                    List.of("id"));

    private static final PostgresChangeRecords AUDIT_LOG =
            new PostgresChangeRecords(
                    "public",
                    "audit_log",
                    SchemaBuilder.struct()
                            .field("id", Schema.INT64_SCHEMA)
                            .field("tenant_id", Schema.OPTIONAL_STRING_SCHEMA),
                    List.of("id"));

    private final SourceRecordDecoder decoder =
            new SourceRecordDecoder(
                    "shop-db",
                    List.of(
                            new TableBinding(
                                    "public", "orders", "order", List.of("id"), "tenant_id", null),
                            new TableBinding(
                                    "public",
                                    "order_lines",
                                    "order_line",
                                    List.of("order_id", "line_no"),
                                    "tenant_id",
                                    null),
                            new TableBinding(
                                    "config", "settings", "setting", List.of("name"), null, "acme"),
                            new TableBinding(
                                    "public", "stores", "store", List.of("id"), "tenant_id", null),
                            new TableBinding(
                                    "public",
                                    "customers",
                                    "customer",
                                    List.of("id"),
                                    "tenant_id",
                                    null)),
                    Set.of("acme", "globex"),
                    SNAPSHOT_LSN,
                    SNAPSHOT_TIME);

    @Test
    void createBecomesCreateWithAfterImage() {
        Struct after = order(42L, "acme", 5);

        ChangeEvent event =
                decoded(ORDERS.create(after, ORDERS.source(LSN, TX_ID, COMMIT_MILLIS), CAPTURED));

        assertThat(event)
                .isEqualTo(
                        ChangeEvent.newBuilder()
                                .setEventId("shop-db/24023128/acme/order/42")
                                .setTenant("acme")
                                .setEntityType("order")
                                .setEntityId("42")
                                .setOp(Operation.CREATE)
                                .setBefore(null)
                                .setAfter(orderImage(42L, "acme", 5))
                                .setSourceCommitTime(Instant.ofEpochMilli(COMMIT_MILLIS))
                                .setCaptureTime(CAPTURED)
                                .setSourceId("shop-db")
                                .setSourcePosition("24023128")
                                .setVersion(LSN)
                                .setTransactionId("771")
                                .setSchemaVersion(1)
                                .build());
    }

    @Test
    void snapshotReadBecomesRead() {
        ChangeEvent event =
                decoded(
                        ORDERS.read(
                                order(42L, "acme", 5),
                                ORDERS.snapshotSource(LSN, TX_ID, COMMIT_MILLIS),
                                CAPTURED));

        assertThat(event.getOp()).isEqualTo(Operation.READ);
        assertThat(event.getBefore()).isNull();
        assertThat(event.getAfter()).isEqualTo(orderImage(42L, "acme", 5));
        assertThat(event.getVersion()).isEqualTo(LSN);
    }

    @Test
    void snapshotReadWithoutLsnGetsTheSnapshotVersion() {
        // Flink CDC's incremental snapshot leaves the LSN of read records empty.
        Struct source = ORDERS.snapshotSource(LSN, TX_ID, COMMIT_MILLIS);
        source.put("lsn", null);
        source.put("ts_ms", 0L);

        ChangeEvent event = decoded(ORDERS.read(order(42L, "acme", 5), source, CAPTURED));

        assertThat(event.getVersion()).isEqualTo(SNAPSHOT_LSN);
        assertThat(event.getSourcePosition()).isEqualTo(Long.toString(SNAPSHOT_LSN));
        assertThat(event.getEventId()).isEqualTo("shop-db/" + SNAPSHOT_LSN + "/acme/order/42");
        assertThat(event.getSourceCommitTime())
                .as("a read has no commit time; the snapshot start stands in")
                .isEqualTo(SNAPSHOT_TIME);
        assertThat(event.getCaptureTime()).isEqualTo(CAPTURED);
    }

    @Test
    void snapshotReadOfAChunkTakesTheChunksLowWatermarkAndReadTime() {
        Struct source = ORDERS.snapshotSource(LSN, TX_ID, COMMIT_MILLIS);
        source.put("lsn", null);
        source.put("ts_ms", 0L);
        long lowWatermark = SNAPSHOT_LSN + 5_000;
        Instant readAt = SNAPSHOT_TIME.plusSeconds(90);
        SnapshotChunk chunk = new SnapshotChunk(SourcePosition.lsn(lowWatermark), readAt);

        DecodeOutcome outcome =
                decoder.decode(ORDERS.read(order(42L, "acme", 5), source, CAPTURED), NOW, chunk);

        ChangeEvent event = ((DecodeOutcome.Decoded) outcome).event();
        assertThat(event.getVersion()).isEqualTo(lowWatermark);
        assertThat(event.getSourcePosition()).isEqualTo(Long.toString(lowWatermark));
        assertThat(event.getEventId()).isEqualTo("shop-db/" + lowWatermark + "/acme/order/42");
        assertThat(event.getSourceCommitTime()).isEqualTo(readAt);
    }

    @Test
    void aChunkReadAgainIsNewerThanItsFirstRead() {
        // A restarted job reads an unfinished chunk again; the second read holds the row's
        // changes since the first, so it must carry a higher version and a later commit time.
        Struct source = ORDERS.snapshotSource(LSN, TX_ID, COMMIT_MILLIS);
        source.put("lsn", null);
        source.put("ts_ms", 0L);
        SnapshotChunk first =
                new SnapshotChunk(SourcePosition.lsn(SNAPSHOT_LSN + 100), SNAPSHOT_TIME);
        SnapshotChunk again =
                new SnapshotChunk(
                        SourcePosition.lsn(SNAPSHOT_LSN + 900), SNAPSHOT_TIME.plusSeconds(20));

        ChangeEvent firstRead =
                ((DecodeOutcome.Decoded)
                                decoder.decode(
                                        ORDERS.read(order(42L, "acme", 5), source, CAPTURED),
                                        NOW,
                                        first))
                        .event();
        ChangeEvent secondRead =
                ((DecodeOutcome.Decoded)
                                decoder.decode(
                                        ORDERS.read(order(42L, "acme", 6), source, CAPTURED),
                                        NOW,
                                        again))
                        .event();

        assertThat(secondRead.getVersion()).isGreaterThan(firstRead.getVersion());
        assertThat(secondRead.getSourceCommitTime()).isAfter(firstRead.getSourceCommitTime());
        assertThat(secondRead.getEventId()).isNotEqualTo(firstRead.getEventId());
    }

    @Test
    void aChangeStreamedAfterItsChunkIsOutsideTheChunk() {
        // A streamed change keeps its own position and commit time whatever chunk was last read.
        SnapshotChunk chunk =
                new SnapshotChunk(SourcePosition.lsn(SNAPSHOT_LSN + 100), SNAPSHOT_TIME);

        ChangeEvent streamed =
                ((DecodeOutcome.Decoded)
                                decoder.decode(
                                        ORDERS.update(
                                                order(42L, "acme", 5),
                                                order(42L, "acme", 6),
                                                ORDERS.source(LSN, TX_ID, COMMIT_MILLIS),
                                                CAPTURED),
                                        NOW,
                                        chunk))
                        .event();

        assertThat(streamed.getVersion()).isEqualTo(LSN);
        assertThat(streamed.getSourceCommitTime()).isEqualTo(Instant.ofEpochMilli(COMMIT_MILLIS));
    }

    @Test
    void snapshotReadIsNeverNewerThanAChangeStreamedAfterTheSnapshotStarted() {
        // Debezium's own snapshot stamps reads with the time it read the row, which can be later
        // than the commit of a change streamed after the snapshot started.
        long readMillis = SNAPSHOT_TIME.toEpochMilli() + 60_000;
        long streamedCommitMillis = SNAPSHOT_TIME.toEpochMilli() + 1_000;

        ChangeEvent read =
                decoded(
                        ORDERS.read(
                                order(42L, "acme", 5),
                                ORDERS.snapshotSource(LSN, TX_ID, readMillis),
                                Instant.ofEpochMilli(readMillis)));
        ChangeEvent streamed =
                decoded(
                        ORDERS.update(
                                order(42L, "acme", 5),
                                order(42L, "acme", 6),
                                ORDERS.source(LSN + 8, TX_ID + 1, streamedCommitMillis),
                                Instant.ofEpochMilli(readMillis)));

        assertThat(read.getSourceCommitTime()).isEqualTo(SNAPSHOT_TIME);
        assertThat(streamed.getSourceCommitTime())
                .isEqualTo(Instant.ofEpochMilli(streamedCommitMillis))
                .isAfter(read.getSourceCommitTime());
    }

    @Test
    void streamedChangeWithoutCommitTimeFallsBackToTheCaptureTime() {
        Struct source = ORDERS.source(LSN, TX_ID, 0L);

        ChangeEvent event = decoded(ORDERS.create(order(42L, "acme", 5), source, CAPTURED));

        assertThat(event.getSourceCommitTime()).isEqualTo(CAPTURED);
    }

    @Test
    void updateBecomesUpdateWithBothImages() {
        long lsn = LSN + 96;

        ChangeEvent event =
                decoded(
                        ORDERS.update(
                                order(42L, "acme", 5),
                                order(42L, "acme", 6),
                                ORDERS.source(lsn, TX_ID + 1, COMMIT_MILLIS + 1_000),
                                CAPTURED));

        assertThat(event.getOp()).isEqualTo(Operation.UPDATE);
        assertThat(event.getBefore()).isEqualTo(orderImage(42L, "acme", 5));
        assertThat(event.getAfter()).isEqualTo(orderImage(42L, "acme", 6));
        assertThat(event.getEventId()).isEqualTo("shop-db/24023224/acme/order/42");
        assertThat(event.getVersion()).isEqualTo(24_023_224L);
        assertThat(event.getSourcePosition()).isEqualTo("24023224");
        assertThat(event.getTransactionId()).isEqualTo("772");
        assertThat(event.getSourceCommitTime()).isEqualTo(Instant.ofEpochMilli(1_705_314_646_123L));
    }

    @Test
    void deleteBecomesDeleteWithBeforeImageAndTenantFromIt() {
        ChangeEvent event =
                decoded(
                        ORDERS.delete(
                                order(42L, "globex", 5),
                                ORDERS.source(LSN, TX_ID, COMMIT_MILLIS),
                                CAPTURED));

        assertThat(event.getOp()).isEqualTo(Operation.DELETE);
        assertThat(event.getBefore()).isEqualTo(orderImage(42L, "globex", 5));
        assertThat(event.getAfter()).isNull();
        assertThat(event.getTenant()).isEqualTo("globex");
        assertThat(event.getEntityId()).isEqualTo("42");
        assertThat(event.getEventId()).isEqualTo("shop-db/24023128/globex/order/42");
    }

    @Test
    void compositeKeyIsJoinedInKeyOrder() {
        Struct line =
                ORDER_LINES
                        .row()
                        .put("line_no", 3)
                        .put("order_id", 42L)
                        .put("tenant_id", "acme")
                        .put("sku", "SKU-1");

        ChangeEvent event =
                decoded(
                        ORDER_LINES.create(
                                line, ORDER_LINES.source(LSN, TX_ID, COMMIT_MILLIS), CAPTURED));

        assertThat(event.getEntityType()).isEqualTo("order_line");
        assertThat(event.getEntityId()).isEqualTo("42/3");
        assertThat(event.getEventId()).isEqualTo("shop-db/24023128/acme/order_line/42/3");
    }

    @Test
    void constantTenantIsUsedForTablesWithoutTenantColumn() {
        Struct setting = SETTINGS.row().put("name", "currency").put("value", "EUR");

        ChangeEvent event =
                decoded(
                        SETTINGS.create(
                                setting, SETTINGS.source(LSN, TX_ID, COMMIT_MILLIS), CAPTURED));

        assertThat(event.getTenant()).isEqualTo("acme");
        assertThat(event.getEntityType()).isEqualTo("setting");
        assertThat(event.getEntityId()).isEqualTo("currency");
        assertThat(event.getAfter())
                .isEqualTo(
                        Map.of(
                                "name", new FieldValue(FieldKind.STRING, "currency"),
                                "value", new FieldValue(FieldKind.STRING, "EUR")));
    }

    @Test
    void everyColumnTypeIsConvertedExactly() {
        Map<String, FieldValue> after =
                decoded(
                                ORDERS.create(
                                        order(42L, "acme", 5),
                                        ORDERS.source(LSN, TX_ID, COMMIT_MILLIS),
                                        CAPTURED))
                        .getAfter();

        assertThat(after)
                .containsExactly(
                        Map.entry("id", new FieldValue(FieldKind.LONG, 42L)),
                        Map.entry("tenant_id", new FieldValue(FieldKind.STRING, "acme")),
                        // INT16 widens to an Avro int.
                        Map.entry("quantity", new FieldValue(FieldKind.INT, 5)),
                        Map.entry("line_count", new FieldValue(FieldKind.INT, 2)),
                        // Exact plain text: the scale is kept (12.30, not 12.3) and no exponent
                        // (not 1.2E-7).
                        Map.entry("amount", new FieldValue(FieldKind.DECIMAL, "12.30")),
                        Map.entry("ratio", new FieldValue(FieldKind.DECIMAL, "0.00000012")),
                        Map.entry("born", new FieldValue(FieldKind.DATE, BORN_DAYS)),
                        Map.entry(
                                "updated_at", new FieldValue(FieldKind.TIMESTAMP, UPDATED_MICROS)),
                        Map.entry(
                                "seen_at",
                                new FieldValue(
                                        FieldKind.TIMESTAMP_TZ, "2024-01-15T10:30:45.123456Z")),
                        Map.entry(
                                "attrs",
                                new FieldValue(
                                        FieldKind.JSON, "{\"color\": \"red\", \"sizes\": [1, 2]}")),
                        Map.entry("ref", new FieldValue(FieldKind.UUID, REF)),
                        Map.entry("score", new FieldValue(FieldKind.DOUBLE, 4.75d)),
                        Map.entry("active", new FieldValue(FieldKind.BOOLEAN, true)),
                        Map.entry(
                                "blob",
                                new FieldValue(
                                        FieldKind.BYTES,
                                        ByteBuffer.wrap(new byte[] {(byte) 0xde, (byte) 0xad, 0}))),
                        Map.entry("tags", new FieldValue(FieldKind.JSON, "[\"a\",\"b\"]")),
                        Map.entry("note", new FieldValue(FieldKind.STRING, null)));
        // Equality alone would accept an Integer where a Long belongs.
        assertThat(after.get("id").getValue()).isInstanceOf(Long.class);
        assertThat(after.get("quantity").getValue()).isInstanceOf(Integer.class);
        assertThat(after.get("born").getValue()).isInstanceOf(Integer.class);
        assertThat(after.get("updated_at").getValue()).isInstanceOf(Long.class);
    }

    @Test
    void nullValuesKeepTheirColumnKind() {
        Struct sparse = ORDERS.row().put("id", 43L).put("tenant_id", "acme");

        Map<String, FieldValue> after =
                decoded(ORDERS.create(sparse, ORDERS.source(LSN, TX_ID, COMMIT_MILLIS), CAPTURED))
                        .getAfter();

        assertThat(after.get("amount")).isEqualTo(new FieldValue(FieldKind.DECIMAL, null));
        assertThat(after.get("born")).isEqualTo(new FieldValue(FieldKind.DATE, null));
        assertThat(after.get("updated_at")).isEqualTo(new FieldValue(FieldKind.TIMESTAMP, null));
        assertThat(after.get("tags")).isEqualTo(new FieldValue(FieldKind.JSON, null));
        assertThat(after.get("blob")).isEqualTo(new FieldValue(FieldKind.BYTES, null));
    }

    @Test
    void arrayElementsAreEscapedAsJsonStrings() {
        Struct row =
                order(42L, "acme", 5)
                        .put("tags", Arrays.asList("say \"hi\"", "back\\slash", "tab\there", null));

        Map<String, FieldValue> after =
                decoded(ORDERS.create(row, ORDERS.source(LSN, TX_ID, COMMIT_MILLIS), CAPTURED))
                        .getAfter();

        assertThat(after.get("tags"))
                .isEqualTo(
                        new FieldValue(
                                FieldKind.JSON,
                                "[\"say \\\"hi\\\"\",\"back\\\\slash\",\"tab\\there\",null]"));
    }

    @Test
    void eventIdIsTheSameForTheSameChangeAndDiffersByPosition() {
        SourceRecord change =
                ORDERS.create(
                        order(42L, "acme", 5), ORDERS.source(LSN, TX_ID, COMMIT_MILLIS), CAPTURED);
        SourceRecord later =
                ORDERS.update(
                        order(42L, "acme", 5),
                        order(42L, "acme", 6),
                        ORDERS.source(LSN + 8, TX_ID, COMMIT_MILLIS),
                        CAPTURED);

        String first = decoded(change).getEventId();
        String replayed = decoded(change).getEventId();
        String next = decoded(later).getEventId();

        assertThat(replayed).isEqualTo(first);
        assertThat(next).isNotEqualTo(first).isEqualTo("shop-db/24023136/acme/order/42");
    }

    @Test
    void missingTenantIsRejected() {
        SourceRecord record =
                ORDERS.create(
                        order(42L, null, 5), ORDERS.source(LSN, TX_ID, COMMIT_MILLIS), CAPTURED);

        ErrorRecord error = rejected(record);

        assertThat(error)
                .isEqualTo(
                        expectedError(error)
                                .setCode("TENANT_MISSING")
                                .setMessage(
                                        "row of public.orders has no tenant in column"
                                                + " 'tenant_id'; set the column, or for deletes"
                                                + " set REPLICA IDENTITY FULL on the table so the"
                                                + " old row carries it")
                                .setEntityType("order")
                                .setSourcePosition("24023128")
                                .build());
    }

    @Test
    void blankTenantIsRejectedAsMissing() {
        ErrorRecord error =
                rejected(
                        ORDERS.create(
                                order(42L, "  ", 5),
                                ORDERS.source(LSN, TX_ID, COMMIT_MILLIS),
                                CAPTURED));

        assertThat(error.getCode()).isEqualTo("TENANT_MISSING");
    }

    @Test
    void deleteWithKeyOnlyBeforeImageIsRejectedAsTenantMissing() {
        // REPLICA IDENTITY DEFAULT: the old row carries the key and nothing else.
        Struct keyOnly = ORDERS.row().put("id", 42L);

        ErrorRecord error =
                rejected(
                        ORDERS.delete(keyOnly, ORDERS.source(LSN, TX_ID, COMMIT_MILLIS), CAPTURED));

        assertThat(error.getCode()).isEqualTo("TENANT_MISSING");
        assertThat(error.getMessage()).contains("public.orders", "REPLICA IDENTITY FULL");
    }

    @Test
    void tenantOutsideTheAllowListIsRejected() {
        SourceRecord record =
                ORDERS.create(
                        order(42L, "initech", 5),
                        ORDERS.source(LSN, TX_ID, COMMIT_MILLIS),
                        CAPTURED);

        ErrorRecord error = rejected(record);

        assertThat(error)
                .isEqualTo(
                        expectedError(error)
                                .setCode("UNKNOWN_TENANT")
                                .setMessage(
                                        "tenant 'initech' of a row of public.orders is not among"
                                                + " the configured tenants [acme, globex]; add it"
                                                + " to 'tenants' or fix the row")
                                .setTenant("initech")
                                .setEntityType("order")
                                .setSourcePosition("24023128")
                                .build());
    }

    @Test
    void emptyAllowListAcceptsEveryTenant() {
        SourceRecordDecoder open =
                new SourceRecordDecoder(
                        "shop-db",
                        List.of(
                                new TableBinding(
                                        "public",
                                        "orders",
                                        "order",
                                        List.of("id"),
                                        "tenant_id",
                                        null)),
                        Set.of(),
                        SNAPSHOT_LSN,
                        SNAPSHOT_TIME);

        DecodeOutcome outcome =
                open.decode(
                        ORDERS.create(
                                order(42L, "initech", 5),
                                ORDERS.source(LSN, TX_ID, COMMIT_MILLIS),
                                CAPTURED),
                        NOW);

        assertThat(outcome).isInstanceOf(DecodeOutcome.Decoded.class);
        assertThat(((DecodeOutcome.Decoded) outcome).event().getTenant()).isEqualTo("initech");
    }

    @Test
    void unmappedTableIsRejected() {
        Struct row = AUDIT_LOG.row().put("id", 1L).put("tenant_id", "acme");
        SourceRecord record =
                AUDIT_LOG.create(row, AUDIT_LOG.source(LSN, TX_ID, COMMIT_MILLIS), CAPTURED);

        ErrorRecord error = rejected(record);

        assertThat(error)
                .isEqualTo(
                        expectedError(error)
                                .setCode("UNMAPPED_TABLE")
                                .setMessage(
                                        "table public.audit_log is not mapped to an entity type;"
                                                + " add it under sources[].tables in the"
                                                + " configuration or remove it from the"
                                                + " publication")
                                .setSourcePosition("24023128")
                                .build());
    }

    @Test
    void truncateIsRejectedAsUnsupportedOperation() {
        SourceRecord record = ORDERS.truncate(ORDERS.source(LSN, TX_ID, COMMIT_MILLIS), CAPTURED);

        ErrorRecord error = rejected(record);

        assertThat(error)
                .isEqualTo(
                        expectedError(error)
                                .setCode("UNSUPPORTED_OPERATION")
                                .setMessage(
                                        "TRUNCATE on public.orders is not replicated; apply it to"
                                                + " the target by hand, or re-sync the table")
                                .setSourcePosition("24023128")
                                .build());
    }

    @Test
    void structColumnIsRejectedAsUnsupportedType() {
        Struct store =
                STORES.row()
                        .put("id", 7L)
                        .put("tenant_id", "acme")
                        .put("location", Point.createValue(POINT, 4.35, 50.85));
        SourceRecord record =
                STORES.create(store, STORES.source(LSN, TX_ID, COMMIT_MILLIS), CAPTURED);

        ErrorRecord error = rejected(record);

        assertThat(error)
                .isEqualTo(
                        expectedError(error)
                                .setCode("UNSUPPORTED_TYPE")
                                .setMessage(
                                        "column 'location' has type"
                                                + " io.debezium.data.geometry.Point, which"
                                                + " Syncline cannot replicate; exclude the column"
                                                + " or cast it to text in a view")
                                .setKey("acme/store/7")
                                .setTenant("acme")
                                .setEntityType("store")
                                .setSourcePosition("24023128")
                                .build());
    }

    @Test
    void missingKeyValueIsRejected() {
        Struct line = ORDER_LINES.row().put("order_id", 42L).put("tenant_id", "acme");

        ErrorRecord error =
                rejected(
                        ORDER_LINES.create(
                                line, ORDER_LINES.source(LSN, TX_ID, COMMIT_MILLIS), CAPTURED));

        assertThat(error.getCode()).isEqualTo("KEY_MISSING");
        assertThat(error.getMessage())
                .isEqualTo(
                        "row of public.order_lines has no value in a key column of"
                                + " [order_id, line_no]");
        assertThat(error.getKey()).isNull();
        assertThat(error.getTenant()).isEqualTo("acme");
    }

    @Test
    void valueThatIsNotAnEnvelopeIsRejectedAsMalformed() {
        // What arrives when the connector is configured with the ExtractNewRecordState transform.
        Struct flattened = order(42L, "acme", 5);
        SourceRecord record =
                new SourceRecord(
                        Map.of("server", "shop"),
                        Map.of("lsn", LSN),
                        "shop.public.orders",
                        null,
                        null,
                        null,
                        flattened.schema(),
                        flattened);

        ErrorRecord error = rejected(record);

        assertThat(error)
                .isEqualTo(
                        expectedError(error)
                                .setCode("MALFORMED_RECORD")
                                .setMessage(
                                        "record on topic 'shop.public.orders' is not a Debezium"
                                                + " change envelope (no op/source fields); only"
                                                + " row changes can be replicated")
                                .build());
    }

    @Test
    void nonStructValueIsRejectedAsMalformed() {
        SourceRecord record =
                new SourceRecord(
                        Map.of("server", "shop"),
                        Map.of("lsn", LSN),
                        "shop.public.orders",
                        null,
                        null,
                        null,
                        Schema.STRING_SCHEMA,
                        "not a change");

        ErrorRecord error = rejected(record);

        assertThat(error.getCode()).isEqualTo("MALFORMED_RECORD");
        assertThat(error.getPayload()).isEqualTo("not a change");
        assertThat(error.getSourceId()).isEqualTo("shop-db");
    }

    @Test
    void tombstoneIsSkipped() {
        Struct deleted = order(42L, "acme", 5);

        DecodeOutcome outcome =
                decoder.decode(
                        ORDERS.tombstone(deleted, ORDERS.source(LSN, TX_ID, COMMIT_MILLIS)), NOW);

        assertThat(outcome).isEqualTo(new DecodeOutcome.Skipped("tombstone"));
    }

    @Test
    void errorIsTheSameWhenTheSameChangeIsReadAgain() {
        // A replay re-reads the change into new objects, so nothing may depend on identity.
        ErrorRecord first =
                rejected(
                        ORDERS.create(
                                order(42L, null, 5),
                                ORDERS.source(LSN, TX_ID, COMMIT_MILLIS),
                                CAPTURED));
        ErrorRecord replayed =
                rejected(
                        ORDERS.create(
                                order(42L, null, 5),
                                ORDERS.source(LSN, TX_ID, COMMIT_MILLIS),
                                CAPTURED));

        assertThat(replayed).isEqualTo(first);
        assertThat(UUID.fromString(first.getErrorId()).toString()).isEqualTo(first.getErrorId());
    }

    @Test
    void errorIdDiffersByPosition() {
        ErrorRecord first =
                rejected(
                        ORDERS.create(
                                order(42L, null, 5),
                                ORDERS.source(LSN, TX_ID, COMMIT_MILLIS),
                                CAPTURED));
        ErrorRecord elsewhere =
                rejected(
                        ORDERS.create(
                                order(42L, null, 5),
                                ORDERS.source(LSN + 8, TX_ID, COMMIT_MILLIS),
                                CAPTURED));

        assertThat(elsewhere.getErrorId()).isNotEqualTo(first.getErrorId());
    }

    @Test
    void errorPayloadIsTheEnvelopeWithBytesWrittenByContent() {
        Struct row = order(42L, null, 5).put("tags", null).put("attrs", null);

        ErrorRecord error =
                rejected(ORDERS.create(row, ORDERS.source(LSN, TX_ID, COMMIT_MILLIS), CAPTURED));

        assertThat(error.getPayload())
                .isEqualTo(
                        "Struct{after=Struct{id=42,quantity=5,line_count=2,amount=12.30,"
                                + "ratio=Struct{scale=8,value=0x0c},born=6364,"
                                + "updated_at=1705314645123456,"
                                + "seen_at=2024-01-15T10:30:45.123456Z,"
                                + "ref=4b0e4a6c-5b7e-4b1f-9a51-0f0c4c1e2d3a,score=4.75,"
                                + "active=true,blob=0xdead00},"
                                + "source=Struct{version=1.9.8.Final,connector=postgresql,"
                                + "name=shop,ts_ms=1705314645123,snapshot=false,db=shop,"
                                + "sequence=[null,\"24023128\"],schema=public,table=orders,"
                                + "txId=771,lsn=24023128},op=c,ts_ms=1705314645250}");
    }

    @Test
    void bookkeepingColumnsAreNotPartOfTheImages() {
        ChangeEvent event =
                decoded(
                        CUSTOMERS.update(
                                customer("Ada", "crm", "{\"crm\":1}"),
                                customer("Ada L.", "crm", "{\"crm\":2}"),
                                CUSTOMERS.source(LSN, TX_ID, COMMIT_MILLIS),
                                CAPTURED));

        assertThat(event.getBefore()).isEqualTo(customerImage("Ada"));
        assertThat(event.getAfter()).isEqualTo(customerImage("Ada L."));
    }

    @Test
    void rowWrittenBySynclineCarriesItsOriginAndClock() {
        ChangeEvent event =
                decoded(
                        CUSTOMERS.create(
                                customer("Ada", "erp", "{\"erp\":3,\"crm\":1}"),
                                CUSTOMERS.source(LSN, TX_ID, COMMIT_MILLIS),
                                CAPTURED));

        assertThat(event.getOrigin()).isEqualTo("erp");
        assertThat(event.getVectorClock()).isEqualTo(Map.of("erp", 3L, "crm", 1L));
    }

    @Test
    void applicationUpdateOfARowSynclineWroteIsNoEchoAndCarriesTheClockItSaw() {
        // The origin trigger cleared the origin of the application's write; the clock it left.
        ChangeEvent event =
                decoded(
                        CUSTOMERS.update(
                                customer("Ada", "erp", "{\"erp\":3}"),
                                customer("Ada L.", null, "{\"erp\":3}"),
                                CUSTOMERS.source(LSN, TX_ID, COMMIT_MILLIS),
                                CAPTURED));

        assertThat(event.getOrigin()).isNull();
        assertThat(event.getVectorClock()).isEqualTo(Map.of("erp", 3L));
    }

    @Test
    void deleteIsNeverAnEchoAndCarriesTheClockOfTheDeletedRow() {
        ChangeEvent event =
                decoded(
                        CUSTOMERS.delete(
                                customer("Ada", "erp", "{\"erp\":3,\"crm\":2}"),
                                CUSTOMERS.source(LSN, TX_ID, COMMIT_MILLIS),
                                CAPTURED));

        assertThat(event.getOp()).isEqualTo(Operation.DELETE);
        assertThat(event.getOrigin()).isNull();
        assertThat(event.getVectorClock()).isEqualTo(Map.of("erp", 3L, "crm", 2L));
        assertThat(event.getBefore()).isEqualTo(customerImage("Ada"));
    }

    @Test
    void rowWithoutClockHasTheEmptyClock() {
        ChangeEvent event =
                decoded(
                        CUSTOMERS.create(
                                customer("Ada", null, null),
                                CUSTOMERS.source(LSN, TX_ID, COMMIT_MILLIS),
                                CAPTURED));

        assertThat(event.getOrigin()).isNull();
        assertThat(event.getVectorClock()).isEmpty();
    }

    @Test
    void tableWithoutBookkeepingColumnsHasNoOriginAndTheEmptyClock() {
        ChangeEvent event =
                decoded(
                        ORDERS.create(
                                order(42L, "acme", 5),
                                ORDERS.source(LSN, TX_ID, COMMIT_MILLIS),
                                CAPTURED));

        assertThat(event.getOrigin()).isNull();
        assertThat(event.getVectorClock()).isEmpty();
    }

    @Test
    void malformedClockIsRejectedNamingTheColumn() {
        SourceRecord record =
                CUSTOMERS.update(
                        customer("Ada", "erp", "{\"erp\":3}"),
                        customer("Ada L.", null, "{\"erp\":\"three\"}"),
                        CUSTOMERS.source(LSN, TX_ID, COMMIT_MILLIS),
                        CAPTURED);

        ErrorRecord error = rejected(record);

        assertThat(error)
                .isEqualTo(
                        expectedError(error)
                                .setCode("MALFORMED_RECORD")
                                .setMessage(
                                        "column '_syncline_clock' of a row of public.customers:"
                                                + " '{\"erp\":\"three\"}' is not a version"
                                                + " vector: the count of source 'erp' is not a"
                                                + " whole number >= 0 (expected e.g."
                                                + " {\"a\":2,\"b\":1}); only Syncline writes"
                                                + " this column, so set it back to what Syncline"
                                                + " wrote or to NULL")
                                .setKey("acme/customer/7")
                                .setTenant("acme")
                                .setEntityType("customer")
                                .setSourcePosition("24023128")
                                .build());
    }

    private static Struct customer(String name, String origin, String clock) {
        return CUSTOMERS
                .row()
                .put("id", 7L)
                .put("tenant_id", "acme")
                .put("name", name)
                .put("_syncline_origin", origin)
                .put("_syncline_clock", clock);
    }

    private static Map<String, FieldValue> customerImage(String name) {
        Map<String, FieldValue> image = new LinkedHashMap<>();
        image.put("id", new FieldValue(FieldKind.LONG, 7L));
        image.put("tenant_id", new FieldValue(FieldKind.STRING, "acme"));
        image.put("name", new FieldValue(FieldKind.STRING, name));
        return image;
    }

    private static Struct order(long id, String tenant, int quantity) {
        return ORDERS.row()
                .put("id", id)
                .put("tenant_id", tenant)
                .put("quantity", (short) quantity)
                .put("line_count", 2)
                .put("amount", new BigDecimal("12.30"))
                .put(
                        "ratio",
                        VariableScaleDecimal.fromLogical(
                                ORDERS.row().schema().field("ratio").schema(),
                                new BigDecimal("0.00000012")))
                .put("born", BORN_DAYS)
                .put("updated_at", UPDATED_MICROS)
                .put("seen_at", "2024-01-15T10:30:45.123456Z")
                .put("attrs", "{\"color\": \"red\", \"sizes\": [1, 2]}")
                .put("ref", REF)
                .put("score", 4.75d)
                .put("active", true)
                .put("blob", ByteBuffer.wrap(new byte[] {(byte) 0xde, (byte) 0xad, 0}))
                .put("tags", List.of("a", "b"))
                .put("note", null);
    }

    private static Map<String, FieldValue> orderImage(long id, String tenant, int quantity) {
        Map<String, FieldValue> image = new LinkedHashMap<>();
        image.put("id", new FieldValue(FieldKind.LONG, id));
        image.put("tenant_id", new FieldValue(FieldKind.STRING, tenant));
        image.put("quantity", new FieldValue(FieldKind.INT, quantity));
        image.put("line_count", new FieldValue(FieldKind.INT, 2));
        image.put("amount", new FieldValue(FieldKind.DECIMAL, "12.30"));
        image.put("ratio", new FieldValue(FieldKind.DECIMAL, "0.00000012"));
        image.put("born", new FieldValue(FieldKind.DATE, BORN_DAYS));
        image.put("updated_at", new FieldValue(FieldKind.TIMESTAMP, UPDATED_MICROS));
        image.put("seen_at", new FieldValue(FieldKind.TIMESTAMP_TZ, "2024-01-15T10:30:45.123456Z"));
        image.put(
                "attrs", new FieldValue(FieldKind.JSON, "{\"color\": \"red\", \"sizes\": [1, 2]}"));
        image.put("ref", new FieldValue(FieldKind.UUID, REF));
        image.put("score", new FieldValue(FieldKind.DOUBLE, 4.75d));
        image.put(
                "blob",
                new FieldValue(
                        FieldKind.BYTES,
                        ByteBuffer.wrap(new byte[] {(byte) 0xde, (byte) 0xad, 0})));
        image.put("active", new FieldValue(FieldKind.BOOLEAN, true));
        image.put("tags", new FieldValue(FieldKind.JSON, "[\"a\",\"b\"]"));
        image.put("note", new FieldValue(FieldKind.STRING, null));
        return image;
    }

    /**
     * The fields every decode error shares; id and payload are taken from {@code actual} and have
     * tests of their own.
     */
    private static ErrorRecord.Builder expectedError(ErrorRecord actual) {
        return ErrorRecord.newBuilder()
                .setErrorId(actual.getErrorId())
                .setStage("decode")
                .setErrorClass(ErrorClass.PERMANENT)
                .setPayload(actual.getPayload())
                .setSourceId("shop-db")
                .setTime(NOW);
    }

    @Test
    void numericAndByteaKeysGiveStableReadableEntityIds() {
        PostgresChangeRecords ledger =
                new PostgresChangeRecords(
                        "public",
                        "ledger",
                        SchemaBuilder.struct()
                                .field("account", VariableScaleDecimal.builder().build())
                                .field("token", Schema.BYTES_SCHEMA)
                                .field("tenant_id", Schema.OPTIONAL_STRING_SCHEMA),
                        List.of("account", "token"));
        SourceRecordDecoder ledgerDecoder =
                new SourceRecordDecoder(
                        "shop-db",
                        List.of(
                                new TableBinding(
                                        "public",
                                        "ledger",
                                        "ledger_entry",
                                        List.of("account", "token"),
                                        "tenant_id",
                                        null)),
                        Set.of(),
                        SNAPSHOT_LSN,
                        SNAPSHOT_TIME);

        List<String> ids = new java.util.ArrayList<>();
        for (int i = 0; i < 2; i++) {
            Struct row =
                    ledger.row()
                            .put(
                                    "account",
                                    VariableScaleDecimal.fromLogical(
                                            ledger.row().schema().field("account").schema(),
                                            new java.math.BigDecimal("1234.50")))
                            .put("token", new byte[] {(byte) 0xde, (byte) 0xad, 0x01})
                            .put("tenant_id", "acme");
            DecodeOutcome outcome =
                    ledgerDecoder.decode(
                            ledger.create(
                                    row, ledger.source(LSN + i, TX_ID, COMMIT_MILLIS), CAPTURED),
                            NOW);
            assertThat(outcome).isInstanceOf(DecodeOutcome.Decoded.class);
            ids.add(((DecodeOutcome.Decoded) outcome).event().getEntityId());
        }

        assertThat(ids).containsExactly("1234.50/0xdead01", "1234.50/0xdead01");
    }

    private ChangeEvent decoded(SourceRecord record) {
        DecodeOutcome outcome = decoder.decode(record, NOW);
        assertThat(outcome).isInstanceOf(DecodeOutcome.Decoded.class);
        return ((DecodeOutcome.Decoded) outcome).event();
    }

    private ErrorRecord rejected(SourceRecord record) {
        DecodeOutcome outcome = decoder.decode(record, NOW);
        assertThat(outcome).isInstanceOf(DecodeOutcome.Rejected.class);
        return ((DecodeOutcome.Rejected) outcome).error();
    }
}
