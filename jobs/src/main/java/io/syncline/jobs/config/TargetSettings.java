package io.syncline.jobs.config;

import java.time.Duration;

/**
 * The target PostgreSQL database, written by version-guarded upserts.
 *
 * @param schema schema holding the target tables
 * @param createTables create missing target tables from the source tables' columns
 * @param batchSize rows per JDBC batch
 * @param batchInterval longest time a row waits in a batch
 * @param maxRetries retries of a failed batch before the job restarts
 * @param errorsTable table in {@code schema} holding every error with its status, for {@code
 *     syncline errors}
 * @param conflictsTable table in {@code schema} holding every conflict with its resolution; parked
 *     manual conflicts wait there for a decision
 * @param qualityMetricsTable table in {@code schema} holding each window's quality and lag per
 *     tenant and entity type, for {@code syncline report}
 * @param alertsTable table in {@code schema} holding every alert, fired and resolved
 */
public record TargetSettings(
        String url,
        String username,
        String password,
        String schema,
        boolean createTables,
        int batchSize,
        Duration batchInterval,
        int maxRetries,
        String errorsTable,
        String conflictsTable,
        String qualityMetricsTable,
        String alertsTable) {}
