package io.syncline.operators.decode.debezium;

import io.syncline.operators.decode.DecodeOutcome;
import io.syncline.operators.decode.EntityIds;
import io.syncline.operators.decode.OriginColumns;
import io.syncline.operators.decode.SourceRecordDecoder;
import io.syncline.operators.decode.TableBinding;
import io.syncline.operators.decode.UnsupportedValueException;
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
import java.util.Set;
import java.util.TreeSet;

/**
 * Turns a {@link DebeziumEnvelope}, however it was written (JSON with or without schema, Avro),
 * into a {@link ChangeEvent} by the same rules as the Postgres decoder ({@link
 * SourceRecordDecoder}), so the same change gets the same event id, tenant, entity id and version
 * in every format.
 *
 * <p>The version of a change is its position in the source's log: the Postgres LSN, or for MySQL
 * and MariaDB the binlog file's number in the high 32 bits and the offset in it in the low ones.
 */
final class DebeziumChangeRules implements Serializable {

    private static final long serialVersionUID = 1L;

    private static final Set<String> HEARTBEAT_FIELDS = Set.of("ts_ms");

    /** Reads the message key's fields, only when the row image lacks a key column. */
    interface KeyReader {
        Map<String, FieldValue> read() throws MalformedMessageException, UnsupportedValueException;
    }

    private final String sourceId;
    private final Map<String, TableBinding> bindingsByTable;
    private final Set<String> allowedTenants;

    DebeziumChangeRules(String sourceId, List<TableBinding> bindings, Set<String> allowedTenants) {
        this.sourceId = sourceId;
        this.bindingsByTable = new HashMap<>();
        for (TableBinding binding : bindings) {
            bindingsByTable.put(binding.qualifiedName(), binding);
        }
        // Sorted, so the error message that lists them is the same on every run.
        this.allowedTenants = Collections.unmodifiableSortedSet(new TreeSet<>(allowedTenants));
    }

