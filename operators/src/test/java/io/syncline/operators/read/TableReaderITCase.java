package io.syncline.operators.read;

import static org.assertj.core.api.Assertions.assertThat;

import io.syncline.embedded.PostgresExtension;
import io.syncline.operators.decode.TableBinding;
import io.syncline.operators.sink.TargetColumn;
import io.syncline.schema.ChangeEvent;
import io.syncline.schema.ErrorRecord;
import io.syncline.schema.FieldKind;
import io.syncline.schema.FieldValue;
import io.syncline.schema.Operation;
import java.nio.ByteBuffer;
import java.sql.Connection;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.flink.types.Either;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Reading source rows for backfills and re-syncs against real PostgreSQL: chunks in key order that
 * cover a tenant's rows once, values of the kinds the change stream gives them, key bounds, and
 * re-reads by id where a row the source no longer holds comes back as a delete.
 */
class TableReaderITCase {

    @RegisterExtension static final PostgresExtension POSTGRES = new PostgresExtension();

    private static final String DATABASE = "table_reader";
    private static final Instant NOW = Instant.parse("2024-05-01T10:00:00Z");
    private static final Duration LAG = Duration.ofSeconds(10);

    private static final SourceTable ACCOUNTS =
            new SourceTable(
                    "crm",
                    new TableBinding(
                            "public", "accounts", "account", List.of("id"), "tenant", null),
                    List.of(
                            new TargetColumn("id", "integer"),
                            new TargetColumn("tenant", "text"),
                            new TargetColumn("balance", "numeric(12,2)"),
                            new TargetColumn("opened", "date"),
                            new TargetColumn("seen_at", "timestamp with time zone"),
                            new TargetColumn("local_at", "timestamp without time zone"),
                            new TargetColumn("at_time", "time without time zone"),
                            new TargetColumn("tags", "integer[]"),
                            new TargetColumn("doc", "jsonb"),
                            new TargetColumn("blob", "bytea"),
                            new TargetColumn("ref", "uuid"),
                            new TargetColumn("active", "boolean"),
                            new TargetColumn("score", "double precision"),
                            new TargetColumn("big", "bigint")));

    private static final SourceTable LINES =
            new SourceTable(
                    "crm",
                    new TableBinding(
                            "public",
                            "lines",
                            "line",
                            List.of("order_no", "line_no"),
                            null,
                            "acme"),
                    List.of(
                            new TargetColumn("order_no", "text"),
                            new TargetColumn("line_no", "integer"),
                            new TargetColumn("qty", "integer")));

    @BeforeAll
    static void createTables() {
        POSTGRES.createDatabase(DATABASE);
        POSTGRES.execute(
                DATABASE,
                "CREATE TABLE accounts (id integer PRIMARY KEY, tenant text, balance numeric(12,2),"
                        + " opened date, seen_at timestamptz, local_at timestamp, at_time time,"
                        + " tags integer[], doc jsonb, blob bytea, ref uuid, active boolean,"
                        + " score double precision, big bigint)",
                "INSERT INTO accounts (id, tenant, balance) SELECT i, CASE WHEN i % 2 = 0 THEN"
                        + " 'acme' ELSE 'globex' END, i * 1.5 FROM generate_series(1, 20) i",
                "UPDATE accounts SET opened = '2024-02-29', seen_at = '2024-05-01"
                        + " 12:30:15.123456+02', local_at = '2024-05-01 12:30:15.5', at_time ="
                        + " '08:15:30.25', tags = '{1,2,3}', doc = '{\"a\": [1, \"x\"]}', blob ="
                        + " '\\x0aff', ref = 'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11', active ="
                        + " true, score = 0.1, big = 9007199254740993 WHERE id = 4",
                "UPDATE accounts SET tenant = NULL WHERE id = 19",
                "CREATE TABLE lines (order_no text, line_no integer, qty integer, PRIMARY KEY"
                        + " (order_no, line_no))",
                "INSERT INTO lines SELECT 'o-' || (i / 3), i % 3, i FROM generate_series(0, 11) i");
    }

