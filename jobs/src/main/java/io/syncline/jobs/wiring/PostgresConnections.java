package io.syncline.jobs.wiring;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Properties;
import org.postgresql.Driver;

/** Opens JDBC connections to PostgreSQL with bounded connect, login and query times. */
public final class PostgresConnections {

    // Used directly rather than through DriverManager, which does not see drivers loaded by a
    // child-first user-code class loader, as on a Flink cluster.
    private static final Driver DRIVER = new Driver();

    private PostgresConnections() {}

    /**
     * A connection to {@code url}; {@code timeout} bounds connecting and logging in, and twice it
     * (at least 10 s) bounds each query.
     */
    public static Connection open(
            String url, String username, String password, Duration timeout, String application)
            throws SQLException {
        String seconds = Long.toString(Math.max(1, timeout.toSeconds()));
        Properties properties = new Properties();
        properties.setProperty("user", username);
        properties.setProperty("password", password);
        properties.setProperty("connectTimeout", seconds);
        properties.setProperty("loginTimeout", seconds);
        properties.setProperty(
                "socketTimeout", Long.toString(Math.max(10, 2 * Long.parseLong(seconds))));
        properties.setProperty("ApplicationName", application);
        Connection connection = DRIVER.connect(url, properties);
        if (connection == null) {
            throw new SQLException("not a PostgreSQL JDBC URL: " + url);
        }
        return connection;
    }

    /** A connection for start-up work, with a 10 s connect timeout. */
    public static Connection open(String url, String username, String password)
            throws SQLException {
        return open(url, username, password, Duration.ofSeconds(10), "syncline");
    }
}
