package io.syncline.jobs.wiring;

import io.syncline.jobs.config.HeartbeatSettings;
import io.syncline.jobs.config.SourceConfig;
import io.syncline.jobs.config.TableMapping;
import io.syncline.operators.jdbc.PostgresConnections;
import io.syncline.operators.observe.Heartbeats;
import io.syncline.operators.sink.SqlIdentifiers;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Creates a source's publication for all its configured tables before the job starts, and adds
 * tables a new configuration names.
 *
 * <p>Syncline owns the publication rather than letting Debezium manage it: in Debezium's {@code
 * filtered} mode each incremental-snapshot reader narrows the shared publication to its own table,
 * and pgoutput then silently drops changes to the other tables committed meanwhile.
 */
public final class Publications {

    private Publications() {}

    /**
     * Makes sure the publication of {@code source} exists and covers all its tables, and the
     * heartbeat table (created here when missing) if heartbeats are on.
     */
    public static void ensure(SourceConfig source, HeartbeatSettings heartbeat) {
        try (Connection connection =
                PostgresConnections.open(source.jdbcUrl(), source.username(), source.password())) {
            List<String> wanted = new ArrayList<>();
            for (TableMapping table : source.tables()) {
                wanted.add(SqlIdentifiers.qualified(table.schemaName(), table.tableName()));
            }
            if (heartbeat.enabled()) {
                try (Statement statement = connection.createStatement()) {
                    statement.execute(
                            "CREATE SCHEMA IF NOT EXISTS "
                                    + SqlIdentifiers.quote(heartbeat.schema()));
                    for (String sql : Heartbeats.createSql(heartbeat.qualifiedName())) {
                        statement.execute(sql);
                    }
                }
                wanted.add(heartbeat.qualifiedName());
            }
            Set<String> published = publishedTables(connection, source.publication());
            try (Statement statement = connection.createStatement()) {
                if (published == null) {
                    statement.execute(
                            "CREATE PUBLICATION "
                                    + SqlIdentifiers.quote(source.publication())
                                    + " FOR TABLE "
                                    + String.join(", ", wanted));
                    return;
                }
                for (String table : wanted) {
                    if (!published.contains(table)) {
                        statement.execute(
                                "ALTER PUBLICATION "
                                        + SqlIdentifiers.quote(source.publication())
                                        + " ADD TABLE "
                                        + table);
                    }
                }
            }
        } catch (SQLException e) {
            throw new IllegalStateException(
                    "cannot set up publication '"
                            + source.publication()
                            + "' of source '"
                            + source.id()
                            + "' at "
                            + source.jdbcUrl()
                            + ": "
                            + e.getMessage()
                            + ". The user needs to own the tables (or create the publication"
                            + " beforehand: CREATE PUBLICATION "
                            + source.publication()
                            + " FOR TABLE ...)",
                    e);
        }
    }

    /** The quoted tables of the publication, all of them if it is FOR ALL TABLES; null if none. */
    private static Set<String> publishedTables(Connection connection, String publication)
            throws SQLException {
        try (PreparedStatement query =
                connection.prepareStatement(
                        "SELECT t.schemaname, t.tablename FROM pg_publication p"
                                + " LEFT JOIN pg_publication_tables t ON t.pubname = p.pubname"
                                + " WHERE p.pubname = ?")) {
            query.setString(1, publication);
            try (ResultSet rows = query.executeQuery()) {
                Set<String> tables = null;
                while (rows.next()) {
                    if (tables == null) {
                        tables = new HashSet<>();
                    }
                    if (rows.getString(1) != null) {
                        tables.add(SqlIdentifiers.qualified(rows.getString(1), rows.getString(2)));
                    }
                }
                return tables;
            }
        }
    }
}
