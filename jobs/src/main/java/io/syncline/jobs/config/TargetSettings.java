package io.syncline.jobs.config;

import io.syncline.operators.retry.CircuitBreakerSettings;
import io.syncline.operators.retry.RetryPolicy;
import java.time.Duration;

/**
 * The target PostgreSQL database, written by version-guarded upserts.
 *
 * @param url the JDBC URL; with {@code tls:} set, its settings are appended as parameters (see
 *     {@link PostgresTls#addTo}), so every connection made with it uses them
 * @param schema schema holding the target tables
 * @param createTables create missing target tables from the source tables' columns
 * @param batchSize rows per JDBC batch
 * @param batchInterval longest time a row waits in a batch
 * @param retry how a batch that failed for a passing reason (the database restarting, a broken
 *     connection, a deadlock) is tried again on a new connection: up to {@code maxRetries} times,
 *     with exponential backoff
 * @param errorsTable table in {@code schema} holding every error with its status, for {@code
 *     syncline errors}
 * @param conflictsTable table in {@code schema} holding every conflict with its resolution; parked
 *     manual conflicts wait there for a decision
 * @param qualityMetricsTable table in {@code schema} holding each window's quality and lag per
 *     tenant and entity type, for {@code syncline report}
 * @param alertsTable table in {@code schema} holding every alert, fired and resolved
 * @param circuitBreaker when the writers of the database stop trying it: once a batch has used up
 *     its retries, or after {@code failureThreshold} failed attempts in a row, every writer fails
 *     at once for {@code openFor}, so that Flink restarts the job from its last checkpoint, and
 *     then one write probes the database
 * @param auditTable table in {@code schema} holding the audit trail, for {@code syncline lineage}
 */
public record TargetSettings(
        String url,
        String username,
        String password,
        String schema,
        boolean createTables,
        int batchSize,
        Duration batchInterval,
        RetryPolicy retry,
        String errorsTable,
        String conflictsTable,
        String qualityMetricsTable,
        String alertsTable,
        CircuitBreakerSettings circuitBreaker,
        String auditTable) {}
