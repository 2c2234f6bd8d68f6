package io.syncline.operators.alert;

import static org.assertj.core.api.Assertions.assertThat;

import io.syncline.operators.TableDatabase;
import io.syncline.schema.Alert;
import io.syncline.schema.AlertSeverity;
import io.syncline.schema.AlertStatus;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The alerts table and its status-guarded upsert against a real PostgreSQL. */
class AlertsTableTest {

    // A schema and a name that only work quoted.
    private static final AlertsTable TABLE = new AlertsTable("Ops", "Syncline Alerts");

    @RegisterExtension
    static final TableDatabase DATABASE =
            new TableDatabase(
                    "alerts_table", TABLE.schema(), TABLE.qualifiedName(), TABLE.createSql());

    private static final Instant FIRED_AT = Instant.parse("2024-05-01T10:01:00Z");
    private static final Instant RESOLVED_AT = Instant.parse("2024-05-01T10:05:00Z");

    @Test
    void createSqlCreatesTheTableAndItsIndexOnceAndIsSafeToRepeat() throws SQLException {
        DATABASE.execute(TABLE.createSql().toArray(String[]::new));

        assertThat(
                        DATABASE.query(
                                "SELECT indexname FROM pg_indexes WHERE schemaname = 'Ops'"
                                        + " AND tablename = 'Syncline Alerts' ORDER BY indexname"))
                .extracting(row -> row.get("indexname"))
                .containsExactly("Syncline Alerts_fired_at_idx", "Syncline Alerts_pkey");
        assertThat(
                        DATABASE.query(
                                "SELECT column_name FROM information_schema.columns WHERE table_schema"
                                        + " = 'Ops' AND table_name = 'Syncline Alerts' ORDER BY"
                                        + " ordinal_position"))
                .extracting(row -> row.get("column_name"))
                .containsExactlyElementsOf(AlertsTable.ALL_COLUMNS);
    }

    @Test
    void aFiringAlertIsStoredWithEveryField() throws SQLException {
        assertThat(upsert(firing())).isEqualTo(1);

        Map<String, String> expected = new LinkedHashMap<>();
        expected.put("alert_id", "quality/accuracy/t2/customer@1714557660000");
        expected.put("condition", "quality/accuracy/t2/customer");
        expected.put("kind", "quality");
        expected.put("severity", "warning");
        expected.put("status", "firing");
        expected.put("tenant", "t2");
        expected.put("entity_type", "customer");
        expected.put("source_id", null);
        expected.put("metric", "accuracy");
        expected.put("value", "0.9");
        expected.put("threshold", "0.99");
        expected.put("message", "accuracy of customer for tenant t2 is 90.0 % (threshold 99.0 %)");
        expected.put("fired_at", "2024-05-01 10:01:00+00");
        expected.put("resolved_at", null);
        assertThat(rows()).containsExactly(expected);
    }

    @Test
    void aResolvedAlertClosesItsRowAndKeepsWhatItSaidWhenItFired() throws SQLException {
        upsert(firing());

        int updated = upsert(resolved());

        assertThat(updated).isEqualTo(1);
        assertThat(rows())
                .singleElement()
                .satisfies(
                        row -> {
                            assertThat(row.get("status")).isEqualTo("resolved");
                            assertThat(row.get("resolved_at")).isEqualTo("2024-05-01 10:05:00+00");
                            assertThat(row.get("fired_at")).isEqualTo("2024-05-01 10:01:00+00");
                            assertThat(row.get("value")).isEqualTo("0.9");
                            assertThat(row.get("message"))
                                    .isEqualTo(
                                            "accuracy of customer for tenant t2 is 90.0 % (threshold 99.0 %)");
                        });
    }

    @Test
    void aFiringRedeliveredAfterItsResolvedDoesNotReopenIt() throws SQLException {
        upsert(firing());
        upsert(resolved());
        List<Map<String, String>> closed = rows();

        int updated = upsert(firing());

        assertThat(updated).isZero();
        assertThat(rows()).isEqualTo(closed);
    }

