package io.syncline.operators.quality;

import static org.assertj.core.api.Assertions.assertThat;

import io.syncline.operators.TableDatabase;
import io.syncline.schema.QualityMetrics;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The quality metrics table and its upsert against a real PostgreSQL. */
class QualityMetricsTableTest {

    // A schema and a name that only work quoted.
    private static final QualityMetricsTable TABLE =
            new QualityMetricsTable("Ops", "Quality Metrics");

    @RegisterExtension
    static final TableDatabase DATABASE =
            new TableDatabase(
                    "quality_table", TABLE.schema(), TABLE.qualifiedName(), TABLE.createSql());

    private static final Instant START = Instant.parse("2024-05-01T10:00:00Z");
    private static final Instant END = Instant.parse("2024-05-01T10:01:00Z");

    @Test
    void createSqlCreatesTheTableAndItsIndexOnceAndIsSafeToRepeat() throws SQLException {
        DATABASE.execute(TABLE.createSql().toArray(String[]::new));

        assertThat(
                        DATABASE.query(
                                "SELECT indexname FROM pg_indexes WHERE schemaname = 'Ops'"
                                        + " AND tablename = 'Quality Metrics' ORDER BY indexname"))
                .extracting(row -> row.get("indexname"))
                .containsExactly("Quality Metrics_pkey", "Quality Metrics_window_start_idx");
        assertThat(
                        DATABASE.query(
                                "SELECT column_name, data_type, is_nullable"
                                        + " FROM information_schema.columns"
                                        + " WHERE table_schema = 'Ops'"
                                        + " AND table_name = 'Quality Metrics'"
                                        + " ORDER BY ordinal_position"))
                .extracting(
                        row ->
                                row.get("column_name")
                                        + " "
                                        + row.get("data_type")
                                        + ("NO".equals(row.get("is_nullable")) ? " NOT NULL" : ""))
                .containsExactly(
                        "tenant text NOT NULL",
                        "entity_type text NOT NULL",
                        "window_kind text NOT NULL",
                        "window_start timestamp with time zone NOT NULL",
                        "window_end timestamp with time zone NOT NULL",
                        "sync_class text NOT NULL",
                        "latency_target_ms bigint NOT NULL",
                        "validated bigint NOT NULL",
                        "rejected bigint NOT NULL",
                        "corrected bigint NOT NULL",
                        "failed bigint NOT NULL",
                        "duplicates bigint NOT NULL",
                        "conflicts bigint NOT NULL",
                        "delivered bigint NOT NULL",
                        "read_back_sampled bigint NOT NULL",
                        "completeness double precision",
                        "accuracy double precision",
                        "consistency double precision",
                        "timeliness double precision",
                        "error_rate double precision",
                        "lag_p50_ms bigint",
                        "lag_p95_ms bigint",
                        "lag_p99_ms bigint",
                        "lag_max_ms bigint",
                        "error_codes jsonb NOT NULL");
    }

    @Test
    void upsertStoresEveryColumn() throws SQLException {
        assertThat(upsert(fullWindow())).isEqualTo(1);

        Map<String, String> expected = new LinkedHashMap<>();
        expected.put("tenant", "acme");
        expected.put("entity_type", "customer");
        expected.put("window_kind", "tumbling");
        expected.put("window_start", "2024-05-01 10:00:00+00");
        expected.put("window_end", "2024-05-01 10:01:00+00");
        expected.put("sync_class", "real-time");
        expected.put("latency_target_ms", "5000");
        expected.put("validated", "4");
        expected.put("rejected", "1");
        expected.put("corrected", "1");
        expected.put("failed", "1");
        expected.put("duplicates", "2");
        expected.put("conflicts", "3");
        expected.put("delivered", "4");
        expected.put("read_back_sampled", "10");
        expected.put("completeness", "0.875");
        expected.put("accuracy", "0.75");
        expected.put("consistency", "0.9");
        expected.put("timeliness", "0.75");
        expected.put("error_rate", "0.4");
        expected.put("lag_p50_ms", "198");
        expected.put("lag_p95_ms", "5945");
        expected.put("lag_p99_ms", "5945");
        expected.put("lag_max_ms", "6000");
        expected.put("error_codes", "{\"EMAIL_FORMAT\": 1, \"TARGET_UNREACHABLE\": 1}");
        assertThat(rows()).containsExactly(expected);
    }

