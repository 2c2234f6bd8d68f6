package io.syncline.operators.resolve;

import static org.assertj.core.api.Assertions.assertThat;

import io.syncline.operators.TableDatabase;
import io.syncline.schema.ChangeEvent;
import io.syncline.schema.ConflictRecord;
import io.syncline.schema.ConflictStatus;
import io.syncline.schema.FieldKind;
import io.syncline.schema.FieldValue;
import io.syncline.schema.Operation;
import io.syncline.schema.ResolutionOutcome;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The conflicts table and its status-guarded upsert against a real PostgreSQL. */
class ConflictsTableTest {

    // A schema and a name that only work quoted.
    private static final ConflictsTable TABLE = new ConflictsTable("Ops", "Syncline Conflicts");

    @RegisterExtension
    static final TableDatabase DATABASE =
            new TableDatabase(
                    "conflicts_table", TABLE.schema(), TABLE.qualifiedName(), TABLE.createSql());

    private static final Instant DETECTED = Instant.parse("2024-05-01T10:00:00Z");
    private static final Instant DECIDED = Instant.parse("2024-05-01T11:30:00Z");

    private static final ConflictRecord PARKED = parked();
    private static final ConflictRecord DECIDED_RIGHT =
            ConflictRecord.newBuilder(PARKED)
                    .setStatus(ConflictStatus.RESOLVED)
                    .setOutcome(ResolutionOutcome.DECIDED)
                    .setResult(PARKED.getRight().getAfter())
                    .setDetectedAt(DECIDED)
                    .setDecidedAt(DECIDED)
                    .setDecidedBy("ada")
                    .setDecision("right")
                    .build();

    @Test
    void createSqlCreatesTheTableAndItsIndexesOnceAndIsSafeToRepeat() throws SQLException {
        DATABASE.execute(TABLE.createSql().toArray(String[]::new));

        assertThat(
                        DATABASE.query(
                                "SELECT indexname FROM pg_indexes WHERE schemaname = 'Ops'"
                                        + " AND tablename = 'Syncline Conflicts'"
                                        + " ORDER BY indexname"))
                .extracting(row -> row.get("indexname"))
                .containsExactly(
                        "Syncline Conflicts_pkey",
                        "Syncline Conflicts_status_idx",
                        "Syncline Conflicts_tenant_entity_type_idx");
    }

    @Test
    void upsertStoresEveryColumnOfAnOpenConflict() throws SQLException {
        assertThat(upsert(PARKED)).isEqualTo(1);

        Map<String, String> expected = new LinkedHashMap<>();
        expected.put("conflict_id", "c-1");
        expected.put("tenant", "acme");
        expected.put("entity_type", "customer");
        expected.put("entity_id", "42");
        expected.put("strategy", "manual");
        expected.put("status", "open");
        expected.put("outcome", "PARKED");
        expected.put("result", null);
        expected.put("left_source", "crm");
        expected.put("right_source", "billing");
        expected.put("detected_at", "2024-05-01 10:00:00+00");
        expected.put("decided_at", null);
        expected.put("decided_by", null);
        expected.put("decision", null);
        assertThat(rowsWithoutEvents()).containsExactly(expected);
    }

    @Test
    void bothVersionsAreStoredAsQueryableJson() throws SQLException {
        upsert(DECIDED_RIGHT);

        assertThat(
                        DATABASE.query(
                                "SELECT left_event->>'eventId' AS left_id,"
                                        + " left_event->>'op' AS left_op,"
                                        + " left_event->>'sourceCommitTime' AS left_committed,"
                                        + " (left_event->>'version')::bigint AS left_version,"
                                        + " left_event->'vectorClock'->>'crm' AS left_clock,"
                                        + " left_event->'after'->>'email' AS left_email,"
                                        + " left_event->'after'->>'balance' AS left_balance,"
                                        + " jsonb_typeof(left_event->'after'->'note') AS left_note,"
                                        + " jsonb_typeof(left_event->'before') AS left_before,"
                                        + " right_event->'after'->>'email' AS right_email,"
                                        + " right_event->>'sourceId' AS right_source,"
                                        + " result->>'email' AS result_email,"
                                        + " result->>'id' AS result_id FROM "
                                        + TABLE.qualifiedName()))
                .containsExactly(
                        row(
                                "left_id", "crm/0/1/acme/customer/42",
                                "left_op", "UPDATE",
                                "left_committed", "2024-05-01T09:00:00Z",
                                "left_version", "16",
                                "left_clock", "3",
                                "left_email", "ada@acme.example",
                                "left_balance", "12.50",
                                "left_note", "null",
                                "left_before", "null",
                                "right_email", "ada@billing.example",
                                "right_source", "billing",
                                "result_email", "ada@billing.example",
                                "result_id", "42"));
    }

    @Test
    void bothVersionsAreStoredInSingleObjectEncodingAndDecodeToTheSameChanges() throws Exception {
        upsert(PARKED);

        try (Statement statement = DATABASE.connection().createStatement();
                ResultSet rows =
                        statement.executeQuery(
                                "SELECT left_change, right_change FROM " + TABLE.qualifiedName())) {
            assertThat(rows.next()).isTrue();
            assertThat(ChangeEvent.getDecoder().decode(rows.getBytes(1)))
                    .isEqualTo(PARKED.getLeft());
            assertThat(ChangeEvent.getDecoder().decode(rows.getBytes(2)))
                    .isEqualTo(PARKED.getRight());
        }
    }

    @Test
    void redeliveredOpenConflictChangesNothing() throws SQLException {
        upsert(PARKED);
        List<Map<String, String>> before = DATABASE.query("SELECT * FROM " + TABLE.qualifiedName());

        int updated =
                upsert(
                        ConflictRecord.newBuilder(PARKED)
                                .setDetectedAt(DETECTED.plusSeconds(60))
                                .build());

        assertThat(updated).isZero();
        assertThat(DATABASE.query("SELECT * FROM " + TABLE.qualifiedName())).isEqualTo(before);
    }

