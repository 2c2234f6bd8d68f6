package io.syncline.operators.decode;

import io.syncline.operators.decode.debezium.SourcePosition;
import io.syncline.operators.errors.ErrorCodes;
import io.syncline.operators.errors.ErrorRecords;
import io.syncline.operators.key.EntityKeys;
import io.syncline.operators.observe.Heartbeats;
import io.syncline.schema.ChangeEvent;
import io.syncline.schema.ErrorRecord;
import io.syncline.schema.FieldValue;
import io.syncline.schema.Operation;
import java.io.Serializable;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import org.apache.kafka.connect.data.Field;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.source.SourceRecord;

/**
 * Turns a Debezium change record of one source (Flink CDC's Postgres or MySQL/MariaDB connector)
 * into a {@link ChangeEvent}, or into an {@link ErrorRecord} that says why it cannot. Never throws
 * for bad input and never returns null.
 *
 * <p>The version of a change is its position in the source's log ({@link SourcePosition}): the
 * Postgres LSN, or the binlog file number and offset. For one row, every later change is written
 * after the earlier one committed, so positions order one entity's changes.
 *
 * <p>A snapshot read carries no position or commit time of its own: it takes those of its chunk's
 * low watermark ({@link SnapshotChunk}) when the source passes the chunk, else the snapshot's
 * start. Only the chunk's makes a chunk read again after a restore win over its first read. A MySQL
 * read takes them even when Flink CDC gives it the position of a binlog change it merged into the
 * read: the read shows its row as of the chunk's end (high watermark), and Flink CDC streams only
 * the row's changes after that, so every streamed change of the row is newer than the read.
 *
 * <p>Syncline's bookkeeping columns ({@link OriginColumns}) are never part of the row images: the
 * origin of the after image marks a change Syncline wrote itself (an echo), and the clock column
 * gives the change's version vector.
 */
public final class SourceRecordDecoder implements Serializable {

    /** Stage name in error records. */
    public static final String STAGE = "decode";

    private static final long serialVersionUID = 1L;

    private final String sourceId;
    private final Map<String, TableBinding> bindingsByTable;
    private final Set<String> allowedTenants;
    private final SourcePosition snapshotPosition;
    private final Instant snapshotTime;

    /**
     * A decoder of a Postgres source.
     *
     * @param sourceId configured id of the source, part of every event id
     * @param bindings the tables of this source and the entity types they map to
     * @param allowedTenants tenants accepted; empty accepts every tenant
     * @param snapshotVersion version (and position) of snapshot reads, which carry no LSN: the
     *     source's WAL position before the job started
     * @param snapshotTime commit time of snapshot reads, which carry none: the source's clock when
     *     {@code snapshotVersion} was read, so a read never looks newer than a change streamed
     *     after the snapshot started
     */
    public SourceRecordDecoder(
            String sourceId,
            List<TableBinding> bindings,
            Set<String> allowedTenants,
            long snapshotVersion,
            Instant snapshotTime) {
        this(sourceId, bindings, allowedTenants, SourcePosition.lsn(snapshotVersion), snapshotTime);
    }

    /**
     * @param sourceId configured id of the source, part of every event id
     * @param bindings the tables of this source and the entity types they map to: {@code schema} is
     *     the Postgres schema, or for MySQL and MariaDB the database
     * @param allowedTenants tenants accepted; empty accepts every tenant
     * @param snapshotPosition position and version of snapshot reads: the source's log position
     *     before the job started (WAL LSN, or binlog file and offset)
     * @param snapshotTime commit time of snapshot reads, which carry none: the source's clock when
     *     {@code snapshotPosition} was read, so a read never looks newer than a change streamed
     *     after the snapshot started
     */
    public SourceRecordDecoder(
            String sourceId,
            List<TableBinding> bindings,
            Set<String> allowedTenants,
            SourcePosition snapshotPosition,
            Instant snapshotTime) {
        this.sourceId = sourceId;
        this.bindingsByTable = new HashMap<>();
        for (TableBinding binding : bindings) {
            bindingsByTable.put(binding.qualifiedName(), binding);
        }
        // Sorted, so the error message that lists them is the same on every run.
        this.snapshotPosition = Objects.requireNonNull(snapshotPosition, "snapshotPosition");
        this.snapshotTime = Objects.requireNonNull(snapshotTime, "snapshotTime");
        this.allowedTenants = Collections.unmodifiableSortedSet(new TreeSet<>(allowedTenants));
    }

