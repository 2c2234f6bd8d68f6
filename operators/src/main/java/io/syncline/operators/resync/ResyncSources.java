package io.syncline.operators.resync;

import io.syncline.operators.jdbc.JdbcEndpoint;
import io.syncline.operators.read.SourceTable;
import java.io.Serializable;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Where re-sync requests read: each entity type's source tables, and each source's database.
 *
 * @param tables per entity type, the tables holding it (more than one when several sources do)
 * @param databases per source id, its database
 * @param chunkSize rows read per query; between chunks the job checkpoints and goes on streaming
 * @param statusDatabase the database holding {@code statusTable} (the target)
 */
public record ResyncSources(
        Map<String, List<SourceTable>> tables,
        Map<String, JdbcEndpoint> databases,
        int chunkSize,
        JdbcEndpoint statusDatabase,
        ResyncStatusTable statusTable)
        implements Serializable {

    public ResyncSources {
        tables = Map.copyOf(tables);
        databases = Map.copyOf(databases);
        if (chunkSize < 1) {
            throw new IllegalArgumentException("chunkSize must be at least 1, not " + chunkSize);
        }
        Objects.requireNonNull(statusDatabase, "statusDatabase");
        Objects.requireNonNull(statusTable, "statusTable");
    }
}
