package io.syncline.operators.quality;

import io.syncline.operators.sink.SqlIdentifiers;
import java.io.Serializable;
import java.util.List;
import java.util.Objects;
import java.util.stream.Collectors;

/**
 * The quality metrics table in the target database: one row of {@link
 * io.syncline.schema.QualityMetrics} per tenant, entity type and window, which reports and
 * dashboards read.
 *
 * @param schema schema holding the table
 * @param table the table's name
 */
public record QualityMetricsTable(String schema, String table) implements Serializable {

    public static final String TENANT = "tenant";
    public static final String ENTITY_TYPE = "entity_type";
    public static final String WINDOW_KIND = "window_kind";
    public static final String WINDOW_START = "window_start";
    public static final String WINDOW_END = "window_end";
    public static final String SYNC_CLASS = "sync_class";
    public static final String LATENCY_TARGET_MS = "latency_target_ms";
    public static final String VALIDATED = "validated";
    public static final String REJECTED = "rejected";
    public static final String CORRECTED = "corrected";
    public static final String FAILED = "failed";
    public static final String DUPLICATES = "duplicates";
    public static final String CONFLICTS = "conflicts";
    public static final String DELIVERED = "delivered";
    public static final String READ_BACK_SAMPLED = "read_back_sampled";
    public static final String COMPLETENESS = "completeness";
    public static final String ACCURACY = "accuracy";
    public static final String CONSISTENCY = "consistency";
    public static final String TIMELINESS = "timeliness";
    public static final String ERROR_RATE = "error_rate";
    public static final String LAG_P50_MS = "lag_p50_ms";
    public static final String LAG_P95_MS = "lag_p95_ms";
    public static final String LAG_P99_MS = "lag_p99_ms";
    public static final String LAG_MAX_MS = "lag_max_ms";
    public static final String ERROR_CODES = "error_codes";

    /** The columns that name a window: a window written again replaces its row. */
    public static final List<String> KEY_COLUMNS =
            List.of(TENANT, ENTITY_TYPE, WINDOW_KIND, WINDOW_START, WINDOW_END);

    /** Every column, in table and insert order. */
    public static final List<String> COLUMNS =
            List.of(
                    TENANT,
                    ENTITY_TYPE,
                    WINDOW_KIND,
                    WINDOW_START,
                    WINDOW_END,
                    SYNC_CLASS,
                    LATENCY_TARGET_MS,
                    VALIDATED,
                    REJECTED,
                    CORRECTED,
                    FAILED,
                    DUPLICATES,
                    CONFLICTS,
                    DELIVERED,
                    READ_BACK_SAMPLED,
                    COMPLETENESS,
                    ACCURACY,
                    CONSISTENCY,
                    TIMELINESS,
                    ERROR_RATE,
                    LAG_P50_MS,
                    LAG_P95_MS,
                    LAG_P99_MS,
                    LAG_MAX_MS,
                    ERROR_CODES);

    public QualityMetricsTable {
        Objects.requireNonNull(schema, "schema");
        Objects.requireNonNull(table, "table");
    }

    /** The schema-qualified, quoted table name. */
    public String qualifiedName() {
        return SqlIdentifiers.qualified(schema, table);
    }

    /**
     * DDL that creates the schema, the table and its index when they are missing, one statement
     * each.
     */
    public List<String> createSql() {
        return List.of(
                "CREATE SCHEMA IF NOT EXISTS " + SqlIdentifiers.quote(schema),
                "CREATE TABLE IF NOT EXISTS "
                        + qualifiedName()
                        + " ("
                        + TENANT
                        + " text NOT NULL, "
                        + ENTITY_TYPE
                        + " text NOT NULL, "
                        + WINDOW_KIND
                        + " text NOT NULL, "
                        + WINDOW_START
                        + " timestamptz NOT NULL, "
                        + WINDOW_END
                        + " timestamptz NOT NULL, "
                        + SYNC_CLASS
                        + " text NOT NULL, "
                        + LATENCY_TARGET_MS
                        + " bigint NOT NULL, "
                        + VALIDATED
                        + " bigint NOT NULL, "
                        + REJECTED
                        + " bigint NOT NULL, "
                        + CORRECTED
                        + " bigint NOT NULL, "
                        + FAILED
                        + " bigint NOT NULL, "
                        + DUPLICATES
                        + " bigint NOT NULL, "
                        + CONFLICTS
                        + " bigint NOT NULL, "
                        + DELIVERED
                        + " bigint NOT NULL, "
                        + READ_BACK_SAMPLED
                        + " bigint NOT NULL, "
                        + COMPLETENESS
                        + " double precision, "
                        + ACCURACY
                        + " double precision, "
                        + CONSISTENCY
                        + " double precision, "
                        + TIMELINESS
                        + " double precision, "
                        + ERROR_RATE
                        + " double precision, "
                        + LAG_P50_MS
                        + " bigint, "
                        + LAG_P95_MS
                        + " bigint, "
                        + LAG_P99_MS
                        + " bigint, "
                        + LAG_MAX_MS
                        + " bigint, "
                        + ERROR_CODES
                        + " jsonb NOT NULL DEFAULT '{}', PRIMARY KEY ("
                        + String.join(", ", KEY_COLUMNS)
                        + "))",
                "CREATE INDEX IF NOT EXISTS "
                        + SqlIdentifiers.quote(table + "_window_start_idx")
                        + " ON "
                        + qualifiedName()
                        + " ("
                        + WINDOW_START
                        + ")");
    }

    /**
     * The upsert every window is written with. A window emitted again (after a restore from a
     * checkpoint) overwrites its row, with the same values.
     */
    public String upsertSql() {
        String values =
                COLUMNS.stream()
                        .map(column -> column.equals(ERROR_CODES) ? "CAST(? AS jsonb)" : "?")
                        .collect(Collectors.joining(", "));
        String updates =
                COLUMNS.stream()
                        .filter(column -> !KEY_COLUMNS.contains(column))
                        .map(column -> column + " = EXCLUDED." + column)
                        .collect(Collectors.joining(", "));
        return "INSERT INTO "
                + qualifiedName()
                + " ("
                + String.join(", ", COLUMNS)
                + ") VALUES ("
                + values
                + ") ON CONFLICT ("
                + String.join(", ", KEY_COLUMNS)
                + ") DO UPDATE SET "
                + updates;
    }

    /** The JDBC statement that writes metrics with {@link #upsertSql()}. */
    public QualityMetricsUpsert upsertStatement() {
        return new QualityMetricsUpsert(this);
    }
}
