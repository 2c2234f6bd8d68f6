package io.syncline.jobs.erase;

import io.syncline.jobs.config.SourceConfig;
import io.syncline.jobs.config.SynclineConfig;
import io.syncline.jobs.config.TableMapping;
import io.syncline.jobs.config.TargetSettings;
import io.syncline.jobs.wiring.DiscoveredTable;
import io.syncline.jobs.wiring.SyncJobFactory;
import io.syncline.jobs.wiring.TableDiscovery;
import io.syncline.operators.jdbc.PostgresConnections;
import io.syncline.operators.key.EntityKeys;
import io.syncline.operators.protect.Classification;
import io.syncline.operators.protect.EntityProtection;
import io.syncline.operators.sink.SqlIdentifiers;
import io.syncline.operators.sink.TargetTable;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.stream.Collectors;

/**
 * Deletes one data subject's rows from every target table whose entity type names a subject ({@code
 * security.entities.<type>.subject}). Each row becomes a tombstone at the highest version there is,
 * with every column but its key emptied: the version guard then refuses every later write of the
 * entity, in flight or replayed, so nothing brings the row back.
 */
public final class Erasure {

    /** The version of an erased row: no change can be newer. */
    public static final long ERASED_VERSION = Long.MAX_VALUE;

    private final SynclineConfig config;

    public Erasure(SynclineConfig config) {
        this.config = Objects.requireNonNull(config, "config");
    }

    /** The entity types whose rows name a subject, with their subject field. */
    public Map<String, String> subjectFields() {
        Map<String, String> fields = new LinkedHashMap<>();
        config.security()
                .classification()
                .entities()
                .forEach(
                        (entityType, protection) -> {
                            if (protection.subjectField() != null) {
                                fields.put(entityType, protection.subjectField());
                            }
                        });
        return fields;
    }

    /** The rows erased from one target table. */
    public record ErasedTable(String entityType, String table, List<String> entityKeys) {}

    /**
     * Turns the rows of {@code subject} of {@code tenant} into erased tombstones in every target
     * table of an entity type that names a subject.
     *
     * @return per table, the keys of the entities erased
     * @throws IllegalStateException naming the database and the fix if a table cannot be updated
     */
    public List<ErasedTable> eraseRows(String tenant, String subject) {
        Classification classification = config.security().classification();
        TargetSettings target = config.sinks().target();
        List<ErasedTable> erased = new ArrayList<>();
        try (Connection connection =
                PostgresConnections.open(target.url(), target.username(), target.password())) {
            connection.setAutoCommit(false);
            for (SourceConfig source : config.sources()) {
                for (DiscoveredTable table : TableDiscovery.discover(source)) {
                    TableMapping mapping = table.mapping();
                    EntityProtection protection = classification.of(mapping.entityType());
                    if (protection.subjectField() == null
                            || (mapping.tenantColumn() == null
                                    && !tenant.equals(mapping.tenant()))) {
                        continue;
                    }
                    TargetTable targetTable =
                            SyncJobFactory.targetTableOf(target, table, classification);
                    erased.add(
                            new ErasedTable(
                                    mapping.entityType(),
                                    targetTable.qualifiedName(),
                                    erase(
                                            connection,
                                            targetTable,
                                            mapping,
                                            protection.subjectField(),
                                            tenant,
                                            subject)));
                }
            }
            connection.commit();
        } catch (SQLException e) {
            throw new IllegalStateException(
                    "cannot erase the subject's rows at "
                            + PostgresConnections.withoutParameters(target.url())
                            + ": "
                            + e.getMessage()
                            + "; nothing was changed (one transaction); check"
                            + " sinks.target and run it again",
                    e);
        }
        return erased;
    }

    private static List<String> erase(
            Connection connection,
            TargetTable table,
            TableMapping mapping,
            String subjectField,
            String tenant,
            String subject)
            throws SQLException {
        String emptied =
                table.columns().stream()
                        .filter(c -> !table.primaryKey().contains(c.name()))
                        .map(c -> SqlIdentifiers.quote(c.name()) + " = NULL")
                        .collect(Collectors.joining(", "));
        String key =
                table.primaryKey().stream()
                        .map(c -> "CAST(" + SqlIdentifiers.quote(c) + " AS text)")
                        .collect(Collectors.joining(", "));
        String sql =
                "UPDATE "
                        + table.qualifiedName()
                        + " SET "
                        + (emptied.isEmpty() ? "" : emptied + ", ")
                        + SqlIdentifiers.quote(TargetTable.VERSION_COLUMN)
                        + " = "
                        + ERASED_VERSION
                        + ", "
                        + SqlIdentifiers.quote(TargetTable.DELETED_COLUMN)
                        + " = TRUE WHERE CAST("
                        + SqlIdentifiers.quote(subjectField)
                        + " AS text) = ?"
                        + (mapping.tenantColumn() == null
                                ? ""
                                : " AND CAST("
                                        + SqlIdentifiers.quote(mapping.tenantColumn())
                                        + " AS text) = ?")
                        + " RETURNING "
                        + key;
        List<String> keys = new ArrayList<>();
        try (PreparedStatement statement = connection.prepareStatement(sql)) {
            statement.setString(1, subject);
            if (mapping.tenantColumn() != null) {
                statement.setString(2, tenant);
            }
            try (ResultSet rows = statement.executeQuery()) {
                while (rows.next()) {
                    List<String> parts = new ArrayList<>();
                    for (int i = 1; i <= table.primaryKey().size(); i++) {
                        parts.add(rows.getString(i));
                    }
                    keys.add(EntityKeys.of(tenant, mapping.entityType(), String.join("/", parts)));
                }
            }
        }
        return keys;
    }
}
