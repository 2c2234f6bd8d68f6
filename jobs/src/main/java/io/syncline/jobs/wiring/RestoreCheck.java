package io.syncline.jobs.wiring;

import io.syncline.jobs.config.SourceConfig;
import io.syncline.jobs.config.SynclineConfig;
import io.syncline.operators.jdbc.PostgresConnections;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import org.apache.flink.configuration.ReadableConfig;
import org.apache.flink.configuration.StateRecoveryOptions;

/**
 * Refuses to restore a job from a savepoint or checkpoint whose sources' replication slots are gone
 * or have lost WAL: the CDC connector would create a new slot at the current position and stream
 * on, skipping every change since the savepoint without a word. Checked where the job is submitted,
 * before anything runs.
 */
public final class RestoreCheck {

    private RestoreCheck() {}

    /**
     * Fails with a message naming the source, the slot and the way out if {@code flink} restores a
     * savepoint and a source's slot is missing or its WAL is lost; does nothing for a fresh start,
     * which creates the slots.
     */
    public static void verify(SynclineConfig config, ReadableConfig flink) {
        String savepoint = flink.get(StateRecoveryOptions.SAVEPOINT_PATH);
        if (savepoint == null) {
            return;
        }
        for (SourceConfig source : config.sources()) {
            String status = slotStatus(source);
            if (status == null || status.equals("lost")) {
                throw new IllegalStateException(
                        "source '"
                                + source.id()
                                + "': restoring from "
                                + savepoint
                                + ", but replication slot '"
                                + source.slotName()
                                + "' "
                                + (status == null
                                        ? "does not exist"
                                        : "has lost the WAL it held (wal_status = lost)")
                                + " in "
                                + source.jdbcUrl()
                                + ": the changes since the savepoint are gone from the WAL, and"
                                + " streaming on would skip them. Re-snapshot instead: see"
                                + " docs/runbooks/recreate-slot.md (drop the slot, start the job"
                                + " without the savepoint)");
            }
        }
    }

    /** The slot's {@code wal_status}, "unknown" if the server has none, null if no such slot. */
    private static String slotStatus(SourceConfig source) {
        try (Connection connection =
                        PostgresConnections.open(
                                source.jdbcUrl(), source.username(), source.password());
                PreparedStatement query =
                        connection.prepareStatement(
                                "SELECT coalesce(wal_status, 'unknown') FROM pg_replication_slots"
                                        + " WHERE slot_name = ?")) {
            query.setString(1, source.slotName());
            try (ResultSet rows = query.executeQuery()) {
                return rows.next() ? rows.getString(1) : null;
            }
        } catch (SQLException e) {
            throw new IllegalStateException(
                    "source '"
                            + source.id()
                            + "': cannot check replication slot '"
                            + source.slotName()
                            + "' at "
                            + source.jdbcUrl()
                            + " before restoring: "
                            + e.getMessage(),
                    e);
        }
    }
}