    @Test
    void chunksCoverATenantsRowsOnceInKeyOrder() throws Exception {
        TableReader reader = new TableReader(ACCOUNTS, "backfill-1");
        List<ChangeEvent> read = new ArrayList<>();
        try (Connection connection = POSTGRES.connect(DATABASE)) {
            TableReader.KeyBounds bounds = TableReader.KeyBounds.ALL;
            while (true) {
                TableReader.Chunk chunk =
                        reader.read(connection, RowSelection.tenant("acme"), bounds, 3, LAG, NOW);
                chunk.rows().forEach(row -> read.add(row.right()));
                if (chunk.isLast(3)) {
                    break;
                }
                bounds = bounds.continuingAfter(chunk.lastKey());
            }
        }

        assertThat(read)
                .extracting(ChangeEvent::getEntityId)
                .containsExactly("2", "4", "6", "8", "10", "12", "14", "16", "18", "20");
        assertThat(read)
                .allSatisfy(
                        change -> {
                            assertThat(change.getTenant()).isEqualTo("acme");
                            assertThat(change.getOp()).isEqualTo(Operation.READ);
                            assertThat(change.getResync()).isEqualTo("backfill-1");
                            assertThat(change.getSourceId()).isEqualTo("crm");
                            assertThat(change.getVersion()).isPositive();
                            assertThat(change.getEventId())
                                    .startsWith("backfill-1/crm/" + change.getVersion() + "/");
                            assertThat(change.getCaptureTime()).isEqualTo(NOW);
                        });
        ChangeEvent first = read.get(0);
        assertThat(first.getSourceCommitTime()).isBefore(Instant.now().minus(LAG).plusSeconds(1));
    }

    @Test
    void valuesHaveTheKindsTheChangeStreamGivesThem() throws Exception {
        ChangeEvent account = readIds(ACCOUNTS, "acme", List.of("4")).get(0).right();
        Map<String, FieldValue> after = account.getAfter();

        assertThat(after.get("id")).isEqualTo(new FieldValue(FieldKind.INT, 4));
        assertThat(after.get("balance")).isEqualTo(new FieldValue(FieldKind.DECIMAL, "6.00"));
        assertThat(after.get("opened"))
                .isEqualTo(
                        new FieldValue(
                                FieldKind.DATE, (int) LocalDate.parse("2024-02-29").toEpochDay()));
        assertThat(after.get("seen_at"))
                .isEqualTo(new FieldValue(FieldKind.TIMESTAMP_TZ, "2024-05-01T10:30:15.123456Z"));
        assertThat(after.get("local_at"))
                .isEqualTo(
                        new FieldValue(
                                FieldKind.TIMESTAMP,
                                Instant.parse("2024-05-01T12:30:15.5Z").toEpochMilli() * 1000));
        assertThat(after.get("at_time"))
                .isEqualTo(
                        new FieldValue(
                                FieldKind.TIME, (8 * 3600 + 15 * 60 + 30) * 1_000_000L + 250_000));
        assertThat(after.get("tags")).isEqualTo(new FieldValue(FieldKind.JSON, "[1,2,3]"));
        assertThat(after.get("doc"))
                .isEqualTo(new FieldValue(FieldKind.JSON, "{\"a\": [1, \"x\"]}"));
        assertThat(after.get("blob"))
                .isEqualTo(
                        new FieldValue(
                                FieldKind.BYTES, ByteBuffer.wrap(new byte[] {0x0a, (byte) 0xff})));
        assertThat(after.get("ref"))
                .isEqualTo(new FieldValue(FieldKind.UUID, "a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11"));
        assertThat(after.get("active")).isEqualTo(new FieldValue(FieldKind.BOOLEAN, true));
        assertThat(after.get("score")).isEqualTo(new FieldValue(FieldKind.DOUBLE, 0.1));
        assertThat(after.get("big")).isEqualTo(new FieldValue(FieldKind.LONG, 9007199254740993L));
        assertThat(after.get("tenant")).isEqualTo(new FieldValue(FieldKind.STRING, "acme"));
    }