    @Test
    void aRedeliveredAlertChangesNothing() throws SQLException {
        upsert(firing());
        List<Map<String, String>> open = rows();

        int firingAgain =
                upsert(Alert.newBuilder(firing()).setMessage("other").setValue(0.5).build());
        upsert(resolved());
        List<Map<String, String>> closed = rows();
        int resolvedAgain =
                upsert(Alert.newBuilder(resolved()).setTime(RESOLVED_AT.plusSeconds(60)).build());

        assertThat(firingAgain).isZero();
        assertThat(open.get(0).get("message"))
                .isEqualTo("accuracy of customer for tenant t2 is 90.0 % (threshold 99.0 %)");
        assertThat(resolvedAgain).isZero();
        assertThat(rows()).isEqualTo(closed);
    }

    @Test
    void aResolvedThatArrivesFirstIsStoredResolved() throws SQLException {
        upsert(resolved());
        upsert(firing());

        assertThat(rows())
                .singleElement()
                .satisfies(
                        row -> {
                            assertThat(row.get("status")).isEqualTo("resolved");
                            assertThat(row.get("resolved_at")).isEqualTo("2024-05-01 10:05:00+00");
                        });
    }

    @Test
    void aSourceAlertHasNoTenant() throws SQLException {
        upsert(
                Alert.newBuilder(firing())
                        .setAlertId("source-stalled/crm@1714557660000")
                        .setCondition("source-stalled/crm")
                        .setKind("source-stalled")
                        .setSeverity(AlertSeverity.CRITICAL)
                        .setTenant(null)
                        .setEntityType(null)
                        .setSourceId("crm")
                        .setMetric("lag_millis")
                        .setValue(390_000)
                        .setThreshold(300_000)
                        .build());

        assertThat(
                        DATABASE.query(
                                "SELECT severity, tenant, entity_type, source_id, value FROM "
                                        + TABLE.qualifiedName()))
                .containsExactly(
                        row(
                                "severity",
                                "critical",
                                "tenant",
                                null,
                                "entity_type",
                                null,
                                "source_id",
                                "crm",
                                "value",
                                "390000"));
    }

    private static Map<String, String> row(String... namesAndValues) {
        Map<String, String> row = new LinkedHashMap<>();
        for (int i = 0; i < namesAndValues.length; i += 2) {
            row.put(namesAndValues[i], namesAndValues[i + 1]);
        }
        return row;
    }

    private static Alert firing() {
        return Alert.newBuilder()
                .setAlertId("quality/accuracy/t2/customer@" + FIRED_AT.toEpochMilli())
                .setCondition("quality/accuracy/t2/customer")
                .setSeverity(AlertSeverity.WARNING)
                .setStatus(AlertStatus.FIRING)
                .setKind("quality")
                .setTenant("t2")
                .setEntityType("customer")
                .setMetric("accuracy")
                .setValue(0.9)
                .setThreshold(0.99)
                .setMessage("accuracy of customer for tenant t2 is 90.0 % (threshold 99.0 %)")
                .setFiredAt(FIRED_AT)
                .setTime(FIRED_AT)
                .build();
    }

    private static Alert resolved() {
        return Alert.newBuilder(firing())
                .setStatus(AlertStatus.RESOLVED)
                .setValue(0.995)
                .setMessage("accuracy of customer for tenant t2 is 99.5 % (threshold 99.0 %)")
                .setTime(RESOLVED_AT)
                .build();
    }

    private int upsert(Alert alert) throws SQLException {
        AlertsTableUpsert upsert = TABLE.upsertStatement();
        try (PreparedStatement statement = DATABASE.connection().prepareStatement(upsert.query())) {
            upsert.statement(statement, alert);
            return statement.executeUpdate();
        }
    }

    private List<Map<String, String>> rows() throws SQLException {
        return DATABASE.query("SELECT * FROM " + TABLE.qualifiedName());
    }
}