    /** Decodes one record; {@code now} is the capture time when the record does not carry one. */
    public DecodeOutcome decode(SourceRecord record, Instant now) {
        return decode(record, now, null);
    }

    /**
     * Decodes one record of a snapshot chunk ({@code chunk}), or of the stream when {@code chunk}
     * is null. A snapshot read without a log position of its own takes the chunk's, and its read
     * time as commit time; without a chunk, the snapshot's start (see {@link SnapshotChunk}).
     */
    public DecodeOutcome decode(SourceRecord record, Instant now, SnapshotChunk chunk) {
        if (record.value() == null) {
            return new DecodeOutcome.Skipped("tombstone");
        }
        if (!(record.value() instanceof Struct value)
                || value.schema().field("op") == null
                || value.schema().field("source") == null) {
            return reject(
                    withCode(
                            ErrorRecord.newBuilder(),
                            ErrorCodes.MALFORMED_RECORD,
                            "record on topic '"
                                    + record.topic()
                                    + "' is not a Debezium change envelope (no op/source"
                                    + " fields); only row changes can be replicated"),
                    record,
                    now);
        }
        Struct source = value.getStruct("source");
        String opCode = value.getString("op");
        Operation op = operationOf(opCode);
        boolean binlog = isBinlog(source);
        if (!binlog && source.schema().field("lsn") == null) {
            return reject(
                    withCode(
                            ErrorRecord.newBuilder(),
                            ErrorCodes.DEBEZIUM_UNSUPPORTED_CONNECTOR,
                            "change on topic '"
                                    + record.topic()
                                    + "' comes from connector '"
                                    + textOrNull(source, "connector")
                                    + "', whose position Syncline cannot order (postgresql needs"
                                    + " source.lsn, mysql source.file and source.pos); read only"
                                    + " Postgres, MySQL or MariaDB databases this way"),
                    record,
                    now);
        }
        SourcePosition sourcePosition = positionOf(source, op, binlog, chunk);
        if (sourcePosition == null) {
            return reject(
                    withCode(
                            ErrorRecord.newBuilder(),
                            ErrorCodes.MALFORMED_RECORD,
                            "change on topic '"
                                    + record.topic()
                                    + "' has no binlog position (source.file '"
                                    + textOrNull(source, "file")
                                    + "', source.pos "
                                    + textOrNull(source, "pos")
                                    + "), so it cannot be ordered; on MariaDB 11.4 and later set"
                                    + " binlog_legacy_event_pos=ON, which fills in the positions"
                                    + " of events inside transactions"),
                    record,
                    now);
        }
        long version = sourcePosition.version();
        String position = sourcePosition.text();
        // Postgres names a table by schema, MySQL and MariaDB by database.
        String table =
                (binlog ? textOrNull(source, "db") : textOrNull(source, "schema"))
                        + "."
                        + textOrNull(source, "table");
        ErrorRecord.Builder error =
                ErrorRecord.newBuilder().setSourceId(sourceId).setSourcePosition(position);

        if (op == null) {
            return reject(
                    withCode(
                            error,
                            ErrorCodes.UNSUPPORTED_OPERATION,
                            describeOperation(opCode)
                                    + " on "
                                    + table
                                    + " is not replicated; apply it to the target by hand, or"
                                    + " re-sync the table"),
                    record,
                    now);
        }
        TableBinding binding = bindingsByTable.get(table);
        if (binding == null) {
            return reject(
                    withCode(
                            error,
                            ErrorCodes.UNMAPPED_TABLE,
                            "table "
                                    + table
                                    + " is not mapped to an entity type; add it under"
                                    + " sources[].tables in the configuration"
                                    + (binlog ? "" : " or remove it from the publication")),
                    record,
                    now);
        }
        error.setEntityType(binding.entityType());

        Struct image = value.getStruct(op == Operation.DELETE ? "before" : "after");
        if (image == null) {
            return reject(
                    withCode(
                            error,
                            ErrorCodes.MALFORMED_RECORD,
                            op + " of " + table + " carries no row image"),
                    record,
                    now);
        }
        String tenant = tenantOf(binding, image);
        if (tenant == null) {
            return reject(
                    withCode(
                            error,
                            ErrorCodes.TENANT_MISSING,
                            "row of "
                                    + table
                                    + " has no tenant in column '"
                                    + binding.tenantColumn()
                                    + "'; set the column, or for deletes set "
                                    + (binlog
                                            ? "binlog_row_image=FULL on the server"
                                            : "REPLICA IDENTITY FULL on the table")
                                    + " so the old row carries it"),
                    record,
                    now);
        }
        error.setTenant(tenant);
        if (!allowedTenants.isEmpty()
                && !allowedTenants.contains(tenant)
                && !Heartbeats.isHeartbeat(binding.entityType())) {
            return reject(
                    withCode(
                            error,
                            ErrorCodes.UNKNOWN_TENANT,
                            "tenant '"
                                    + tenant
                                    + "' of a row of "
                                    + table
                                    + " is not among the configured tenants "
                                    + allowedTenants
                                    + "; add it to 'tenants' or fix the row"),
                    record,
                    now);
        }
        String entityId;
        try {
            entityId = entityIdOf(binding, image);
        } catch (UnsupportedValueException e) {
            return reject(
                    withCode(error, ErrorCodes.UNSUPPORTED_TYPE, e.getMessage()), record, now);
        }
        if (entityId == null) {
            return reject(
                    withCode(
                            error,
                            ErrorCodes.KEY_MISSING,
                            "row of "
                                    + table
                                    + " has no value in a key column of "
                                    + binding.primaryKey()),
                    record,
                    now);
        }
        error.setKey(EntityKeys.of(tenant, binding.entityType(), entityId));

        Map<String, FieldValue> before;
        Map<String, FieldValue> after;
        try {
            before = imageOf(value.getStruct("before"));
            after = imageOf(value.getStruct("after"));
        } catch (UnsupportedValueException e) {
            return reject(
                    withCode(error, ErrorCodes.UNSUPPORTED_TYPE, e.getMessage()), record, now);
        }
        Map<String, Long> vectorClock;
        try {
            vectorClock = OriginColumns.parseClock(textOrNull(image, OriginColumns.CLOCK));
        } catch (IllegalArgumentException e) {
            return reject(
                    withCode(
                            error,
                            ErrorCodes.MALFORMED_RECORD,
                            "column '"
                                    + OriginColumns.CLOCK
                                    + "' of a row of "
                                    + table
                                    + ": "
                                    + e.getMessage()
                                    + "; only Syncline writes this column, so set it back to"
                                    + " what Syncline wrote or to NULL"),
                    record,
                    now);
        }
        // Only a written row can be an echo: a delete's before image still carries the origin of
        // the last write, but the delete itself was made by whoever deleted the row.
        String origin = textOrNull(value.getStruct("after"), OriginColumns.ORIGIN);
        if (origin != null && origin.isBlank()) {
            origin = null;
        }

        Instant captureTime = epochMillisOr(value.getInt64("ts_ms"), now);
        // Snapshot reads carry no commit time of their own (Flink CDC leaves it 0): their chunk's
        // read time stands in, or the snapshot's start, so a read never looks newer than a change
        // streamed after it.
        Instant commitTime =
                op == Operation.READ
                        ? (chunk == null ? snapshotTime : chunk.readTime())
                        : epochMillisOr((Long) fieldOrNull(source, "ts_ms"), captureTime);
        // Postgres' transaction id; MySQL's GTID (MariaDB's without GTIDs: none).
        String txId = textOrNull(source, binlog ? "gtid" : "txId");
        ChangeEvent event =
                ChangeEvent.newBuilder()
                        .setEventId(
                                sourceId
                                        + "/"
                                        + position
                                        + "/"
                                        + EntityKeys.of(tenant, binding.entityType(), entityId))
                        .setTenant(tenant)
                        .setEntityType(binding.entityType())
                        .setEntityId(entityId)
                        .setOp(op)
                        .setBefore(before)
                        .setAfter(after)
                        .setSourceCommitTime(commitTime)
                        .setCaptureTime(captureTime)
                        .setSourceId(sourceId)
                        .setSourcePosition(position)
                        .setVersion(version)
                        .setTransactionId(txId)
                        .setSchemaVersion(1)
                        .setOrigin(origin)
                        .setVectorClock(vectorClock)
                        .build();
        return new DecodeOutcome.Decoded(event);
    }

