package io.syncline.operators.quality.readback;

import io.syncline.operators.jdbc.PostgresConnections;
import io.syncline.operators.sink.TargetTable;
import io.syncline.schema.ChangeEvent;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads sampled changes back from their target tables over one JDBC connection, opened on the first
 * {@link #check} and opened again once when it breaks, and tells for each whether the target agrees
 * with it.
 */
public final class TargetReadBack implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(TargetReadBack.class);

    /** Short: a read-back that waits for an unreachable database holds up its operator. */
    private static final int CONNECT_TIMEOUT_SECONDS = 5;

    private static final int QUERY_TIMEOUT_SECONDS = 30;
    private static final int VALID_TIMEOUT_SECONDS = 2;

    /** {@code application_name} of the connection, so DBAs can tell read-backs apart. */
    static final String APPLICATION_NAME = "syncline-read-back";

    private final String url;
    private final String username;
    private final String password;
    private final Map<String, ReadBackQuery> queries = new HashMap<>();
    private final Map<String, PreparedStatement> statements = new HashMap<>();
    private Connection connection;

    /**
     * Opens no connection yet.
     *
     * @param username {@code null} to leave it to the URL
     * @param password {@code null} for none
     * @param tables the target table of each entity type
     */
    public TargetReadBack(
            String url, String username, String password, Map<String, TargetTable> tables) {
        this.url = url;
        this.username = username;
        this.password = password;
        tables.forEach((entityType, table) -> queries.put(entityType, new ReadBackQuery(table)));
    }

    /**
     * Reads each sample's row from its entity type's target table by primary key and compares it
     * with the sample.
     *
     * @return one verdict per sample, in the samples' order
     * @throws IllegalArgumentException if a sample's entity type has no target table
     * @throws SQLException if the database cannot be reached, even after reconnecting once, or a
     *     query fails; {@link #isConnectionFailure} tells the two apart
     */
    public List<Verdict> check(List<ChangeEvent> samples) throws SQLException {
        for (ChangeEvent sample : samples) {
            queryOf(sample);
        }
        if (samples.isEmpty()) {
            return List.of();
        }
        boolean wasConnected = connection != null;
        try {
            return checkOnce(samples);
        } catch (SQLException e) {
            // A connection that never opened is not retried: the caller decides when to try again.
            if (!wasConnected || !isBroken(e)) {
                throw e;
            }
            LOG.info(
                    "reconnecting to {} for read-back: {}",
                    PostgresConnections.withoutParameters(url),
                    e.getMessage());
            disconnect();
            return checkOnce(samples);
        }
    }

    private List<Verdict> checkOnce(List<ChangeEvent> samples) throws SQLException {
        List<Verdict> verdicts = new ArrayList<>(samples.size());
        for (ChangeEvent sample : samples) {
            ReadBackQuery query = queryOf(sample);
            PreparedStatement statement = statementOf(sample.getEntityType(), query);
            try {
                query.bind(statement, sample);
                try (ResultSet result = statement.executeQuery()) {
                    verdicts.add(query.verdict(sample, result));
                }
            } catch (SQLException e) {
                // Prepared again next time, in case the table was altered or created anew.
                statements.remove(sample.getEntityType());
                closeQuietly(statement);
                throw e;
            }
        }
        return verdicts;
    }

    private ReadBackQuery queryOf(ChangeEvent sample) {
        ReadBackQuery query = queries.get(sample.getEntityType());
        if (query == null) {
            throw new IllegalArgumentException(
                    "entity type "
                            + sample.getEntityType()
                            + " has no target table to read back from; known: "
                            + queries.keySet());
        }
        return query;
    }

    private PreparedStatement statementOf(String entityType, ReadBackQuery query)
            throws SQLException {
        PreparedStatement statement = statements.get(entityType);
        if (statement == null) {
            statement = connection().prepareStatement(query.sql());
            statements.put(entityType, statement);
        }
        return statement;
    }

    private Connection connection() throws SQLException {
        if (connection == null) {
            connection =
                    PostgresConnections.open(
                            url,
                            username,
                            password,
                            Duration.ofSeconds(CONNECT_TIMEOUT_SECONDS),
                            Duration.ofSeconds(QUERY_TIMEOUT_SECONDS),
                            APPLICATION_NAME);
        }
        return connection;
    }

    private boolean isBroken(SQLException failure) throws SQLException {
        return isConnectionFailure(failure)
                || connection.isClosed()
                || !connection.isValid(VALID_TIMEOUT_SECONDS);
    }

    /**
     * Whether {@code failure} means the database could not be reached or the connection to it broke
     * (SQL state class 08, or the server shutting down), rather than a failed query.
     */
    public static boolean isConnectionFailure(SQLException failure) {
        String state = failure.getSQLState();
        return state != null && (state.startsWith("08") || state.startsWith("57P"));
    }

    /** Forgets the connection; closing a broken one may fail, and there is nothing to release. */
    private void disconnect() {
        Connection broken = connection;
        connection = null;
        statements.clear();
        try {
            broken.close();
        } catch (SQLException e) {
            LOG.debug("closing the broken read-back connection failed", e);
        }
    }

    private static void closeQuietly(PreparedStatement statement) {
        try {
            statement.close();
        } catch (SQLException e) {
            // It failed already; the failure that counts is the one being thrown.
            LOG.debug("closing a failed read-back statement failed", e);
        }
    }

    /** Closes the connection, if one is open; its statements close with it. */
    @Override
    public void close() throws SQLException {
        Connection open = connection;
        connection = null;
        statements.clear();
        if (open != null) {
            open.close();
        }
    }
}
