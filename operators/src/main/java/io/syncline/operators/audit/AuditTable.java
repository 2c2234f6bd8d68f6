package io.syncline.operators.audit;

import io.syncline.operators.sink.SqlIdentifiers;
import java.io.Serializable;
import java.util.List;
import java.util.Objects;

/**
 * The audit table in the target database: every {@link io.syncline.schema.AuditRecord} once, under
 * its audit id, appended and never updated. {@code syncline lineage} reads an entity's history from
 * it by the (tenant, entity type, entity id, time) index; {@code syncline cleanup} deletes what is
 * older than the retention by the time index.
 *
 * @param schema schema holding the table
 * @param table the table's name
 */
public record AuditTable(String schema, String table) implements Serializable {

    public static final String AUDIT_ID = "audit_id";
    public static final String KIND = "kind";
    public static final String AUDIT_TIME = "audit_time";
    public static final String TENANT = "tenant";
    public static final String ENTITY_TYPE = "entity_type";
    public static final String ENTITY_ID = "entity_id";
    public static final String EVENT_ID = "event_id";
    public static final String OP = "op";
    public static final String SOURCE_ID = "source_id";
    public static final String SOURCE_POSITION = "source_position";
    public static final String TRANSACTION_ID = "transaction_id";
    public static final String SOURCE_COMMIT_TIME = "source_commit_time";
    public static final String VERSION = "version";
    public static final String RULE_SET_VERSION = "rule_set_version";
    public static final String DECISION = "decision";
    public static final String SINKS = "sinks";
    public static final String JOB_NAME = "job_name";
    public static final String JOB_VERSION = "job_version";
    public static final String ACTOR = "actor";
    public static final String COMMAND_ID = "command_id";
    public static final String COMMAND_TYPE = "command_type";
    public static final String DETAIL = "detail";

    /** Every column, in insert order; an audit record fills them all. */
    public static final List<String> ALL_COLUMNS =
            List.of(
                    AUDIT_ID,
                    KIND,
                    AUDIT_TIME,
                    TENANT,
                    ENTITY_TYPE,
                    ENTITY_ID,
                    EVENT_ID,
                    OP,
                    SOURCE_ID,
                    SOURCE_POSITION,
                    TRANSACTION_ID,
                    SOURCE_COMMIT_TIME,
                    VERSION,
                    RULE_SET_VERSION,
                    DECISION,
                    SINKS,
                    JOB_NAME,
                    JOB_VERSION,
                    ACTOR,
                    COMMAND_ID,
                    COMMAND_TYPE,
                    DETAIL);

    public AuditTable {
        Objects.requireNonNull(schema, "schema");
        Objects.requireNonNull(table, "table");
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
                        + AUDIT_ID
                        + " text PRIMARY KEY, "
                        + KIND
                        + " text NOT NULL, "
                        + AUDIT_TIME
                        + " timestamptz NOT NULL, "
                        + TENANT
                        + " text, "
                        + ENTITY_TYPE
                        + " text, "
                        + ENTITY_ID
                        + " text, "
                        + EVENT_ID
                        + " text, "
                        + OP
                        + " text, "
                        + SOURCE_ID
                        + " text, "
                        + SOURCE_POSITION
                        + " text, "
                        + TRANSACTION_ID
                        + " text, "
                        + SOURCE_COMMIT_TIME
                        + " timestamptz, "
                        + VERSION
                        + " bigint, "
                        + RULE_SET_VERSION
                        + " int, "
                        + DECISION
                        + " text, "
                        + SINKS
                        + " text[] NOT NULL, "
                        + JOB_NAME
                        + " text, "
                        + JOB_VERSION
                        + " text, "
                        + ACTOR
                        + " text, "
                        + COMMAND_ID
                        + " text, "
                        + COMMAND_TYPE
                        + " text, "
                        + DETAIL
                        + " text)",
                "CREATE INDEX IF NOT EXISTS "
                        + SqlIdentifiers.quote(table + "_entity_idx")
                        + " ON "
                        + qualifiedName()
                        + " ("
                        + TENANT
                        + ", "
                        + ENTITY_TYPE
                        + ", "
                        + ENTITY_ID
                        + ", "
                        + AUDIT_TIME
                        + ")",
                "CREATE INDEX IF NOT EXISTS "
                        + SqlIdentifiers.quote(table + "_time_idx")
                        + " ON "
                        + qualifiedName()
                        + " ("
                        + AUDIT_TIME
                        + ")");
    }

    /**
     * The insert every record is written with: a record written again (a replay after a restore, a
     * batch retried) has the same id and changes nothing.
     */
    public String insertSql() {
        return "INSERT INTO "
                + qualifiedName()
                + " ("
                + String.join(", ", ALL_COLUMNS)
                + ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
                + " ON CONFLICT ("
                + AUDIT_ID
                + ") DO NOTHING";
    }

    /** The JDBC statement that writes audit records with {@link #insertSql()}. */
    public AuditTableInsert insertStatement() {
        return new AuditTableInsert(this);
    }
}