    @Test
    void unknownSharesAndLagsAreStoredAsNull() throws SQLException {
        upsert(emptyWindow());

        assertThat(rows())
                .singleElement()
                .satisfies(
                        row -> {
                            for (String column :
                                    List.of(
                                            QualityMetricsTable.COMPLETENESS,
                                            QualityMetricsTable.ACCURACY,
                                            QualityMetricsTable.CONSISTENCY,
                                            QualityMetricsTable.TIMELINESS,
                                            QualityMetricsTable.ERROR_RATE,
                                            QualityMetricsTable.LAG_P50_MS,
                                            QualityMetricsTable.LAG_P95_MS,
                                            QualityMetricsTable.LAG_P99_MS,
                                            QualityMetricsTable.LAG_MAX_MS)) {
                                assertThat(row).containsEntry(column, null);
                            }
                            assertThat(row).containsEntry(QualityMetricsTable.ERROR_CODES, "{}");
                        });
    }

    @Test
    void secondUpsertOfTheSameWindowOverwritesIt() throws SQLException {
        upsert(emptyWindow());
        upsert(fullWindow());
        List<Map<String, String>> once = rows();

        int updated = upsert(fullWindow());

        assertThat(updated).isEqualTo(1);
        assertThat(rows()).isEqualTo(once).hasSize(1);
        assertThat(once.get(0)).containsEntry(QualityMetricsTable.VALIDATED, "4");
    }

    @Test
    void otherWindowsOfTheSameKeyGetRowsOfTheirOwn() throws SQLException {
        QualityMetrics tumbling = emptyWindow();
        upsert(tumbling);
        upsert(QualityMetrics.newBuilder(tumbling).setWindowKind("hopping").build());
        upsert(QualityMetrics.newBuilder(tumbling).setWindowEnd(END.plusSeconds(60)).build());
        upsert(QualityMetrics.newBuilder(tumbling).setTenant("globex").build());

        assertThat(rows()).hasSize(4);
    }

    private static int upsert(QualityMetrics metrics) throws SQLException {
        QualityMetricsUpsert upsert = TABLE.upsertStatement();
        try (PreparedStatement statement = DATABASE.connection().prepareStatement(upsert.query())) {
            upsert.statement(statement, metrics);
            return statement.executeUpdate();
        }
    }

    private static List<Map<String, String>> rows() throws SQLException {
        return DATABASE.query(
                "SELECT * FROM "
                        + TABLE.qualifiedName()
                        + " ORDER BY tenant, window_kind, window_end");
    }

    private static QualityMetrics emptyWindow() {
        return QualityMetrics.newBuilder()
                .setTenant("acme")
                .setEntityType("customer")
                .setWindowKind("tumbling")
                .setWindowStart(START)
                .setWindowEnd(END)
                .setSyncClass("real-time")
                .setLatencyTargetMillis(5000)
                .build();
    }

    private static QualityMetrics fullWindow() {
        return QualityMetrics.newBuilder(emptyWindow())
                .setValidated(4)
                .setRejected(1)
                .setCorrected(1)
                .setFailed(1)
                .setDuplicates(2)
                .setConflicts(3)
                .setDelivered(4)
                .setReadBackSampled(10)
                .setCompleteness(0.875)
                .setAccuracy(0.75)
                .setConsistency(0.9)
                .setTimeliness(0.75)
                .setErrorRate(0.4)
                .setLagP50Millis(198L)
                .setLagP95Millis(5945L)
                .setLagP99Millis(5945L)
                .setLagMaxMillis(6000L)
                .setErrorCodes(Map.of("TARGET_UNREACHABLE", 1L, "EMAIL_FORMAT", 1L))
                .build();
    }
}
