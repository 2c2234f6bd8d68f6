package io.syncline.operators.errors;

import static org.assertj.core.api.Assertions.assertThat;

import io.syncline.operators.TableDatabase;
import io.syncline.schema.ChangeEvent;
import io.syncline.schema.ErrorClass;
import io.syncline.schema.ErrorRecord;
import io.syncline.schema.FieldKind;
import io.syncline.schema.FieldValue;
import io.syncline.schema.Operation;
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

/** The errors table and its idempotent insert against a real PostgreSQL. */
class ErrorsTableTest {

    // A schema and a name that only work quoted.
    private static final ErrorsTable TABLE =
            new ErrorsTable("Ops", "Syncline Errors", new Escalation(Map.of("CONFLICT", 3)));

    @RegisterExtension
    static final TableDatabase DATABASE =
            new TableDatabase(
                    "errors_table", TABLE.schema(), TABLE.qualifiedName(), TABLE.createSql());

    private static final Instant RAISED = Instant.parse("2024-05-01T10:00:00Z");

    @Test
    void createSqlCreatesTheTableAndItsIndexesOnceAndIsSafeToRepeat() throws SQLException {
        DATABASE.execute(TABLE.createSql().toArray(String[]::new));

        assertThat(
                        DATABASE.query(
                                "SELECT indexname FROM pg_indexes WHERE schemaname = 'Ops'"
                                        + " AND tablename = 'Syncline Errors' ORDER BY indexname"))
                .extracting(row -> row.get("indexname"))
                .containsExactly(
                        "Syncline Errors_pkey",
                        "Syncline Errors_status_code_idx",
                        "Syncline Errors_tenant_time_idx");
    }

    @Test
    void insertStoresEveryFieldAndTheEscalationLevel() throws SQLException {
        ErrorRecord error = validationError("e-1", "CONFLICT", RAISED, change());

        assertThat(insert(error)).isEqualTo(1);

        Map<String, String> expected = new LinkedHashMap<>();
        expected.put("error_id", "e-1");
        expected.put("stage", "validate");
        expected.put("error_class", "PERMANENT");
        expected.put("code", "CONFLICT");
        expected.put("escalation_level", "3");
        expected.put("message", "email is not an email address; correct it in the source");
        expected.put("payload", "{email=not-an-email}");
        expected.put("field", "email");
        expected.put("entity_key", "acme/customer/42");
        expected.put("tenant", "acme");
        expected.put("entity_type", "customer");
        expected.put("source_id", "crm");
        expected.put("source_position", "0/16B3748");
        expected.put("rule_set_version", "7");
        expected.put("error_time", "2024-05-01 10:00:00+00");
        expected.put("status", "open");
        expected.put("status_changed_at", "2024-05-01 10:00:00+00");
        expected.put("status_note", null);
        expected.put("replay_count", "0");
        assertThat(rowsWithoutChange()).containsExactly(expected);
    }

    @Test
    void defaultLevelsAreStoredForCodesWithoutOne() throws SQLException {
        insert(error("permanent", "TENANT_MISSING", ErrorClass.PERMANENT, RAISED, null));
        insert(error("transient", "TARGET_UNREACHABLE", ErrorClass.TRANSIENT, RAISED, null));

        assertThat(
                        DATABASE.query(
                                "SELECT error_id, escalation_level FROM " + TABLE.qualifiedName()))
                .containsExactlyInAnyOrder(
                        Map.of("error_id", "permanent", "escalation_level", "2"),
                        Map.of("error_id", "transient", "escalation_level", "4"));
    }

    @Test
    void redeliveredErrorIsStoredOnce() throws SQLException {
        ErrorRecord error = validationError("e-1", "CONFLICT", RAISED, change());
        insert(error);
        List<Map<String, String>> before = rowsWithoutChange();

        int updated = insert(error);
        // Even a redelivery with a later time and another message leaves an open error as it is.
        insert(
                ErrorRecord.newBuilder(error)
                        .setTime(RAISED.plusSeconds(60))
                        .setMessage("other")
                        .build());

        assertThat(updated).isZero();
        assertThat(rowsWithoutChange()).isEqualTo(before);
    }

    @Test
    void changeIsStoredInSingleObjectEncodingAndDecodesToTheSameChange() throws Exception {
        ChangeEvent change = change();
        insert(validationError("e-1", "CONFLICT", RAISED, change));
        insert(error("no-change", "MALFORMED_RECORD", ErrorClass.PERMANENT, RAISED, null));

        Map<String, byte[]> stored = new LinkedHashMap<>();
        try (Statement statement = DATABASE.connection().createStatement();
                ResultSet rows =
                        statement.executeQuery(
                                "SELECT error_id, change FROM "
                                        + TABLE.qualifiedName()
                                        + " ORDER BY error_id")) {
            while (rows.next()) {
                stored.put(rows.getString(1), rows.getBytes(2));
            }
        }

        assertThat(ChangeEvent.getDecoder().decode(stored.get("e-1"))).isEqualTo(change);
        // The single-object header: marker C3 01, then the schema fingerprint.
        assertThat(stored.get("e-1")).startsWith((byte) 0xC3, (byte) 0x01);
        assertThat(stored).containsEntry("no-change", null);
    }