    private static Instant epochMillisOr(Long millis, Instant fallback) {
        return millis != null && millis > 0 ? Instant.ofEpochMilli(millis) : fallback;
    }

    private static Operation operationOf(String opCode) {
        return switch (opCode == null ? "" : opCode) {
            case "c" -> Operation.CREATE;
            case "u" -> Operation.UPDATE;
            case "d" -> Operation.DELETE;
            case "r" -> Operation.READ;
            default -> null;
        };
    }

    private static String describeOperation(String opCode) {
        return switch (opCode == null ? "" : opCode) {
            case "t" -> "TRUNCATE";
            case "m" -> "a logical decoding message";
            default -> "operation '" + opCode + "'";
        };
    }

    /** Whether the change comes from a MySQL or MariaDB binlog rather than a Postgres WAL. */
    private static boolean isBinlog(Struct source) {
        return source.schema().field("file") != null && source.schema().field("lsn") == null;
    }

    /**
     * The change's position, or null for a binlog change without one. Reads of a MySQL snapshot
     * take the snapshot's start (see the class comment); Postgres changes without an LSN too.
     */
    private SourcePosition positionOf(
            Struct source, Operation op, boolean binlog, SnapshotChunk chunk) {
        SourcePosition readPosition = chunk == null ? snapshotPosition : chunk.position();
        if (binlog) {
            if (op == Operation.READ) {
                return readPosition;
            }
            Object offset = fieldOrNull(source, "pos");
            return SourcePosition.binlog(
                    textOrNull(source, "file"),
                    offset instanceof Number n ? Long.valueOf(n.longValue()) : null);
        }
        Object lsn = fieldOrNull(source, "lsn");
        return lsn instanceof Number n && n.longValue() > 0
                ? SourcePosition.lsn(n.longValue())
                : readPosition;
    }

