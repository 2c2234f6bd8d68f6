package io.syncline.jobs.reconcile;

import io.syncline.operators.jdbc.PostgresConnections;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * One connection to a database per thread that uses it, each with the same session settings, so
 * that both sides print values (and so hash rows) alike: UTC, ISO dates, shortest exact floats.
 */
public final class WorkerConnections implements AutoCloseable {

    /** The session settings that make a value's text the same on every connection. */
    static final List<String> SESSION_SETTINGS =
            List.of(
                    "SET TimeZone = 'UTC'",
                    "SET DateStyle = 'ISO, YMD'",
                    "SET IntervalStyle = 'postgres'",
                    "SET extra_float_digits = 1",
                    "SET bytea_output = 'hex'");

    private final String url;
    private final String username;
    private final String password;
    private final Duration queryTimeout;
    private final ThreadLocal<Connection> perThread = new ThreadLocal<>();
    private final List<Connection> opened = new ArrayList<>();

    public WorkerConnections(String url, String username, String password, Duration queryTimeout) {
        this.url = Objects.requireNonNull(url, "url");
        this.username = username;
        this.password = password;
        this.queryTimeout = Objects.requireNonNull(queryTimeout, "queryTimeout");
    }

    /** The database's URL, for messages. */
    public String url() {
        return url;
    }

    /** The calling thread's connection, opened on first use. */
    public Connection get() throws SQLException {
        Connection connection = perThread.get();
        if (connection == null) {
            connection =
                    PostgresConnections.open(
                            url,
                            username,
                            password,
                            Duration.ofSeconds(10),
                            queryTimeout,
                            "syncline-reconcile");
            try (Statement statement = connection.createStatement()) {
                for (String setting : SESSION_SETTINGS) {
                    statement.execute(setting);
                }
            }
            perThread.set(connection);
            synchronized (opened) {
                opened.add(connection);
            }
        }
        return connection;
    }

    @Override
    public void close() {
        synchronized (opened) {
            for (Connection connection : opened) {
                try {
                    connection.close();
                } catch (SQLException e) {
                    // Closing a broken connection fails; there is nothing left to release.
                }
            }
            opened.clear();
        }
    }
}
