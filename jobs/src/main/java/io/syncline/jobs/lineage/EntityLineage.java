package io.syncline.jobs.lineage;

import io.syncline.jobs.config.SynclineConfig;
import io.syncline.jobs.wiring.SyncJobFactory;
import io.syncline.operators.audit.AuditTable;
import io.syncline.operators.errors.ErrorsTable;
import io.syncline.operators.key.EntityKeys;
import io.syncline.operators.resolve.ConflictsTable;
import io.syncline.schema.AuditKind;
import io.syncline.schema.ChangeEvent;
import java.io.IOException;
import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import org.apache.avro.AvroRuntimeException;

/**
 * Reads the history of one entity across systems from Syncline's tables in the target database: its
 * delivered changes and the commands and erasures that touched it (audit table), its errors (errors
 * table) and its conflicts (conflicts table), merged in time order.
 */
public final class EntityLineage {

    /**
     * The history read, and the tables that did not exist (a job not started yet, or without
     * audit).
     */
    public record History(List<LineageEntry> entries, List<String> missingTables) {

        public History {
            entries = List.copyOf(entries);
            missingTables = List.copyOf(missingTables);
        }
    }

    private final AuditTable audit;
    private final ErrorsTable errors;
    private final ConflictsTable conflicts;

    public EntityLineage(AuditTable audit, ErrorsTable errors, ConflictsTable conflicts) {
        this.audit = Objects.requireNonNull(audit, "audit");
        this.errors = Objects.requireNonNull(errors, "errors");
        this.conflicts = Objects.requireNonNull(conflicts, "conflicts");
    }

    /** The lineage of {@code config}'s tables. */
    public static EntityLineage of(SynclineConfig config) {
        return new EntityLineage(
                SyncJobFactory.auditTableOf(config),
                SyncJobFactory.errorsTableOf(config),
                SyncJobFactory.conflictsTableOf(config));
    }

    /**
     * Everything known of {@code entityId} of {@code tenant}'s {@code entityType}, oldest first.
     */
    public History read(Connection connection, String tenant, String entityType, String entityId)
            throws SQLException {
        List<LineageEntry> entries = new ArrayList<>();
        List<String> missing = new ArrayList<>();
        if (exists(connection, audit.schema(), audit.table())) {
            entries.addAll(audited(connection, tenant, entityType, entityId));
        } else {
            missing.add(audit.qualifiedName());
        }
        if (exists(connection, errors.schema(), errors.table())) {
            entries.addAll(errors(connection, tenant, entityType, entityId));
        } else {
            missing.add(errors.qualifiedName());
        }
        if (exists(connection, conflicts.schema(), conflicts.table())) {
            entries.addAll(conflicts(connection, tenant, entityType, entityId));
        } else {
            missing.add(conflicts.qualifiedName());
        }
        // Stable: what happened at the same time keeps the order of the tables above.
        entries.sort(Comparator.comparing(LineageEntry::time));
        return new History(entries, missing);
    }

    private List<LineageEntry> audited(
            Connection connection, String tenant, String entityType, String entityId)
            throws SQLException {
        String sql =
                "SELECT "
                        + String.join(
                                ", ",
                                AuditTable.AUDIT_ID,
                                AuditTable.KIND,
                                AuditTable.AUDIT_TIME,
                                AuditTable.OP,
                                AuditTable.SOURCE_ID,
                                AuditTable.SOURCE_POSITION,
                                AuditTable.TRANSACTION_ID,
                                AuditTable.VERSION,
                                AuditTable.RULE_SET_VERSION,
                                AuditTable.DECISION,
                                AuditTable.SINKS,
                                AuditTable.JOB_VERSION,
                                AuditTable.ACTOR,
                                AuditTable.COMMAND_TYPE,
                                AuditTable.DETAIL)
                        + " FROM "
                        + audit.qualifiedName()
                        + " WHERE "
                        + AuditTable.TENANT
                        + " = ? AND "
                        + AuditTable.ENTITY_TYPE
                        + " = ? AND "
                        + AuditTable.ENTITY_ID
                        + " = ? ORDER BY "
                        + AuditTable.AUDIT_TIME
                        + ", "
                        + AuditTable.VERSION;
        List<LineageEntry> entries = new ArrayList<>();
        try (PreparedStatement statement = connection.prepareStatement(sql)) {
            bind(statement, tenant, entityType, entityId);
            try (ResultSet rows = statement.executeQuery()) {
                while (rows.next()) {
                    String kind = rows.getString(AuditTable.KIND);
                    boolean change = AuditKind.CHANGE.name().equals(kind);
                    entries.add(
                            new LineageEntry(
                                    instant(rows, AuditTable.AUDIT_TIME),
                                    kind.toLowerCase(Locale.ROOT),
                                    rows.getString(AuditTable.AUDIT_ID),
                                    change
                                            ? rows.getString(AuditTable.OP)
                                            : rows.getString(AuditTable.COMMAND_TYPE),
                                    rows.getString(AuditTable.SOURCE_ID),
                                    rows.getString(AuditTable.SOURCE_POSITION),
                                    rows.getString(AuditTable.TRANSACTION_ID),
                                    (Long) rows.getObject(AuditTable.VERSION),
                                    (Integer) rows.getObject(AuditTable.RULE_SET_VERSION),
                                    rows.getString(AuditTable.DECISION),
                                    strings(rows.getArray(AuditTable.SINKS)),
                                    rows.getString(AuditTable.JOB_VERSION),
                                    null,
                                    rows.getString(AuditTable.ACTOR),
                                    rows.getString(AuditTable.DETAIL)));
                }
            }
        }
        return entries;
    }