    @Test
    void idsAreReadInOneSnapshotAndThoseTheSourceNoLongerHoldsBecomeDeletesOfKeyAndTenant()
            throws Exception {
        TableReader reader = new TableReader(ACCOUNTS, "resync-r1");
        try (Connection connection = POSTGRES.connect(DATABASE)) {
            TableReader.Chunk chunk =
                    reader.readIds(connection, "acme", List.of("6", "999", "7"), LAG, NOW);

            assertThat(chunk.rows())
                    .extracting(row -> row.right().getEntityId() + ":" + row.right().getOp())
                    .containsExactly("6:READ");
            List<ChangeEvent> deletes =
                    reader.deletesOf(List.of("999", "7"), "acme", chunk.point(), LAG, NOW);
            assertThat(deletes).extracting(ChangeEvent::getEntityId).containsExactly("999", "7");
            ChangeEvent delete = deletes.get(0);
            assertThat(delete.getOp()).isEqualTo(Operation.DELETE);
            assertThat(delete.getTenant()).isEqualTo("acme");
            assertThat(delete.getVersion()).isEqualTo(chunk.point().lsn());
            assertThat(delete.getSourceCommitTime().toEpochMilli())
                    .isEqualTo(chunk.point().time().minus(LAG).toEpochMilli());
            assertThat(delete.getBefore())
                    .containsEntry("id", new FieldValue(FieldKind.STRING, "999"))
                    .containsEntry("tenant", new FieldValue(FieldKind.STRING, "acme"));
            assertThat(delete.getResync()).isEqualTo("resync-r1");
        }
    }

    @Test
    void aRowWithoutTenantIsAnErrorNamingTheTable() throws Exception {
        TableReader reader = new TableReader(ACCOUNTS, "backfill-2");
        try (Connection connection = POSTGRES.connect(DATABASE)) {
            TableReader.Chunk chunk =
                    reader.read(
                            connection,
                            new RowSelection(null, "id BETWEEN 18 AND 20", List.of(), null, null),
                            TableReader.KeyBounds.ALL,
                            10,
                            LAG,
                            NOW);

            assertThat(chunk.rows()).hasSize(3);
            ErrorRecord error = chunk.rows().get(1).left();
            assertThat(error.getCode()).isEqualTo("TENANT_MISSING");
            assertThat(error.getMessage()).contains("public.accounts").contains("'tenant'");
            assertThat(chunk.rows().get(0).right().getEntityId()).isEqualTo("18");
            assertThat(chunk.rows().get(2).right().getEntityId()).isEqualTo("20");
        }
    }

    @Test
    void compositeKeysReadWithinBoundsAndById() throws Exception {
        TableReader reader = new TableReader(LINES, "backfill-3");
        try (Connection connection = POSTGRES.connect(DATABASE)) {
            TableReader.Chunk chunk =
                    reader.read(
                            connection,
                            RowSelection.tenant("acme"),
                            new TableReader.KeyBounds(
                                    List.of("o-1", "1"), null, List.of("o-2", "2")),
                            100,
                            LAG,
                            NOW);

            assertThat(chunk.rows())
                    .extracting(row -> row.right().getEntityId())
                    .containsExactly("o-1/1", "o-1/2", "o-2/0", "o-2/1");
            assertThat(chunk.lastKey()).containsExactly("o-2", "1");

            TableReader.Chunk other =
                    reader.read(
                            connection,
                            RowSelection.tenant("globex"),
                            TableReader.KeyBounds.ALL,
                            100,
                            LAG,
                            NOW);
            assertThat(other.rows()).isEmpty();
        }
        assertThat(readIds(LINES, "acme", List.of("o-3/2", "o-9/1")))
                .extracting(row -> row.right().getEntityId() + ":" + row.right().getOp())
                .containsExactly("o-3/2:READ");
    }

    private static List<Either<ErrorRecord, ChangeEvent>> readIds(
            SourceTable table, String tenant, List<String> ids) throws Exception {
        try (Connection connection = POSTGRES.connect(DATABASE)) {
            return new TableReader(table, "resync-r1")
                    .readIds(connection, tenant, ids, LAG, NOW)
                    .rows();
        }
    }
}
