package io.syncline.operators.resync;

import io.syncline.operators.sink.SqlIdentifiers;
import java.io.Serializable;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.util.Objects;
import java.util.Optional;

/**
 * The table, in the target database, where the sync job records each re-sync request it serves: one
 * row per request, updated as it goes.
 */
public record ResyncStatusTable(String schema, String table) implements Serializable {

    /** The table's name unless configured otherwise. */
    public static final String DEFAULT_NAME = "syncline_resyncs";

    public ResyncStatusTable {
        Objects.requireNonNull(schema, "schema");
        Objects.requireNonNull(table, "table");
    }

    /** The quoted, schema-qualified name. */
    public String qualifiedName() {
        return SqlIdentifiers.qualified(schema, table);
    }

    /** DDL that creates the table when it is missing. */
    public String createSql() {
        return "CREATE TABLE IF NOT EXISTS "
                + qualifiedName()
                + " (request_id TEXT PRIMARY KEY, tenant TEXT, entity_type TEXT, issued_by TEXT,"
                + " issued_at TIMESTAMPTZ, state TEXT NOT NULL, rows_read BIGINT NOT NULL,"
                + " rows_deleted BIGINT NOT NULL, message TEXT, updated_at TIMESTAMPTZ NOT NULL"
                + " DEFAULT now())";
    }

    /** Writes {@code status}, replacing the request's earlier one. */
    public void upsert(Connection connection, ResyncStatus status) throws SQLException {
        try (PreparedStatement upsert =
                connection.prepareStatement(
                        "INSERT INTO "
                                + qualifiedName()
                                + " (request_id, tenant, entity_type, issued_by, issued_at, state,"
                                + " rows_read, rows_deleted, message, updated_at) VALUES (?, ?, ?,"
                                + " ?, ?, ?, ?, ?, ?, now()) ON CONFLICT (request_id) DO UPDATE SET"
                                + " state = EXCLUDED.state, rows_read = EXCLUDED.rows_read,"
                                + " rows_deleted = EXCLUDED.rows_deleted, message ="
                                + " EXCLUDED.message, updated_at = now()")) {
            upsert.setString(1, status.requestId());
            upsert.setString(2, status.tenant());
            upsert.setString(3, status.entityType());
            upsert.setString(4, status.issuedBy());
            upsert.setTimestamp(
                    5, status.issuedAt() == null ? null : Timestamp.from(status.issuedAt()));
            upsert.setString(6, status.state().name());
            upsert.setLong(7, status.rowsRead());
            upsert.setLong(8, status.rowsDeleted());
            upsert.setString(9, status.message());
            upsert.executeUpdate();
        }
    }

    /** The status of {@code requestId}, if the job has recorded one. */
    public Optional<ResyncStatus> find(Connection connection, String requestId)
            throws SQLException {
        try (PreparedStatement query =
                connection.prepareStatement(
                        "SELECT tenant, entity_type, issued_by, issued_at, state, rows_read,"
                                + " rows_deleted, message FROM "
                                + qualifiedName()
                                + " WHERE request_id = ?")) {
            query.setString(1, requestId);
            try (ResultSet row = query.executeQuery()) {
                if (!row.next()) {
                    return Optional.empty();
                }
                Timestamp issuedAt = row.getTimestamp(4);
                return Optional.of(
                        new ResyncStatus(
                                requestId,
                                row.getString(1),
                                row.getString(2),
                                row.getString(3),
                                issuedAt == null ? null : issuedAt.toInstant(),
                                ResyncStatus.State.valueOf(row.getString(5)),
                                row.getLong(6),
                                row.getLong(7),
                                row.getString(8)));
            }
        }
    }
}
