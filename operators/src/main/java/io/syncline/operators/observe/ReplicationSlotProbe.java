package io.syncline.operators.observe;

import io.syncline.operators.jdbc.PostgresConnections;
import java.io.Serializable;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;

/**
 * Reads sources' replication slots from {@code pg_replication_slots}, over read-only connections
 * kept open between checks, with connecting, logging in and each query bounded by one timeout.
 * Plain Java.
 */
public final class ReplicationSlotProbe implements AutoCloseable {

    /**
     * One source's replication slot and how to reach its database.
     *
     * @param name the slot's name
     */
    public record Slot(String sourceId, String url, String username, String password, String name)
            implements Serializable {

        public Slot {
            Objects.requireNonNull(sourceId, "sourceId");
            Objects.requireNonNull(url, "url");
            Objects.requireNonNull(name, "name");
        }

        /** Where the slot is, for messages: the URL without its parameters. */
        public String location() {
            return PostgresConnections.withoutParameters(url);
        }

        @Override
        public String toString() {
            return "slot '" + name + "' of source " + sourceId + " at " + location();
        }
    }

    /** What a check found. */
    public enum SlotState {
        /** The slot holds the WAL it needs ({@code wal_status} reserved or extended). */
        HEALTHY,
        /**
         * The slot holds more WAL than {@code max_slot_wal_keep_size}: it loses WAL at the server's
         * next checkpoint unless the job catches up first.
         */
        UNRESERVED,
        /** The slot lost WAL it needed ({@code wal_status} lost): changes are gone. */
        LOST,
        /** There is no slot of that name. */
        MISSING;

        /** The state of a slot whose {@code wal_status} is {@code walStatus}. */
        public static SlotState ofWalStatus(String walStatus) {
            if ("lost".equals(walStatus)) {
                return LOST;
            }
            return "unreserved".equals(walStatus) ? UNRESERVED : HEALTHY;
        }
    }

    private final Duration timeout;
    private final Map<String, Connection> connections = new HashMap<>();

    /**
     * @param timeout bounds connecting, logging in and each query
     */
    public ReplicationSlotProbe(Duration timeout) {
        this.timeout = timeout;
    }

    /**
     * The slot's state now.
     *
     * @throws SQLException if the database cannot be reached or does not answer in time: that says
     *     nothing about the slot
     */
    public SlotState check(Slot slot) throws SQLException {
        try {
            Connection connection = connectionTo(slot);
            try (PreparedStatement query =
                    connection.prepareStatement(
                            "SELECT wal_status FROM pg_replication_slots WHERE slot_name = ?")) {
                query.setString(1, slot.name());
                try (ResultSet rows = query.executeQuery()) {
                    return rows.next()
                            ? SlotState.ofWalStatus(rows.getString(1))
                            : SlotState.MISSING;
                }
            }
        } catch (SQLException e) {
            close(slot.sourceId());
            throw e;
        }
    }

    private Connection connectionTo(Slot slot) throws SQLException {
        Connection connection = connections.get(slot.sourceId());
        if (connection != null) {
            return connection;
        }
        connection =
                PostgresConnections.open(
                        slot.url(),
                        slot.username(),
                        slot.password(),
                        timeout,
                        timeout,
                        "syncline-slot-check");
        // Kept before it is set up, so that a failure to set it up closes it.
        connections.put(slot.sourceId(), connection);
        connection.setAutoCommit(true);
        try (Statement statement = connection.createStatement()) {
            statement.execute("SET default_transaction_read_only = on");
            statement.execute("SET statement_timeout = " + Math.max(1, timeout.toMillis()));
        }
        return connection;
    }

    private void close(String sourceId) {
        Connection connection = connections.remove(sourceId);
        if (connection != null) {
            try {
                connection.close();
            } catch (SQLException e) {
                // Broken already; nothing to keep.
            }
        }
    }

    @Override
    public void close() {
        for (String sourceId : Map.copyOf(connections).keySet()) {
            close(sourceId);
        }
    }
}