    @Test
    void resolvedRecordResolvesTheOpenConflict() throws SQLException {
        upsert(PARKED);

        int updated = upsert(DECIDED_RIGHT);

        assertThat(updated).isEqualTo(1);
        assertThat(rowsWithoutEvents())
                .singleElement()
                .satisfies(
                        row -> {
                            assertThat(row.get("status")).isEqualTo("resolved");
                            assertThat(row.get("outcome")).isEqualTo("DECIDED");
                            assertThat(row.get("decided_at")).isEqualTo("2024-05-01 11:30:00+00");
                            assertThat(row.get("decided_by")).isEqualTo("ada");
                            assertThat(row.get("decision")).isEqualTo("right");
                            // When it was found, not when the resolved record was stamped.
                            assertThat(row.get("detected_at")).isEqualTo("2024-05-01 10:00:00+00");
                        });
    }

    @Test
    void openRecordAfterItsResolvedOneDoesNotReopenIt() throws SQLException {
        upsert(PARKED);
        upsert(DECIDED_RIGHT);
        List<Map<String, String>> resolved =
                DATABASE.query("SELECT * FROM " + TABLE.qualifiedName());

        int updated = upsert(PARKED);

        assertThat(updated).isZero();
        assertThat(DATABASE.query("SELECT * FROM " + TABLE.qualifiedName())).isEqualTo(resolved);
    }

    @Test
    void conflictStoredResolvedFirstStaysResolved() throws SQLException {
        // A replay can deliver the decision before the conflict it decided was ever stored.
        upsert(DECIDED_RIGHT);

        upsert(PARKED);

        assertThat(rowsWithoutEvents())
                .singleElement()
                .satisfies(row -> assertThat(row.get("status")).isEqualTo("resolved"));
    }

    @Test
    void aDecidedConflictKeepsItsFirstDecision() throws SQLException {
        upsert(DECIDED_RIGHT);

        int updated =
                upsert(
                        ConflictRecord.newBuilder(DECIDED_RIGHT)
                                .setDecision("left")
                                .setDecidedBy("bob")
                                .setResult(PARKED.getLeft().getAfter())
                                .build());

        assertThat(updated).isZero();
        assertThat(rowsWithoutEvents())
                .singleElement()
                .satisfies(
                        row -> {
                            assertThat(row.get("decision")).isEqualTo("right");
                            assertThat(row.get("decided_by")).isEqualTo("ada");
                        });
    }

    @Test
    void statusesAreTheLowerCaseNamesOfTheRecordsStatuses() {
        assertThat(ConflictsTable.statusOf(ConflictStatus.OPEN)).isEqualTo(ConflictsTable.OPEN);
        assertThat(ConflictsTable.statusOf(ConflictStatus.RESOLVED))
                .isEqualTo(ConflictsTable.RESOLVED);
    }

    // ---- helpers

    private int upsert(ConflictRecord conflict) throws SQLException {
        ConflictsTableUpsert upsert = TABLE.upsertStatement();
        try (PreparedStatement statement = DATABASE.connection().prepareStatement(upsert.query())) {
            upsert.statement(statement, conflict);
            return statement.executeUpdate();
        }
    }

    private List<Map<String, String>> rowsWithoutEvents() throws SQLException {
        List<Map<String, String>> rows = DATABASE.query("SELECT * FROM " + TABLE.qualifiedName());
        for (Map<String, String> row : rows) {
            row.remove("left_event");
            row.remove("right_event");
            row.remove("left_change");
            row.remove("right_change");
        }
        return rows;
    }

    private static Map<String, String> row(String... namesAndValues) {
        Map<String, String> row = new LinkedHashMap<>();
        for (int i = 0; i < namesAndValues.length; i += 2) {
            row.put(namesAndValues[i], namesAndValues[i + 1]);
        }
        return row;
    }

    private static ConflictRecord parked() {
        return ConflictRecord.newBuilder()
                .setConflictId("c-1")
                .setTenant("acme")
                .setEntityType("customer")
                .setEntityId("42")
                .setStrategy("manual")
                .setStatus(ConflictStatus.OPEN)
                .setOutcome(ResolutionOutcome.PARKED)
                .setLeft(version("crm", "0/1", 16L, "ada@acme.example", "09:00:00"))
                .setRight(version("billing", "0/2", 17L, "ada@billing.example", "09:00:05"))
                .setDetectedAt(DETECTED)
                .build();
    }

    private static ChangeEvent version(
            String source, String position, long version, String email, String committedAt) {
        Map<String, FieldValue> after = new LinkedHashMap<>();
        after.put("id", new FieldValue(FieldKind.LONG, 42L));
        after.put("email", new FieldValue(FieldKind.STRING, email));
        after.put("balance", new FieldValue(FieldKind.DECIMAL, "12.50"));
        after.put("note", new FieldValue(FieldKind.STRING, null));
        return ChangeEvent.newBuilder()
                .setEventId(source + "/" + position + "/acme/customer/42")
                .setTenant("acme")
                .setEntityType("customer")
                .setEntityId("42")
                .setOp(Operation.UPDATE)
                .setAfter(after)
                .setSourceCommitTime(Instant.parse("2024-05-01T" + committedAt + "Z"))
                .setCaptureTime(Instant.parse("2024-05-01T" + committedAt + "Z").plusMillis(300))
                .setSourceId(source)
                .setSourcePosition(position)
                .setVersion(version)
                .setVectorClock(Map.of(source, 3L))
                .build();
    }
}
