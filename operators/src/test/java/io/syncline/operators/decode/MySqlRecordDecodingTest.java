package io.syncline.operators.decode;

import static org.assertj.core.api.Assertions.assertThat;

import io.syncline.operators.decode.debezium.SourcePosition;
import io.syncline.schema.ChangeEvent;
import io.syncline.schema.ErrorRecord;
import io.syncline.schema.FieldKind;
import io.syncline.schema.FieldValue;
import io.syncline.schema.Operation;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.SchemaBuilder;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.source.SourceRecord;
import org.junit.jupiter.api.Test;

/** {@link SourceRecordDecoder} on records of Flink CDC's MySQL connector (MySQL and MariaDB). */
class MySqlRecordDecodingTest {

    private static final String FILE = "mysql-bin.000003";
    private static final long BINLOG_3 = 3L << 32;
    private static final SourcePosition SNAPSHOT_START =
            SourcePosition.binlog("mysql-bin.000002", 4_000L);
    private static final Instant SNAPSHOT_TIME = Instant.parse("2024-01-15T10:00:00Z");
    private static final long COMMIT_MILLIS = 1_705_314_645_000L;
    private static final Instant CAPTURED = Instant.parse("2024-01-15T10:30:45.250Z");
    private static final Instant NOW = Instant.parse("2024-01-15T10:31:00Z");

    private static final MySqlChangeRecords ORDERS =
            new MySqlChangeRecords(
                    "shop",
                    "orders",
                    SchemaBuilder.struct()
                            .field("id", Schema.INT64_SCHEMA)
                            .field("tenant_id", Schema.OPTIONAL_STRING_SCHEMA)
                            .field("quantity", Schema.OPTIONAL_INT32_SCHEMA));

    private static final MySqlChangeRecords PAYMENTS =
            new MySqlChangeRecords(
                    "shop", "payments", SchemaBuilder.struct().field("id", Schema.INT64_SCHEMA));

    private final SourceRecordDecoder decoder =
            new SourceRecordDecoder(
                    "shop-mysql",
                    List.of(
                            new TableBinding(
                                    "shop", "orders", "order", List.of("id"), "tenant_id", null)),
                    Set.of("acme"),
                    SNAPSHOT_START,
                    SNAPSHOT_TIME);

    @Test
    void streamedChangeIsPlacedByBinlogFileAndOffset() {
        ChangeEvent event =
                decoded(
                        ORDERS.create(
                                order(42L, "acme", 5),
                                ORDERS.source(FILE, 805L, "0-1-17", COMMIT_MILLIS),
                                CAPTURED));

        assertThat(event)
                .isEqualTo(
                        ChangeEvent.newBuilder()
                                .setEventId("shop-mysql/mysql-bin.000003:805/acme/order/42")
                                .setTenant("acme")
                                .setEntityType("order")
                                .setEntityId("42")
                                .setOp(Operation.CREATE)
                                .setBefore(null)
                                .setAfter(orderImage(42L, "acme", 5))
                                .setSourceCommitTime(Instant.ofEpochMilli(COMMIT_MILLIS))
                                .setCaptureTime(CAPTURED)
                                .setSourceId("shop-mysql")
                                .setSourcePosition("mysql-bin.000003:805")
                                .setVersion(BINLOG_3 + 805L)
                                .setTransactionId("0-1-17")
                                .setSchemaVersion(1)
                                .build());
    }

    @Test
    void aLaterBinlogFileOrdersAfterAnEarlierOneWhateverItsOffset() {
        long late =
                decoded(
                                ORDERS.update(
                                        order(42L, "acme", 5),
                                        order(42L, "acme", 6),
                                        ORDERS.source("mysql-bin.000004", 4L, null, COMMIT_MILLIS),
                                        CAPTURED))
                        .getVersion();
        long early =
                decoded(
                                ORDERS.create(
                                        order(42L, "acme", 5),
                                        ORDERS.source(FILE, 9_999_999L, null, COMMIT_MILLIS),
                                        CAPTURED))
                        .getVersion();

        assertThat(late).isEqualTo((4L << 32) + 4L).isGreaterThan(early);
    }