    private static Object fieldOrNull(Struct struct, String name) {
        return struct.schema().field(name) == null ? null : struct.get(name);
    }

    private static String textOrNull(Struct row, String column) {
        Object value = row == null ? null : fieldOrNull(row, column);
        return value == null ? null : value.toString();
    }

    private static String tenantOf(TableBinding binding, Struct image) {
        if (binding.constantTenant() != null) {
            return binding.constantTenant();
        }
        Object tenant = fieldOrNull(image, binding.tenantColumn());
        if (tenant == null || tenant.toString().isBlank()) {
            return null;
        }
        return tenant.toString();
    }

    /**
     * The key columns' values in their canonical text (exact decimals, hex bytes), joined by {@code
     * /}; null when one is missing.
     */
    private static String entityIdOf(TableBinding binding, Struct image)
            throws UnsupportedValueException {
        List<FieldValue> parts = new ArrayList<>(binding.primaryKey().size());
        for (String column : binding.primaryKey()) {
            Field field = image.schema().field(column);
            parts.add(field == null ? null : ConnectValues.convert(image, field));
        }
        return EntityIds.of(parts);
    }

    private static Map<String, FieldValue> imageOf(Struct row) throws UnsupportedValueException {
        if (row == null) {
            return null;
        }
        Schema schema = row.schema();
        Map<String, FieldValue> image = new LinkedHashMap<>(schema.fields().size() * 2);
        for (Field field : schema.fields()) {
            if (!OriginColumns.isBookkeeping(field.name())) {
                image.put(field.name(), ConnectValues.convert(row, field));
            }
        }
        return image;
    }

    private static ErrorRecord.Builder withCode(
            ErrorRecord.Builder error, String code, String message) {
        return ErrorRecords.permanent(error, STAGE, code, message);
    }

    private DecodeOutcome reject(ErrorRecord.Builder error, SourceRecord record, Instant now) {
        if (!error.hasSourceId()) {
            error.setSourceId(sourceId);
        }
        return new DecodeOutcome.Rejected(
                ErrorRecords.build(error, PayloadText.of(record.value()), now));
    }
}
