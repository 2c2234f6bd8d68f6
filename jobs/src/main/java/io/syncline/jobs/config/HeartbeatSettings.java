package io.syncline.jobs.config;

import io.syncline.operators.sink.SqlIdentifiers;
import java.time.Duration;

/**
 * The idle-source heartbeat: every interval the CDC connector of each Postgres source updates its
 * row in the heartbeat table, and the change travels the replication stream like any other, so a
 * stalled source shows rising lag instead of silence, quiet sources still move event time on, and
 * the replication slot advances even when the replicated tables are idle.
 *
 * @param interval how often; zero turns heartbeats off
 * @param schema schema of the heartbeat table in each source database
 * @param table name of the heartbeat table
 */
public record HeartbeatSettings(Duration interval, String schema, String table) {

    /** Whether heartbeats are on. */
    public boolean enabled() {
        return !interval.isZero();
    }

    /** The quoted, schema-qualified table. */
    public String qualifiedName() {
        return SqlIdentifiers.qualified(schema, table);
    }
}
