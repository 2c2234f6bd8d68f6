package io.syncline.operators.errors;

/** Stable error codes of {@link io.syncline.schema.ErrorRecord}s, one per reason. */
public final class ErrorCodes {
    /** The table of a change is not mapped to an entity type in the configuration. */
    public static final String UNMAPPED_TABLE = "UNMAPPED_TABLE";

    /** The row has no value in its tenant column. */
    public static final String TENANT_MISSING = "TENANT_MISSING";

    /** The row's tenant is not in the configured tenant list. */
    public static final String UNKNOWN_TENANT = "UNKNOWN_TENANT";

    /** A primary key column of the row has no value. */
    public static final String KEY_MISSING = "KEY_MISSING";

    /** The change is of a kind Syncline does not replicate (e.g. TRUNCATE). */
    public static final String UNSUPPORTED_OPERATION = "UNSUPPORTED_OPERATION";

    /** A column has a type Syncline cannot carry (e.g. a composite type). */
    public static final String UNSUPPORTED_TYPE = "UNSUPPORTED_TYPE";

    /** The record is not a Debezium change envelope. */
    public static final String MALFORMED_RECORD = "MALFORMED_RECORD";

    /**
     * A message on a Debezium topic is not a Debezium change event: not JSON, not Avro in the
     * Confluent wire format, an unreadable schema envelope, no {@code op}, no row image, or no
     * source position.
     */
    public static final String DEBEZIUM_MALFORMED = "DEBEZIUM_MALFORMED";

    /**
     * A Debezium change comes from a connector whose source position Syncline cannot order (only
     * postgresql, mysql and mariadb are read).
     */
    public static final String DEBEZIUM_UNSUPPORTED_CONNECTOR = "DEBEZIUM_UNSUPPORTED_CONNECTOR";

    /**
     * An Avro Debezium message names a schema id the schema registry has no Avro schema under, so
     * it cannot be read.
     */
    public static final String DEBEZIUM_UNKNOWN_SCHEMA = "DEBEZIUM_UNKNOWN_SCHEMA";

    /**
     * A change received by a webhook source cannot be read: not a JSON object, or its {@code op},
     * {@code version}, {@code occurredAt} or {@code data} is missing or of the wrong kind.
     */
    public static final String WEBHOOK_MALFORMED = "WEBHOOK_MALFORMED";

    /** A change received by a webhook source names an entity type the source does not map. */
    public static final String WEBHOOK_UNKNOWN_ENTITY = "WEBHOOK_UNKNOWN_ENTITY";

    /** A message on the control topic could not be read or names no command Syncline knows. */
    public static final String CONTROL_COMMAND_INVALID = "CONTROL_COMMAND_INVALID";

    /**
     * A message on the control topic was refused: unsigned where signatures are required, signed by
     * an unknown key, with a signature that does not verify, or by a role not allowed to send it.
     */
    public static final String CONTROL_COMMAND_UNAUTHORIZED = "CONTROL_COMMAND_UNAUTHORIZED";

    /**
     * A change could not wait behind its entity's parked manual conflict: the entity's backlog is
     * full.
     */
    public static final String CONFLICT_BACKLOG_FULL = "CONFLICT_BACKLOG_FULL";

    /**
     * Heartbeats committed in a source never arrived through its replication slot: the changes
     * committed with them were skipped.
     */
    public static final String WAL_GAP = "WAL_GAP";

    /** A source's replication slot is gone or has lost the WAL it held. */
    public static final String SLOT_LOST = "SLOT_LOST";

    /**
     * A target table refused a change (or one of Syncline's own tables a record) for good: a value
     * that does not fit its column, a constraint the row breaks, a column or privilege missing.
     */
    public static final String TARGET_REJECTED = "TARGET_REJECTED";

    /**
     * A record on the event topic is not an Avro {@code ChangeEvent}: something other than the sync
     * job wrote to the topic, or it was written with a schema this version cannot read.
     */
    public static final String EVENT_STORE_UNREADABLE = "EVENT_STORE_UNREADABLE";

    /**
     * An item of an HTTP delta API's page cannot become a change: not a JSON object, a key field
     * missing, a version or timestamp missing or of the wrong type, or an unknown operation.
     */
    public static final String HTTP_MALFORMED_ITEM = "HTTP_MALFORMED_ITEM";

    /**
     * An HTTP delta API answered a page request with something that is not a page (not JSON, or no
     * items array where configured); the page is asked for again.
     */
    public static final String HTTP_MALFORMED_PAGE = "HTTP_MALFORMED_PAGE";

    private ErrorCodes() {}
}