    @Test
    void snapshotReadTakesTheSnapshotStartEvenWithAMergedBinlogPosition() {
        // Flink CDC merges a change made while the chunk was read into the read, with its position.
        SourceRecord read =
                ORDERS.read(order(42L, "acme", 6), ORDERS.source(FILE, 805L, null, 0L), CAPTURED);
        SourceRecord laterUpdate =
                ORDERS.update(
                        order(42L, "acme", 6),
                        order(42L, "acme", 7),
                        ORDERS.source(FILE, 910L, null, COMMIT_MILLIS),
                        CAPTURED);

        ChangeEvent snapshot = decoded(read);
        ChangeEvent update = decoded(laterUpdate);

        assertThat(snapshot.getOp()).isEqualTo(Operation.READ);
        assertThat(snapshot.getVersion()).isEqualTo((2L << 32) + 4_000L);
        assertThat(snapshot.getSourcePosition()).isEqualTo("mysql-bin.000002:4000");
        assertThat(snapshot.getEventId())
                .isEqualTo("shop-mysql/mysql-bin.000002:4000/acme/order/42");
        assertThat(snapshot.getSourceCommitTime()).isEqualTo(SNAPSHOT_TIME);
        assertThat(snapshot.getTransactionId()).isNull();
        assertThat(update.getVersion())
                .isEqualTo(BINLOG_3 + 910L)
                .isGreaterThan(snapshot.getVersion());
    }

    @Test
    void deleteCarriesTheBeforeImage() {
        ChangeEvent event =
                decoded(
                        ORDERS.delete(
                                order(42L, "acme", 7),
                                ORDERS.source(FILE, 1_200L, null, COMMIT_MILLIS),
                                CAPTURED));

        assertThat(event.getOp()).isEqualTo(Operation.DELETE);
        assertThat(event.getBefore()).isEqualTo(orderImage(42L, "acme", 7));
        assertThat(event.getAfter()).isNull();
        assertThat(event.getEntityId()).isEqualTo("42");
    }

    @Test
    void tenantOutsideTheAllowListIsRejectedAtItsBinlogPosition() {
        ErrorRecord error =
                rejected(
                        ORDERS.create(
                                order(43L, "initech", 1),
                                ORDERS.source(FILE, 805L, null, COMMIT_MILLIS),
                                CAPTURED));

        assertThat(error.getCode()).isEqualTo("UNKNOWN_TENANT");
        assertThat(error.getMessage())
                .isEqualTo(
                        "tenant 'initech' of a row of shop.orders is not among the configured"
                                + " tenants [acme]; add it to 'tenants' or fix the row");
        assertThat(error.getSourcePosition()).isEqualTo("mysql-bin.000003:805");
        assertThat(error.getSourceId()).isEqualTo("shop-mysql");
    }

    @Test
    void missingTenantOfADeleteNamesTheBinlogRowImage() {
        ErrorRecord error =
                rejected(
                        ORDERS.delete(
                                order(42L, null, null),
                                ORDERS.source(FILE, 805L, null, COMMIT_MILLIS),
                                CAPTURED));

        assertThat(error.getCode()).isEqualTo("TENANT_MISSING");
        assertThat(error.getMessage())
                .isEqualTo(
                        "row of shop.orders has no tenant in column 'tenant_id'; set the column,"
                                + " or for deletes set binlog_row_image=FULL on the server so the"
                                + " old row carries it");
    }

    @Test
    void unmappedTableIsRejectedWithoutMentioningAPublication() {
        Struct payment = PAYMENTS.row().put("id", 1L);

        ErrorRecord error =
                rejected(
                        PAYMENTS.create(
                                payment,
                                PAYMENTS.source(FILE, 805L, null, COMMIT_MILLIS),
                                CAPTURED));

        assertThat(error.getCode()).isEqualTo("UNMAPPED_TABLE");
        assertThat(error.getMessage())
                .isEqualTo(
                        "table shop.payments is not mapped to an entity type; add it under"
                                + " sources[].tables in the configuration");
    }