    @Test
    void replayedChangeThatFailsAgainReopensItsError() throws SQLException {
        ErrorRecord error = validationError("e-1", "CONFLICT", RAISED, change());
        insert(error);
        Instant replayedAt = RAISED.plusSeconds(3600);
        markReplayed("e-1", replayedAt);

        Instant failedAgain = replayedAt.plusSeconds(5);
        int updated =
                insert(
                        ErrorRecord.newBuilder(error)
                                .setTime(failedAgain)
                                .setMessage("still not an email address")
                                .setRuleSetVersion(8)
                                .build());

        assertThat(updated).isEqualTo(1);
        assertThat(rowsWithoutChange())
                .singleElement()
                .satisfies(
                        row -> {
                            assertThat(row.get("status")).isEqualTo("open");
                            assertThat(row.get("status_changed_at"))
                                    .isEqualTo("2024-05-01 11:00:05+00");
                            assertThat(row.get("status_note"))
                                    .isEqualTo("failed again after replay");
                            assertThat(row.get("message")).isEqualTo("still not an email address");
                            assertThat(row.get("rule_set_version")).isEqualTo("8");
                            assertThat(row.get("error_time")).isEqualTo("2024-05-01 11:00:05+00");
                            assertThat(row.get("replay_count")).isEqualTo("1");
                        });
    }

    @Test
    void lateRedeliveryOfTheOriginalErrorDoesNotReopenAReplayedOne() throws SQLException {
        ErrorRecord error = validationError("e-1", "CONFLICT", RAISED, change());
        insert(error);
        markReplayed("e-1", RAISED.plusSeconds(3600));
        List<Map<String, String>> replayed = rowsWithoutChange();

        int updated = insert(error);

        assertThat(updated).isZero();
        assertThat(rowsWithoutChange()).isEqualTo(replayed);
    }

    @Test
    void discardedErrorStaysDiscarded() throws SQLException {
        ErrorRecord error = validationError("e-1", "CONFLICT", RAISED, change());
        insert(error);
        execute(
                "UPDATE "
                        + TABLE.qualifiedName()
                        + " SET status = 'discarded', status_changed_at = '2024-05-01 11:00:00Z'");

        insert(ErrorRecord.newBuilder(error).setTime(RAISED.plusSeconds(7200)).build());

        assertThat(rowsWithoutChange())
                .singleElement()
                .satisfies(row -> assertThat(row.get("status")).isEqualTo("discarded"));
    }

    // ---- helpers

    private int insert(ErrorRecord error) throws SQLException {
        ErrorsTableInsert insert = TABLE.insertStatement();
        try (PreparedStatement statement = DATABASE.connection().prepareStatement(insert.query())) {
            insert.statement(statement, error);
            return statement.executeUpdate();
        }
    }

    /** What {@code syncline errors replay} does to a row. */
    private void markReplayed(String errorId, Instant at) throws SQLException {
        try (PreparedStatement statement =
                DATABASE.connection()
                        .prepareStatement(
                                "UPDATE "
                                        + TABLE.qualifiedName()
                                        + " SET status = 'replayed', status_changed_at = ?,"
                                        + " replay_count = replay_count + 1 WHERE error_id = ?")) {
            statement.setObject(
                    1, java.time.OffsetDateTime.ofInstant(at, java.time.ZoneOffset.UTC));
            statement.setString(2, errorId);
            assertThat(statement.executeUpdate()).isEqualTo(1);
        }
    }

    private void execute(String sql) throws SQLException {
        try (Statement statement = DATABASE.connection().createStatement()) {
            statement.execute(sql);
        }
    }

    private List<Map<String, String>> rowsWithoutChange() throws SQLException {
        List<Map<String, String>> rows = DATABASE.query("SELECT * FROM " + TABLE.qualifiedName());
        rows.forEach(row -> row.remove("change"));
        return rows;
    }

    private static ErrorRecord validationError(
            String errorId, String code, Instant time, ChangeEvent change) {
        return ErrorRecord.newBuilder(error(errorId, code, ErrorClass.PERMANENT, time, change))
                .setMessage("email is not an email address; correct it in the source")
                .setPayload("{email=not-an-email}")
                .setField("email")
                .setKey("acme/customer/42")
                .setTenant("acme")
                .setEntityType("customer")
                .setSourceId("crm")
                .setSourcePosition("0/16B3748")
                .setRuleSetVersion(7)
                .build();
    }

    private static ErrorRecord error(
            String errorId, String code, ErrorClass errorClass, Instant time, ChangeEvent change) {
        return ErrorRecord.newBuilder()
                .setErrorId(errorId)
                .setStage("validate")
                .setErrorClass(errorClass)
                .setCode(code)
                .setMessage("something is wrong")
                .setPayload("payload")
                .setTime(time)
                .setChange(change)
                .build();
    }

    private static ChangeEvent change() {
        Map<String, FieldValue> after = new LinkedHashMap<>();
        after.put("id", new FieldValue(FieldKind.LONG, 42L));
        after.put("email", new FieldValue(FieldKind.STRING, "not-an-email"));
        return ChangeEvent.newBuilder()
                .setEventId("crm/0/16B3748/acme/customer/42")
                .setTenant("acme")
                .setEntityType("customer")
                .setEntityId("42")
                .setOp(Operation.UPDATE)
                .setAfter(after)
                .setSourceCommitTime(Instant.parse("2024-05-01T09:59:59.123Z"))
                .setCaptureTime(Instant.parse("2024-05-01T09:59:59.456Z"))
                .setSourceId("crm")
                .setSourcePosition("0/16B3748")
                .setVersion(23_803_720L)
                .build();
    }
}