    private List<LineageEntry> errors(
            Connection connection, String tenant, String entityType, String entityId)
            throws SQLException {
        String sql =
                "SELECT "
                        + String.join(
                                ", ",
                                ErrorsTable.ERROR_ID,
                                ErrorsTable.ERROR_TIME,
                                ErrorsTable.CODE,
                                ErrorsTable.SOURCE_ID,
                                ErrorsTable.SOURCE_POSITION,
                                ErrorsTable.RULE_SET_VERSION,
                                ErrorsTable.STATUS,
                                ErrorsTable.MESSAGE,
                                ErrorsTable.CHANGE)
                        + " FROM "
                        + errors.qualifiedName()
                        + " WHERE "
                        + ErrorsTable.TENANT
                        + " = ? AND "
                        + ErrorsTable.ENTITY_TYPE
                        + " = ? AND "
                        + ErrorsTable.ENTITY_KEY
                        + " = ? ORDER BY "
                        + ErrorsTable.ERROR_TIME;
        List<LineageEntry> entries = new ArrayList<>();
        try (PreparedStatement statement = connection.prepareStatement(sql)) {
            bind(statement, tenant, entityType, EntityKeys.of(tenant, entityType, entityId));
            try (ResultSet rows = statement.executeQuery()) {
                while (rows.next()) {
                    ChangeEvent change = change(rows.getBytes(ErrorsTable.CHANGE));
                    entries.add(
                            new LineageEntry(
                                    instant(rows, ErrorsTable.ERROR_TIME),
                                    "error",
                                    rows.getString(ErrorsTable.ERROR_ID),
                                    rows.getString(ErrorsTable.CODE),
                                    rows.getString(ErrorsTable.SOURCE_ID),
                                    rows.getString(ErrorsTable.SOURCE_POSITION),
                                    change == null ? null : change.getTransactionId(),
                                    null,
                                    (Integer) rows.getObject(ErrorsTable.RULE_SET_VERSION),
                                    null,
                                    List.of(),
                                    null,
                                    rows.getString(ErrorsTable.STATUS),
                                    null,
                                    rows.getString(ErrorsTable.MESSAGE)));
                }
            }
        }
        return entries;
    }

    private List<LineageEntry> conflicts(
            Connection connection, String tenant, String entityType, String entityId)
            throws SQLException {
        String sql =
                "SELECT "
                        + String.join(
                                ", ",
                                ConflictsTable.CONFLICT_ID,
                                ConflictsTable.DETECTED_AT,
                                ConflictsTable.STRATEGY,
                                ConflictsTable.STATUS,
                                ConflictsTable.OUTCOME,
                                ConflictsTable.LEFT_SOURCE,
                                ConflictsTable.RIGHT_SOURCE,
                                ConflictsTable.DECIDED_BY,
                                ConflictsTable.DECISION)
                        + " FROM "
                        + conflicts.qualifiedName()
                        + " WHERE "
                        + ConflictsTable.TENANT
                        + " = ? AND "
                        + ConflictsTable.ENTITY_TYPE
                        + " = ? AND "
                        + ConflictsTable.ENTITY_ID
                        + " = ? ORDER BY "
                        + ConflictsTable.DETECTED_AT;
        List<LineageEntry> entries = new ArrayList<>();
        try (PreparedStatement statement = connection.prepareStatement(sql)) {
            bind(statement, tenant, entityType, entityId);
            try (ResultSet rows = statement.executeQuery()) {
                while (rows.next()) {
                    String decision = rows.getString(ConflictsTable.DECISION);
                    String strategy = rows.getString(ConflictsTable.STRATEGY);
                    entries.add(
                            new LineageEntry(
                                    instant(rows, ConflictsTable.DETECTED_AT),
                                    "conflict",
                                    rows.getString(ConflictsTable.CONFLICT_ID),
                                    rows.getString(ConflictsTable.OUTCOME),
                                    null,
                                    null,
                                    null,
                                    null,
                                    null,
                                    decision == null ? strategy : strategy + ": " + decision,
                                    List.of(),
                                    null,
                                    rows.getString(ConflictsTable.STATUS),
                                    rows.getString(ConflictsTable.DECIDED_BY),
                                    rows.getString(ConflictsTable.LEFT_SOURCE)
                                            + " against "
                                            + rows.getString(ConflictsTable.RIGHT_SOURCE)));
                }
            }
        }
        return entries;
    }

    private static void bind(
            PreparedStatement statement, String tenant, String entityType, String entityId)
            throws SQLException {
        statement.setString(1, tenant);
        statement.setString(2, entityType);
        statement.setString(3, entityId);
    }

    private static boolean exists(Connection connection, String schema, String table)
            throws SQLException {
        try (PreparedStatement statement =
                connection.prepareStatement(
                        "SELECT 1 FROM pg_catalog.pg_tables WHERE schemaname = ? AND tablename = ?")) {
            statement.setString(1, schema);
            statement.setString(2, table);
            try (ResultSet rows = statement.executeQuery()) {
                return rows.next();
            }
        }
    }

    private static Instant instant(ResultSet rows, String column) throws SQLException {
        OffsetDateTime time = rows.getObject(column, OffsetDateTime.class);
        return time == null ? null : time.toInstant();
    }

    private static List<String> strings(Array array) throws SQLException {
        return array == null ? List.of() : Arrays.asList((String[]) array.getArray());
    }

    /** The change an error holds, for its transaction; null if it holds none it can read. */
    private static ChangeEvent change(byte[] bytes) {
        if (bytes == null) {
            return null;
        }
        try {
            return ChangeEvent.getDecoder().decode(bytes);
        } catch (IOException | AvroRuntimeException e) {
            // An error written by another version may not decode; its other columns still tell.
            return null;
        }
    }
}