    @Test
    void changeWithoutANumberedBinlogFileIsRejectedAsMalformed() {
        ErrorRecord error =
                rejected(
                        ORDERS.create(
                                order(42L, "acme", 5),
                                ORDERS.source("mysql-bin", 805L, null, COMMIT_MILLIS),
                                CAPTURED));

        assertThat(error.getCode()).isEqualTo("MALFORMED_RECORD");
        assertThat(error.getMessage())
                .isEqualTo(
                        "change on topic 'mysql_binlog_source.shop.orders' has no binlog position"
                                + " (source.file 'mysql-bin', source.pos 805), so it cannot be"
                                + " ordered; on MariaDB 11.4 and later set"
                                + " binlog_legacy_event_pos=ON, which fills in the positions of"
                                + " events inside transactions");
    }

    @Test
    void changeWithTheNegativeOffsetMariaDbGivesWithoutLegacyEventPositionsIsRejected() {
        ErrorRecord error =
                rejected(
                        ORDERS.create(
                                order(42L, "acme", 5),
                                ORDERS.source(FILE, -68L, null, COMMIT_MILLIS),
                                CAPTURED));

        assertThat(error.getCode()).isEqualTo("MALFORMED_RECORD");
        assertThat(error.getMessage())
                .contains("source.pos -68")
                .contains("binlog_legacy_event_pos=ON");
    }

    @Test
    void changeOfAConnectorWithoutAnOrderablePositionIsRejected() {
        // SQL Server's source block: positions are change_lsn/commit_lsn, which are not ordered
        // yet.
        Schema sourceSchema =
                SchemaBuilder.struct()
                        .name("io.debezium.connector.sqlserver.Source")
                        .field("connector", Schema.STRING_SCHEMA)
                        .field("db", Schema.STRING_SCHEMA)
                        .field("schema", Schema.STRING_SCHEMA)
                        .field("table", Schema.STRING_SCHEMA)
                        .field("change_lsn", Schema.OPTIONAL_STRING_SCHEMA)
                        .build();
        Schema row = SchemaBuilder.struct().field("id", Schema.INT64_SCHEMA).optional().build();
        io.debezium.data.Envelope envelope =
                io.debezium.data.Envelope.defineSchema()
                        .withName("erp.dbo.orders.Envelope")
                        .withRecord(row)
                        .withSource(sourceSchema)
                        .build();
        Struct source =
                new Struct(sourceSchema)
                        .put("connector", "sqlserver")
                        .put("db", "erp")
                        .put("schema", "dbo")
                        .put("table", "orders")
                        .put("change_lsn", "0000002b:00000450:0003");
        SourceRecord record =
                new SourceRecord(
                        Map.of(),
                        Map.of(),
                        "erp.dbo.orders",
                        null,
                        null,
                        null,
                        envelope.schema(),
                        envelope.create(new Struct(row).put("id", 1L), source, CAPTURED));

        ErrorRecord error = rejected(record);

        assertThat(error.getCode()).isEqualTo("DEBEZIUM_UNSUPPORTED_CONNECTOR");
        assertThat(error.getMessage())
                .isEqualTo(
                        "change on topic 'erp.dbo.orders' comes from connector 'sqlserver', whose"
                                + " position Syncline cannot order (postgresql needs source.lsn,"
                                + " mysql source.file and source.pos); read only Postgres, MySQL"
                                + " or MariaDB databases this way");
    }

    private static Struct order(long id, String tenant, Integer quantity) {
        return ORDERS.row().put("id", id).put("tenant_id", tenant).put("quantity", quantity);
    }

    private static Map<String, FieldValue> orderImage(long id, String tenant, int quantity) {
        Map<String, FieldValue> image = new LinkedHashMap<>();
        image.put("id", new FieldValue(FieldKind.LONG, id));
        image.put("tenant_id", new FieldValue(FieldKind.STRING, tenant));
        image.put("quantity", new FieldValue(FieldKind.INT, quantity));
        return image;
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
