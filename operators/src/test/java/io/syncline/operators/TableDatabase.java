package io.syncline.operators;

import io.syncline.embedded.PostgresExtension;
import io.syncline.operators.sink.SqlIdentifiers;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * JUnit 5 extension for tests of the SQL of one of the job's own tables (errors, conflicts) in the
 * embedded PostgreSQL: it creates the database and the table's schema once, the table afresh before
 * each test, and gives each test a {@link #connection()} in UTC.
 *
 * <pre>{@code
 * @RegisterExtension
 * static final TableDatabase DATABASE =
 *         new TableDatabase("errors_table", TABLE.schema(), TABLE.qualifiedName(), TABLE.createSql());
 * }</pre>
 */
public final class TableDatabase
        implements BeforeAllCallback, BeforeEachCallback, AfterEachCallback {

    private final PostgresExtension postgres = new PostgresExtension();
    private final String name;
    private final String schema;
    private final String qualifiedName;
    private final List<String> createSql;
    private volatile Connection connection;

    /**
     * @param name the database's name
     * @param schema the table's schema, unquoted
     * @param qualifiedName the table's schema-qualified, quoted name
     * @param createSql the statements that create the table and its indexes
     */
    public TableDatabase(String name, String schema, String qualifiedName, List<String> createSql) {
        this.name = name;
        this.schema = schema;
        this.qualifiedName = qualifiedName;
        this.createSql = List.copyOf(createSql);
    }

    @Override
    public void beforeAll(ExtensionContext context) {
        postgres.beforeAll(context);
        postgres.createDatabase(name);
        postgres.execute(name, "CREATE SCHEMA IF NOT EXISTS " + SqlIdentifiers.quote(schema));
    }

    @Override
    public void beforeEach(ExtensionContext context) throws SQLException {
        postgres.execute(name, "DROP TABLE IF EXISTS " + qualifiedName);
        postgres.execute(name, createSql.toArray(String[]::new));
        connection = postgres.connect(name);
        try (Statement statement = connection.createStatement()) {
            statement.execute("SET TIME ZONE 'UTC'");
        }
    }

    @Override
    public void afterEach(ExtensionContext context) throws SQLException {
        connection.close();
    }

    /** The connection of the running test, in UTC. */
    public Connection connection() {
        return connection;
    }

    /** Runs {@code sql} on a connection of its own, one statement after the other. */
    public void execute(String... sql) {
        postgres.execute(name, sql);
    }

    /** The rows {@code sql} returns, each a map of column to value as text, in column order. */
    public List<Map<String, String>> query(String sql) throws SQLException {
        List<Map<String, String>> rows = new ArrayList<>();
        try (Statement statement = connection.createStatement();
                ResultSet result = statement.executeQuery(sql)) {
            ResultSetMetaData meta = result.getMetaData();
            while (result.next()) {
                Map<String, String> row = new LinkedHashMap<>();
                for (int i = 1; i <= meta.getColumnCount(); i++) {
                    row.put(meta.getColumnName(i), result.getString(i));
                }
                rows.add(row);
            }
        }
        return rows;
    }
}