    /** The change {@code envelope} of {@code message} describes, a rejection or nothing. */
    DecodeOutcome decode(DebeziumEnvelope envelope, DebeziumMessage message, KeyReader key) {
        if (envelope.op() == null) {
            return withoutOperation(envelope, message);
        }
        if (envelope.source() == null) {
            return reject(
                    message,
                    ErrorRecord.newBuilder(),
                    ErrorCodes.DEBEZIUM_MALFORMED,
                    message.describe()
                            + " has no 'source' block, so its table and position are unknown;"
                            + " only change events of a Debezium connector can be read");
        }
        SourcePosition position = SourcePosition.of(envelope);
        if (position == null) {
            return reject(
                    message,
                    ErrorRecord.newBuilder(),
                    ErrorCodes.DEBEZIUM_UNSUPPORTED_CONNECTOR,
                    message.describe()
                            + " comes from connector '"
                            + envelope.sourceText("connector")
                            + "' without a position Syncline can order (postgresql needs"
                            + " source.lsn, mysql and mariadb source.file and source.pos);"
                            + " read only postgresql, mysql or mariadb topics");
        }
        ErrorRecord.Builder error =
                ErrorRecord.newBuilder().setSourceId(sourceId).setSourcePosition(position.text());
        String table = tableOf(envelope);

        Operation op = operationOf(envelope.op());
        if (op == null) {
            return reject(
                    message,
                    error,
                    ErrorCodes.UNSUPPORTED_OPERATION,
                    describeOperation(envelope.op())
                            + " on "
                            + table
                            + " is not replicated; apply it to the target by hand, or"
                            + " re-sync the table");
        }
        TableBinding binding = bindingsByTable.get(table);
        if (binding == null) {
            return reject(
                    message,
                    error,
                    ErrorCodes.UNMAPPED_TABLE,
                    "table "
                            + table
                            + " of "
                            + message.describe()
                            + " is not mapped to an entity type; add it under sources[].tables"
                            + " in the configuration or stop the connector capturing it");
        }
        error.setEntityType(binding.entityType());

        Map<String, FieldValue> image =
                op == Operation.DELETE ? envelope.before() : envelope.after();
        if (image == null) {
            return reject(
                    message,
                    error,
                    ErrorCodes.DEBEZIUM_MALFORMED,
                    op
                            + " of "
                            + table
                            + " in "
                            + message.describe()
                            + " carries no '"
                            + (op == Operation.DELETE ? "before" : "after")
                            + "' row image"
                            + (op == Operation.DELETE
                                    ? "; set REPLICA IDENTITY FULL (Postgres) or"
                                            + " binlog_row_image=FULL (MySQL) on the source"
                                    : "; the message was altered after the connector wrote it"));
        }
        String tenant = tenantOf(binding, image);
        if (tenant == null) {
            return reject(
                    message,
                    error,
                    ErrorCodes.TENANT_MISSING,
                    "row of "
                            + table
                            + " has no tenant in column '"
                            + binding.tenantColumn()
                            + "'; set the column, or for deletes set REPLICA IDENTITY FULL"
                            + " (Postgres) or binlog_row_image=FULL (MySQL) so the old row"
                            + " carries it");
        }
        error.setTenant(tenant);
        if (!allowedTenants.isEmpty()
                && !allowedTenants.contains(tenant)
                && !Heartbeats.isHeartbeat(binding.entityType())) {
            return reject(
                    message,
                    error,
                    ErrorCodes.UNKNOWN_TENANT,
                    "tenant '"
                            + tenant
                            + "' of a row of "
                            + table
                            + " is not among the configured tenants "
                            + allowedTenants
                            + "; add it to 'tenants' or fix the row");
        }
        String entityId = EntityIds.of(keyValues(binding, image));
        if (entityId == null) {
            try {
                entityId = EntityIds.of(keyValues(binding, key.read()));
            } catch (MalformedMessageException | UnsupportedValueException e) {
                entityId = null;
            }
        }
        if (entityId == null) {
            return reject(
                    message,
                    error,
                    ErrorCodes.KEY_MISSING,
                    "row of "
                            + table
                            + " has no value in a key column of "
                            + binding.primaryKey()
                            + ", in neither the row image nor the message key; fix"
                            + " primaryKey of the table in the configuration");
        }
        error.setKey(EntityKeys.of(tenant, binding.entityType(), entityId));

        Map<String, Long> vectorClock;
        try {
            vectorClock = OriginColumns.parseClock(textOrNull(image, OriginColumns.CLOCK));
        } catch (IllegalArgumentException e) {
            return reject(
                    message,
                    error,
                    ErrorCodes.MALFORMED_RECORD,
                    "column '"
                            + OriginColumns.CLOCK
                            + "' of a row of "
                            + table
                            + ": "
                            + e.getMessage()
                            + "; only Syncline writes this column, so set it back to"
                            + " what Syncline wrote or to NULL");
        }
        // Only a written row can be an echo: a delete's before image still carries the origin of
        // the last write, but the delete itself was made by whoever deleted the row.
        String origin = textOrNull(envelope.after(), OriginColumns.ORIGIN);
        if (origin != null && origin.isBlank()) {
            origin = null;
        }

        Instant captureTime = epochMillisOr(envelope.captureMillis(), message.now());
        Instant commitTime = epochMillisOr(envelope.sourceNumber("ts_ms"), captureTime);
        ChangeEvent event =
                ChangeEvent.newBuilder()
                        .setEventId(
                                sourceId
                                        + "/"
                                        + position.text()
                                        + "/"
                                        + EntityKeys.of(tenant, binding.entityType(), entityId))
                        .setTenant(tenant)
                        .setEntityType(binding.entityType())
                        .setEntityId(entityId)
                        .setOp(op)
                        .setBefore(withoutBookkeeping(envelope.before()))
                        .setAfter(withoutBookkeeping(envelope.after()))
                        .setSourceCommitTime(commitTime)
                        .setCaptureTime(captureTime)
                        .setSourceId(sourceId)
                        .setSourcePosition(position.text())
                        .setVersion(position.version())
                        .setTransactionId(transactionIdOf(envelope))
                        .setSchemaVersion(1)
                        .setOrigin(origin)
                        .setVectorClock(vectorClock)
                        .build();
        return new DecodeOutcome.Decoded(event);
    }

