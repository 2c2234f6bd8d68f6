package io.syncline.operators.jdbc;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Map;
import java.util.Properties;
import org.postgresql.Driver;

/** Opens JDBC connections to PostgreSQL with bounded connect, login and query times. */
public final class PostgresConnections {

    // Used directly rather than through DriverManager, which does not see drivers loaded by a
    // child-first user-code class loader, as on a Flink cluster.
    private static final Driver DRIVER = new Driver();

    private PostgresConnections() {}

    /**
     * A connection to {@code url}; {@code connectTimeout} bounds connecting and logging in, {@code
     * queryTimeout} each read from the server. A null user or password is left to the URL.
     *
     * @throws SQLException with state 08001 if {@code url} is not a PostgreSQL JDBC URL
     */
    public static Connection open(
            String url,
            String username,
            String password,
            Duration connectTimeout,
            Duration queryTimeout,
            String application)
            throws SQLException {
        return open(url, username, password, connectTimeout, queryTimeout, application, Map.of());
    }

    /**
     * A connection to {@code url} as the other {@code open} makes it, with {@code properties}
     * (driver connection properties such as {@code options}) added.
     */
    public static Connection open(
            String url,
            String username,
            String password,
            Duration connectTimeout,
            Duration queryTimeout,
            String application,
            Map<String, String> properties)
            throws SQLException {
        String connectSeconds = Long.toString(Math.max(1, connectTimeout.toSeconds()));
        Properties driver = new Properties();
        if (username != null) {
            driver.setProperty("user", username);
        }
        if (password != null) {
            driver.setProperty("password", password);
        }
        driver.setProperty("connectTimeout", connectSeconds);
        driver.setProperty("loginTimeout", connectSeconds);
        driver.setProperty("socketTimeout", Long.toString(Math.max(1, queryTimeout.toSeconds())));
        driver.setProperty("ApplicationName", application);
        driver.putAll(properties);
        Connection connection = DRIVER.connect(url, driver);
        if (connection == null) {
            throw new SQLException("not a PostgreSQL JDBC URL: " + withoutParameters(url), "08001");
        }
        return connection;
    }

    /**
     * A connection to {@code url}; {@code timeout} bounds connecting and logging in, and twice it
     * (at least 10 s) bounds each query.
     */
    public static Connection open(
            String url, String username, String password, Duration timeout, String application)
            throws SQLException {
        Duration connect = Duration.ofSeconds(Math.max(1, timeout.toSeconds()));
        Duration query = Duration.ofSeconds(Math.max(10, 2 * connect.toSeconds()));
        return open(url, username, password, connect, query, application);
    }

    /** A connection for start-up work, with a 10 s connect timeout. */
    public static Connection open(String url, String username, String password)
            throws SQLException {
        return open(url, username, password, Duration.ofSeconds(10), "syncline");
    }

    /** {@code url} without its parameters, which may carry credentials: for messages and logs. */
    public static String withoutParameters(String url) {
        int parameters = url.indexOf('?');
        return parameters < 0 ? url : url.substring(0, parameters);
    }
}
