package io.syncline.operators.resolve;

import io.syncline.operators.sink.SqlIdentifiers;
import io.syncline.schema.ConflictStatus;
import java.io.Serializable;
import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * The conflicts table in the target database: every {@link io.syncline.schema.ConflictRecord} once,
 * under its conflict id, with the status the resolve stage gave it ({@value #OPEN} while a person
 * has to decide it, {@value #RESOLVED} once decided). {@code syncline conflicts} reads it; only the
 * job writes it.
 *
 * <p>Both versions are kept twice: as JSON ({@value #LEFT_EVENT}, {@value #RIGHT_EVENT}) for people
 * and SQL, and in Avro single-object encoding ({@value #LEFT_CHANGE}, {@value #RIGHT_CHANGE}, read
 * with {@code ChangeEvent.getDecoder().decode(bytes)}) so the CLI can rebuild them with their field
 * kinds.
 *
 * @param schema schema holding the table
 * @param table the table's name
 */
public record ConflictsTable(String schema, String table) implements Serializable {

    /** A conflict parked until a person decides it with {@code syncline conflicts resolve}. */
    public static final String OPEN = "open";

    /** A conflict decided by its strategy or by a person. */
    public static final String RESOLVED = "resolved";

    /** Every status, in the order a conflict goes through them. */
    public static final List<String> STATUSES = List.of(OPEN, RESOLVED);

    public static final String CONFLICT_ID = "conflict_id";
    public static final String TENANT = "tenant";
    public static final String ENTITY_TYPE = "entity_type";
    public static final String ENTITY_ID = "entity_id";
    public static final String STRATEGY = "strategy";
    public static final String STATUS = "status";
    public static final String OUTCOME = "outcome";
    public static final String LEFT_EVENT = "left_event";
    public static final String RIGHT_EVENT = "right_event";
    public static final String RESULT = "result";
    public static final String LEFT_SOURCE = "left_source";
    public static final String RIGHT_SOURCE = "right_source";
    public static final String DETECTED_AT = "detected_at";
    public static final String DECIDED_AT = "decided_at";
    public static final String DECIDED_BY = "decided_by";
    public static final String DECISION = "decision";
    public static final String LEFT_CHANGE = "left_change";
    public static final String RIGHT_CHANGE = "right_change";

    /**
     * Every column, in insert order; a {@link io.syncline.schema.ConflictRecord} fills them all.
     */
    public static final List<String> ALL_COLUMNS =
            List.of(
                    CONFLICT_ID,
                    TENANT,
                    ENTITY_TYPE,
                    ENTITY_ID,
                    STRATEGY,
                    STATUS,
                    OUTCOME,
                    LEFT_EVENT,
                    RIGHT_EVENT,
                    RESULT,
                    LEFT_SOURCE,
                    RIGHT_SOURCE,
                    DETECTED_AT,
                    DECIDED_AT,
                    DECIDED_BY,
                    DECISION,
                    LEFT_CHANGE,
                    RIGHT_CHANGE);

    public ConflictsTable {
        Objects.requireNonNull(schema, "schema");
        Objects.requireNonNull(table, "table");
    }

    /** The value of the {@value #STATUS} column for {@code status}. */
    public static String statusOf(ConflictStatus status) {
        return status.name().toLowerCase(Locale.ROOT);
    }

    /** The schema-qualified, quoted table name. */
    public String qualifiedName() {
        return SqlIdentifiers.qualified(schema, table);
    }

    /** DDL that creates the table and its indexes when they are missing, one statement each. */
    public List<String> createSql() {
        return List.of(
                "CREATE TABLE IF NOT EXISTS "
                        + qualifiedName()
                        + " ("
                        + CONFLICT_ID
                        + " text PRIMARY KEY, "
                        + TENANT
                        + " text NOT NULL, "
                        + ENTITY_TYPE
                        + " text NOT NULL, "
                        + ENTITY_ID
                        + " text NOT NULL, "
                        + STRATEGY
                        + " text NOT NULL, "
                        + STATUS
                        + " text NOT NULL CHECK ("
                        + STATUS
                        + " IN ('"
                        + String.join("', '", STATUSES)
                        + "')), "
                        + OUTCOME
                        + " text NOT NULL, "
                        + LEFT_EVENT
                        + " jsonb NOT NULL, "
                        + RIGHT_EVENT
                        + " jsonb NOT NULL, "
                        + RESULT
                        + " jsonb, "
                        + LEFT_SOURCE
                        + " text NOT NULL, "
                        + RIGHT_SOURCE
                        + " text NOT NULL, "
                        + DETECTED_AT
                        + " timestamptz NOT NULL, "
                        + DECIDED_AT
                        + " timestamptz, "
                        + DECIDED_BY
                        + " text, "
                        + DECISION
                        + " text, "
                        + LEFT_CHANGE
                        + " bytea NOT NULL, "
                        + RIGHT_CHANGE
                        + " bytea NOT NULL)",
                "CREATE INDEX IF NOT EXISTS "
                        + SqlIdentifiers.quote(table + "_status_idx")
                        + " ON "
                        + qualifiedName()
                        + " ("
                        + STATUS
                        + ")",
                "CREATE INDEX IF NOT EXISTS "
                        + SqlIdentifiers.quote(table + "_tenant_entity_type_idx")
                        + " ON "
                        + qualifiedName()
                        + " ("
                        + TENANT
                        + ", "
                        + ENTITY_TYPE
                        + ")");
    }

    /**
     * The upsert every conflict is written with. A new conflict is inserted. A stored conflict
     * changes only from {@value #OPEN} to {@value #RESOLVED}: a redelivered record changes nothing,
     * a decided conflict keeps its first decision, and an open record that arrives after its
     * resolved one (a replay after a restart) cannot re-open it. Resolving keeps {@value
     * #DETECTED_AT}: the resolved record is stamped when it was decided.
     */
    public String upsertSql() {
        StringBuilder updates = new StringBuilder();
        for (String column : ALL_COLUMNS) {
            if (!column.equals(CONFLICT_ID) && !column.equals(DETECTED_AT)) {
                if (!updates.isEmpty()) {
                    updates.append(", ");
                }
                updates.append(column).append(" = EXCLUDED.").append(column);
            }
        }
        return "INSERT INTO "
                + qualifiedName()
                + " AS t ("
                + String.join(", ", ALL_COLUMNS)
                + ") VALUES (?, ?, ?, ?, ?, ?, ?, CAST(? AS jsonb), CAST(? AS jsonb),"
                + " CAST(? AS jsonb), ?, ?, CAST(? AS timestamptz), CAST(? AS timestamptz), ?, ?,"
                + " ?, ?) ON CONFLICT ("
                + CONFLICT_ID
                + ") DO UPDATE SET "
                + updates
                + " WHERE t."
                + STATUS
                + " = '"
                + OPEN
                + "' AND EXCLUDED."
                + STATUS
                + " = '"
                + RESOLVED
                + "'";
    }

    /** The JDBC statement that writes conflicts with {@link #upsertSql()}. */
    public ConflictsTableUpsert upsertStatement() {
        return new ConflictsTableUpsert(this);
    }
}