    /**
     * A message without {@code op}: a schema change, a transaction boundary or a heartbeat, which
     * change no row; anything else is not Debezium's.
     */
    private DecodeOutcome withoutOperation(DebeziumEnvelope envelope, DebeziumMessage message) {
        Set<String> fields = envelope.fields();
        if (fields.contains("ddl") || fields.contains("tableChanges")) {
            return new DecodeOutcome.Skipped("schema change");
        }
        if (fields.contains("status") && fields.contains("id")) {
            return new DecodeOutcome.Skipped("transaction boundary");
        }
        if (fields.equals(HEARTBEAT_FIELDS)) {
            return new DecodeOutcome.Skipped("heartbeat");
        }
        return reject(
                message,
                ErrorRecord.newBuilder(),
                ErrorCodes.DEBEZIUM_MALFORMED,
                message.describe()
                        + " has no 'op' field and is neither a schema change, a transaction"
                        + " boundary nor a heartbeat; only Debezium change events can be read, so"
                        + " remove other producers from the topic");
    }

    /**
     * The table's name as bindings know it: Postgres names tables by schema, MySQL and MariaDB by
     * database.
     */
    private static String tableOf(DebeziumEnvelope envelope) {
        String namespace = envelope.sourceText("schema");
        if (namespace == null) {
            namespace = envelope.sourceText("db");
        }
        return namespace + "." + envelope.sourceText("table");
    }

    /**
     * The source's own transaction id (Postgres txId, MySQL GTID), as the Postgres decoder sets it;
     * the transaction block's id only when the source block has none.
     */
    private static String transactionIdOf(DebeziumEnvelope envelope) {
        String txId = envelope.sourceText("txId");
        if (txId != null) {
            return txId;
        }
        String gtid = envelope.sourceText("gtid");
        return gtid != null ? gtid : envelope.transactionId();
    }

    private static Instant epochMillisOr(Long millis, Instant fallback) {
        return millis != null && millis > 0 ? Instant.ofEpochMilli(millis) : fallback;
    }

    private static Operation operationOf(String opCode) {
        return switch (opCode) {
            case "c" -> Operation.CREATE;
            case "u" -> Operation.UPDATE;
            case "d" -> Operation.DELETE;
            case "r" -> Operation.READ;
            default -> null;
        };
    }

    private static String describeOperation(String opCode) {
        return switch (opCode) {
            case "t" -> "TRUNCATE";
            case "m" -> "a logical decoding message";
            default -> "operation '" + opCode + "'";
        };
    }

    private static String tenantOf(TableBinding binding, Map<String, FieldValue> image) {
        if (binding.constantTenant() != null) {
            return binding.constantTenant();
        }
        String tenant = textOrNull(image, binding.tenantColumn());
        return tenant == null || tenant.isBlank() ? null : tenant;
    }

    private static List<FieldValue> keyValues(TableBinding binding, Map<String, FieldValue> row) {
        List<FieldValue> parts = new ArrayList<>(binding.primaryKey().size());
        for (String column : binding.primaryKey()) {
            parts.add(row.get(column));
        }
        return parts;
    }

    private static String textOrNull(Map<String, FieldValue> row, String column) {
        FieldValue value = row == null ? null : row.get(column);
        return value == null || value.getValue() == null ? null : value.getValue().toString();
    }

    private static Map<String, FieldValue> withoutBookkeeping(Map<String, FieldValue> row) {
        if (row == null) {
            return null;
        }
        Map<String, FieldValue> image = new LinkedHashMap<>(row.size() * 2);
        row.forEach(
                (column, value) -> {
                    if (!OriginColumns.isBookkeeping(column)) {
                        image.put(column, value);
                    }
                });
        return image;
    }

    /**
     * An error with {@code code} and {@code text}; its position is the change's source position
     * when known, else the message's place in Kafka. The payload is the message as text, masked
     * later by the protect stage.
     */
    DecodeOutcome reject(
            DebeziumMessage message, ErrorRecord.Builder error, String code, String text) {
        if (!error.hasSourceId()) {
            error.setSourceId(sourceId);
        }
        if (!error.hasSourcePosition()) {
            error.setSourcePosition(message.place());
        }
        ErrorRecords.permanent(error, SourceRecordDecoder.STAGE, code, text);
        return new DecodeOutcome.Rejected(
                ErrorRecords.build(error, message.payload().get(), message.now()));
    }

    /** A rejection of {@code message} before anything of its change is known. */
    DecodeOutcome reject(DebeziumMessage message, String code, String text) {
        return reject(message, ErrorRecord.newBuilder(), code, text);
    }
}
