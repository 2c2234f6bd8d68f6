package io.syncline.operators.observe;

import io.syncline.schema.ChangeEvent;
import io.syncline.schema.FieldValue;
import io.syncline.schema.Operation;
import java.util.List;

/**
 * Source heartbeats: a row of the heartbeat table that Syncline updates in each source database
 * every heartbeat interval ({@link HeartbeatWriter}). It travels the replication stream like any
 * change, so its arrival measures how far behind the source is even when no business data changes,
 * and its commit time moves the watermark on in quiet periods. Decode turns it into an observation;
 * it never reaches validation or the targets.
 *
 * <p>Each write raises the row's sequence number by one in the database itself, so the numbers
 * survive restarts of the job: heartbeats that arrive with a jump in their numbers were committed
 * but never replicated, and neither were the changes committed between them.
 */
public final class Heartbeats {

    /** The entity type the heartbeat table is bound to. */
    public static final String ENTITY_TYPE = "_syncline_heartbeat";

    /** The tenant of every heartbeat: none. */
    public static final String TENANT = "-";

    /** The heartbeat table's key column, holding the id of the source that wrote the row. */
    public static final String SOURCE_COLUMN = "source_id";

    /** The heartbeat table's time column. */
    public static final String TIME_COLUMN = "beat_at";

    /** The heartbeat table's sequence number column, raised by one with every write. */
    public static final String SEQUENCE_COLUMN = "seq";

    private Heartbeats() {}

    /** Whether {@code entityType} is the heartbeat table's. */
    public static boolean isHeartbeat(String entityType) {
        return ENTITY_TYPE.equals(entityType);
    }

    /** Whether {@code change} is a heartbeat. */
    public static boolean isHeartbeat(ChangeEvent change) {
        return isHeartbeat(change.getEntityType());
    }

    /**
     * The sequence number a streamed heartbeat carries; null for a snapshot read (whose number is
     * not part of the stream's order), a delete, and a row written before the table had the column.
     */
    public static Long sequenceOf(ChangeEvent change) {
        if (change.getOp() == Operation.READ || change.getAfter() == null) {
            return null;
        }
        FieldValue sequence = change.getAfter().get(SEQUENCE_COLUMN);
        return sequence != null && sequence.getValue() instanceof Number number
                ? number.longValue()
                : null;
    }

    /**
     * The statement that writes a heartbeat: one row per source, so the table never grows, with its
     * sequence number raised by one.
     *
     * @param qualifiedTable the quoted, schema-qualified heartbeat table
     * @param sourceId the source writing it
     */
    public static String actionQuery(String qualifiedTable, String sourceId) {
        return "INSERT INTO "
                + qualifiedTable
                + " AS beat ("
                + SOURCE_COLUMN
                + ", "
                + TIME_COLUMN
                + ", "
                + SEQUENCE_COLUMN
                + ") VALUES ('"
                + sourceId.replace("'", "''")
                + "', now(), 1) ON CONFLICT ("
                + SOURCE_COLUMN
                + ") DO UPDATE SET "
                + TIME_COLUMN
                + " = EXCLUDED."
                + TIME_COLUMN
                + ", "
                + SEQUENCE_COLUMN
                + " = beat."
                + SEQUENCE_COLUMN
                + " + 1";
    }

    /**
     * DDL of the heartbeat table, safe to repeat: creates it, and adds the sequence number to a
     * table an earlier version created without it. A table that has the column is not altered, so a
     * user who may write the table but does not own it can still start the job.
     */
    public static List<String> createSql(String qualifiedTable) {
        String column = SEQUENCE_COLUMN + " bigint NOT NULL DEFAULT 0";
        return List.of(
                "CREATE TABLE IF NOT EXISTS "
                        + qualifiedTable
                        + " ("
                        + SOURCE_COLUMN
                        + " text PRIMARY KEY, "
                        + TIME_COLUMN
                        + " timestamptz NOT NULL, "
                        + column
                        + ")",
                "DO $$ BEGIN IF NOT EXISTS (SELECT 1 FROM pg_attribute WHERE attrelid = '"
                        + qualifiedTable.replace("'", "''")
                        + "'::regclass AND attname = '"
                        + SEQUENCE_COLUMN
                        + "' AND NOT attisdropped) THEN ALTER TABLE "
                        + qualifiedTable
                        + " ADD COLUMN "
                        + column
                        + "; END IF; END $$");
    }
}
