package io.syncline.operators.alert;

import io.syncline.operators.sink.SqlIdentifiers;
import io.syncline.schema.AlertSeverity;
import io.syncline.schema.AlertStatus;
import java.io.Serializable;
import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * The alerts table in the target database: every alert once, under its alert id, {@value #FIRING}
 * until its RESOLVED arrives and sets {@value #RESOLVED_AT}. Reports read it; only the job writes
 * it.
 *
 * @param schema schema holding the table
 * @param table the table's name
 */
public record AlertsTable(String schema, String table) implements Serializable {

    /** An alert whose condition is still breached. */
    public static final String FIRING = "firing";

    /** An alert whose condition cleared. */
    public static final String RESOLVED = "resolved";

    /** Every status, in the order an alert goes through them. */
    public static final List<String> STATUSES = List.of(FIRING, RESOLVED);

    public static final String ALERT_ID = "alert_id";
    public static final String CONDITION = "condition";
    public static final String KIND = "kind";
    public static final String SEVERITY = "severity";
    public static final String STATUS = "status";
    public static final String TENANT = "tenant";
    public static final String ENTITY_TYPE = "entity_type";
    public static final String SOURCE_ID = "source_id";
    public static final String METRIC = "metric";
    public static final String VALUE = "value";
    public static final String THRESHOLD = "threshold";
    public static final String MESSAGE = "message";
    public static final String FIRED_AT = "fired_at";
    public static final String RESOLVED_AT = "resolved_at";

    /** Every column, in insert order; an {@link io.syncline.schema.Alert} fills them all. */
    public static final List<String> ALL_COLUMNS =
            List.of(
                    ALERT_ID,
                    CONDITION,
                    KIND,
                    SEVERITY,
                    STATUS,
                    TENANT,
                    ENTITY_TYPE,
                    SOURCE_ID,
                    METRIC,
                    VALUE,
                    THRESHOLD,
                    MESSAGE,
                    FIRED_AT,
                    RESOLVED_AT);

    public AlertsTable {
        Objects.requireNonNull(schema, "schema");
        Objects.requireNonNull(table, "table");
    }

    /** The value of the {@value #STATUS} column for {@code status}. */
    public static String statusOf(AlertStatus status) {
        return status.name().toLowerCase(Locale.ROOT);
    }

    /** The value of the {@value #SEVERITY} column for {@code severity}. */
    public static String severityOf(AlertSeverity severity) {
        return severity.name().toLowerCase(Locale.ROOT);
    }

    /** The schema-qualified, quoted table name. */
    public String qualifiedName() {
        return SqlIdentifiers.qualified(schema, table);
    }

    /** DDL that creates the table and its index when they are missing, one statement each. */
    public List<String> createSql() {
        return List.of(
                "CREATE TABLE IF NOT EXISTS "
                        + qualifiedName()
                        + " ("
                        + ALERT_ID
                        + " text PRIMARY KEY, "
                        + CONDITION
                        + " text NOT NULL, "
                        + KIND
                        + " text NOT NULL, "
                        + SEVERITY
                        + " text NOT NULL, "
                        + STATUS
                        + " text NOT NULL CHECK ("
                        + STATUS
                        + " IN ('"
                        + String.join("', '", STATUSES)
                        + "')), "
                        + TENANT
                        + " text, "
                        + ENTITY_TYPE
                        + " text, "
                        + SOURCE_ID
                        + " text, "
                        + METRIC
                        + " text NOT NULL, "
                        + VALUE
                        + " double precision NOT NULL, "
                        + THRESHOLD
                        + " double precision NOT NULL, "
                        + MESSAGE
                        + " text NOT NULL, "
                        + FIRED_AT
                        + " timestamptz NOT NULL, "
                        + RESOLVED_AT
                        + " timestamptz)",
                "CREATE INDEX IF NOT EXISTS "
                        + SqlIdentifiers.quote(table + "_fired_at_idx")
                        + " ON "
                        + qualifiedName()
                        + " ("
                        + FIRED_AT
                        + ")");
    }

    /**
     * The upsert every alert is written with. A FIRING inserts its row. A RESOLVED sets {@value
     * #STATUS} and {@value #RESOLVED_AT} of a firing row, keeping what the alert said when it
     * fired; one that arrives first inserts the row resolved. A redelivered alert changes nothing,
     * and a FIRING redelivered after its RESOLVED (a replay after a restart) cannot re-open it.
     */
    public String upsertSql() {
        return "INSERT INTO "
                + qualifiedName()
                + " AS t ("
                + String.join(", ", ALL_COLUMNS)
                + ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, CAST(? AS timestamptz),"
                + " CAST(? AS timestamptz)) ON CONFLICT ("
                + ALERT_ID
                + ") DO UPDATE SET "
                + STATUS
                + " = EXCLUDED."
                + STATUS
                + ", "
                + RESOLVED_AT
                + " = EXCLUDED."
                + RESOLVED_AT
                + " WHERE t."
                + STATUS
                + " = '"
                + FIRING
                + "' AND EXCLUDED."
                + STATUS
                + " = '"
                + RESOLVED
                + "'";
    }

    /** The JDBC statement that writes alerts with {@link #upsertSql()}. */
    public AlertsTableUpsert upsertStatement() {
        return new AlertsTableUpsert(this);
    }
}
