package io.syncline.jobs.wiring;

import io.syncline.jobs.config.ChangeSourceConfig;
import io.syncline.jobs.config.TableMapping;
import io.syncline.jobs.config.TargetSettings;
import io.syncline.operators.jdbc.PostgresConnections;
import io.syncline.operators.sink.TargetColumn;
import io.syncline.operators.sink.TargetTable;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The columns and keys of what a source without a database catalog reads (a topic, an API), in this
 * order: the columns its configuration declares; the target table of the same entity type another
 * source made; the target table as it exists in the target database.
 */
public final class SourceTables {

    private final TargetSettings target;
    private final Map<String, TargetTable> knownTargets;

    /**
     * @param knownTargets the target tables of the sources wired so far, by entity type; read when
     *     a table is resolved, so it sees every source wired before
     */
    public SourceTables(TargetSettings target, Map<String, TargetTable> knownTargets) {
        this.target = target;
        this.knownTargets = knownTargets;
    }

    /** Every table of {@code source}, resolved. */
    public List<DiscoveredTable> resolve(ChangeSourceConfig source) {
        List<DiscoveredTable> tables = new ArrayList<>();
        for (TableMapping mapping : source.tables()) {
            tables.add(resolve(source, mapping));
        }
        return tables;
    }

    private DiscoveredTable resolve(ChangeSourceConfig source, TableMapping mapping) {
        List<TargetColumn> declared = source.declaredColumns().get(mapping.entityType());
        if (declared != null) {
            return declared(source, mapping, declared);
        }
        TargetTable known = knownTargets.get(mapping.entityType());
        if (known != null) {
            List<String> key =
                    mapping.primaryKey().isEmpty() ? known.primaryKey() : mapping.primaryKey();
            return new DiscoveredTable(mapping, known.columns(), key);
        }
        DiscoveredTable existing = existing(mapping);
        if (existing != null) {
            return existing;
        }
        throw new IllegalStateException(
                "entity type '"
                        + mapping.entityType()
                        + "' of source '"
                        + source.id()
                        + "' has no target table to write to: "
                        + target.schema()
                        + "."
                        + mapping.targetTable()
                        + " does not exist and no other source has that entity type; declare"
                        + " its columns in the configuration (columns: {id: bigint, name: text}"
                        + " with primaryKey: [id]) or create the table in the target database");
    }

    private static DiscoveredTable declared(
            ChangeSourceConfig source, TableMapping mapping, List<TargetColumn> columns) {
        if (mapping.primaryKey().isEmpty()) {
            throw new IllegalStateException(
                    "table "
                            + mapping.table()
                            + " of source '"
                            + source.id()
                            + "' declares its columns but no primaryKey; add e.g. primaryKey:"
                            + " ["
                            + columns.get(0).name()
                            + "]");
        }
        for (String key : mapping.primaryKey()) {
            if (columns.stream().noneMatch(c -> c.name().equals(key))) {
                throw new IllegalStateException(
                        "primary key column '"
                                + key
                                + "' of table "
                                + mapping.table()
                                + " of source '"
                                + source.id()
                                + "' is not among its declared columns; declare it");
            }
        }
        return new DiscoveredTable(mapping, columns, mapping.primaryKey());
    }

    private DiscoveredTable existing(TableMapping mapping) {
        try (Connection connection =
                PostgresConnections.open(target.url(), target.username(), target.password())) {
            return TableDiscovery.read(connection, target.schema(), mapping.targetTable(), mapping);
        } catch (SQLException e) {
            throw new IllegalStateException(
                    "cannot read target table "
                            + target.schema()
                            + "."
                            + mapping.targetTable()
                            + " at "
                            + target.url()
                            + ": "
                            + e.getMessage(),
                    e);
        }
    }
}
