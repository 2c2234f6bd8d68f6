package io.syncline.operators.errors;

import io.syncline.operators.sink.SqlIdentifiers;
import java.io.Serializable;
import java.util.List;
import java.util.Objects;

/**
 * The errors table in the target database: every {@link io.syncline.schema.ErrorRecord} once, with
 * its escalation level and a status ({@value #OPEN}, {@value #REPLAYED}, {@value #DISCARDED}) that
 * {@code syncline errors} works through. The rejected change is kept in Avro single-object encoding
 * ({@code ChangeEvent.getDecoder().decode(bytes)}) so that it can be replayed.
 *
 * @param schema schema holding the table
 * @param table the table's name
 * @param escalation decides the escalation level stored with each error
 */
public record ErrorsTable(String schema, String table, Escalation escalation)
        implements Serializable {

    /** An error nobody has acted on yet, or one whose replayed change failed again. */
    public static final String OPEN = "open";

    /** An error whose change was sent to the job again. */
    public static final String REPLAYED = "replayed";

    /** An error an operator decided needs no further action. */
    public static final String DISCARDED = "discarded";

    /** Every status, in the order an error usually goes through them. */
    public static final List<String> STATUSES = List.of(OPEN, REPLAYED, DISCARDED);

    public static final String ERROR_ID = "error_id";
    public static final String STAGE = "stage";
    public static final String ERROR_CLASS = "error_class";
    public static final String CODE = "code";
    public static final String ESCALATION_LEVEL = "escalation_level";
    public static final String MESSAGE = "message";
    public static final String PAYLOAD = "payload";
    public static final String FIELD = "field";
    public static final String ENTITY_KEY = "entity_key";
    public static final String TENANT = "tenant";
    public static final String ENTITY_TYPE = "entity_type";
    public static final String SOURCE_ID = "source_id";
    public static final String SOURCE_POSITION = "source_position";
    public static final String RULE_SET_VERSION = "rule_set_version";
    public static final String ERROR_TIME = "error_time";
    public static final String STATUS = "status";
    public static final String STATUS_CHANGED_AT = "status_changed_at";
    public static final String STATUS_NOTE = "status_note";
    public static final String REPLAY_COUNT = "replay_count";
    public static final String CHANGE = "change";

    /** The columns an {@link io.syncline.schema.ErrorRecord} fills, in insert order. */
    static final List<String> RECORD_COLUMNS =
            List.of(
                    ERROR_ID,
                    STAGE,
                    ERROR_CLASS,
                    CODE,
                    ESCALATION_LEVEL,
                    MESSAGE,
                    PAYLOAD,
                    FIELD,
                    ENTITY_KEY,
                    TENANT,
                    ENTITY_TYPE,
                    SOURCE_ID,
                    SOURCE_POSITION,
                    RULE_SET_VERSION,
                    ERROR_TIME,
                    CHANGE);

    /** Every column: those written from the record, then the status the CLI manages. */
    public static final List<String> ALL_COLUMNS =
            java.util.stream.Stream.concat(
                            RECORD_COLUMNS.stream(),
                            java.util.stream.Stream.of(
                                    STATUS, STATUS_CHANGED_AT, STATUS_NOTE, REPLAY_COUNT))
                    .toList();

    public ErrorsTable {
        Objects.requireNonNull(schema, "schema");
        Objects.requireNonNull(table, "table");
        Objects.requireNonNull(escalation, "escalation");
    }

    /** The schema-qualified, quoted table name. */
    public String qualifiedName() {
        return SqlIdentifiers.qualified(schema, table);
    }

    /** DDL that creates the table and its indexes when they are missing, one statement each. */
    public List<String> createSql() {
        String statuses = String.join("', '", STATUSES);
        return List.of(
                "CREATE TABLE IF NOT EXISTS "
                        + qualifiedName()
                        + " ("
                        + ERROR_ID
                        + " text PRIMARY KEY, "
                        + STAGE
                        + " text NOT NULL, "
                        + ERROR_CLASS
                        + " text NOT NULL, "
                        + CODE
                        + " text NOT NULL, "
                        + ESCALATION_LEVEL
                        + " int NOT NULL, "
                        + MESSAGE
                        + " text NOT NULL, "
                        + PAYLOAD
                        + " text NOT NULL, "
                        + FIELD
                        + " text, "
                        + ENTITY_KEY
                        + " text, "
                        + TENANT
                        + " text, "
                        + ENTITY_TYPE
                        + " text, "
                        + SOURCE_ID
                        + " text, "
                        + SOURCE_POSITION
                        + " text, "
                        + RULE_SET_VERSION
                        + " int, "
                        + ERROR_TIME
                        + " timestamptz NOT NULL, "
                        + STATUS
                        + " text NOT NULL DEFAULT '"
                        + OPEN
                        + "' CHECK ("
                        + STATUS
                        + " IN ('"
                        + statuses
                        + "')), "
                        + STATUS_CHANGED_AT
                        + " timestamptz, "
                        + STATUS_NOTE
                        + " text, "
                        + REPLAY_COUNT
                        + " int NOT NULL DEFAULT 0, "
                        + CHANGE
                        + " bytea)",
                "CREATE INDEX IF NOT EXISTS "
                        + SqlIdentifiers.quote(table + "_status_code_idx")
                        + " ON "
                        + qualifiedName()
                        + " ("
                        + STATUS
                        + ", "
                        + CODE
                        + ")",
                "CREATE INDEX IF NOT EXISTS "
                        + SqlIdentifiers.quote(table + "_tenant_time_idx")
                        + " ON "
                        + qualifiedName()
                        + " ("
                        + TENANT
                        + ", "
                        + ERROR_TIME
                        + ")");
    }

    /**
     * The insert every error is written with. A redelivered error (same id) changes nothing, so the
     * table holds each error once; an error that comes again after its change was replayed, later
     * than the replay, is the replayed change failing again: it re-opens the error with the new
     * details and keeps its replay count.
     */
    public String insertSql() {
        String values =
                "?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, CAST(? AS timestamptz), ?, "
                        + "CAST(? AS timestamptz)";
        StringBuilder updates = new StringBuilder();
        updates.append(STATUS).append(" = '").append(OPEN).append("', ");
        updates.append(STATUS_CHANGED_AT).append(" = EXCLUDED.").append(ERROR_TIME).append(", ");
        updates.append(STATUS_NOTE).append(" = 'failed again after replay'");
        for (String column : RECORD_COLUMNS) {
            if (!column.equals(ERROR_ID)) {
                updates.append(", ").append(column).append(" = EXCLUDED.").append(column);
            }
        }
        return "INSERT INTO "
                + qualifiedName()
                + " AS t ("
                + String.join(", ", RECORD_COLUMNS)
                + ", "
                + STATUS_CHANGED_AT
                + ") VALUES ("
                + values
                + ") ON CONFLICT ("
                + ERROR_ID
                + ") DO UPDATE SET "
                + updates
                + " WHERE t."
                + STATUS
                + " = '"
                + REPLAYED
                + "' AND EXCLUDED."
                + ERROR_TIME
                + " > t."
                + STATUS_CHANGED_AT;
    }

    /** The JDBC statement that writes errors with {@link #insertSql()}. */
    public ErrorsTableInsert insertStatement() {
        return new ErrorsTableInsert(this);
    }
}
