package io.syncline.operators.observe;

import io.syncline.schema.ChangeEvent;

/**
 * Source heartbeats: a row of the heartbeat table that Syncline updates in each source database
 * every heartbeat interval ({@link HeartbeatWriter}). It travels the replication stream like any
 * change, so its arrival measures how far behind the source is even when no business data changes,
 * and its commit time moves the watermark on in quiet periods. Decode turns it into an observation;
 * it never reaches validation or the targets.
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
     * The statement that writes a heartbeat: one row per source, so the table never grows.
     *
     * @param qualifiedTable the quoted, schema-qualified heartbeat table
     * @param sourceId the source writing it
     */
    public static String actionQuery(String qualifiedTable, String sourceId) {
        return "INSERT INTO "
                + qualifiedTable
                + " ("
                + SOURCE_COLUMN
                + ", "
                + TIME_COLUMN
                + ") VALUES ('"
                + sourceId.replace("'", "''")
                + "', now()) ON CONFLICT ("
                + SOURCE_COLUMN
                + ") DO UPDATE SET "
                + TIME_COLUMN
                + " = EXCLUDED."
                + TIME_COLUMN;
    }

    /** DDL of the heartbeat table. */
    public static String createSql(String qualifiedTable) {
        return "CREATE TABLE IF NOT EXISTS "
                + qualifiedTable
                + " ("
                + SOURCE_COLUMN
                + " text PRIMARY KEY, "
                + TIME_COLUMN
                + " timestamptz NOT NULL)";
    }
}
