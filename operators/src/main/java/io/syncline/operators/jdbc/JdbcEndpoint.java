package io.syncline.operators.jdbc;

import java.io.Serializable;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;

/**
 * A PostgreSQL database a sink writes to, and how it connects.
 *
 * @param url the JDBC URL
 * @param username null to leave it to the URL
 * @param password null to leave it to the URL
 * @param properties further driver connection properties, e.g. {@code options}
 * @param application the connection's {@code application_name}, as {@code pg_stat_activity} shows
 */
public record JdbcEndpoint(
        String url,
        String username,
        String password,
        Map<String, String> properties,
        String application)
        implements Serializable {

    /** Bounds connecting and logging in. */
    static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(10);

    /**
     * Bounds each read from the server: a server that stops answering (a dead host, a network that
     * drops packets) fails the batch after this instead of never.
     */
    static final Duration SOCKET_TIMEOUT = Duration.ofMinutes(2);

    public JdbcEndpoint {
        Objects.requireNonNull(url, "url");
        properties = Map.copyOf(properties);
        Objects.requireNonNull(application, "application");
    }

    /** An endpoint without further driver properties. */
    public JdbcEndpoint(String url, String username, String password, String application) {
        this(url, username, password, Map.of(), application);
    }

    /**
     * The database as messages, logs and the circuit breaker name it: the URL without its
     * parameters, which may carry credentials.
     */
    public String dependency() {
        return "PostgreSQL " + PostgresConnections.withoutParameters(url);
    }

    /**
     * A new connection. Unless {@link #properties} say otherwise, the driver keeps the server's
     * error details and the statements of a failed batch out of its messages: they quote the row's
     * values, which may be confidential, and messages end up in logs and error records.
     */
    public Connection connect() throws SQLException {
        Map<String, String> driver = new HashMap<>(properties);
        driver.putIfAbsent("logServerErrorDetail", "false");
        return PostgresConnections.open(
                url, username, password, CONNECT_TIMEOUT, SOCKET_TIMEOUT, application, driver);
    }

    @Override
    public String toString() {
        // Never the password.
        return dependency() + " as " + username;
    }
}
