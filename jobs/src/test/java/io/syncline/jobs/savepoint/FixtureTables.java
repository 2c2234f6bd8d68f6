package io.syncline.jobs.savepoint;

import io.syncline.jobs.TableRows;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;

/**
 * Copies a table's rows to JSON and back, with PostgreSQL's own conversions ({@code json_agg} and
 * {@code json_populate_recordset}), so every column type comes back as it was: the fixture keeps
 * the source and target rows of the moment its savepoint was taken.
 */
final class FixtureTables {

    private FixtureTables() {}

    /** The rows of {@code table} as a JSON array, ordered by {@code column}. */
    static String dump(Connection connection, String table, String column) throws SQLException {
        try (Statement statement = connection.createStatement();
                ResultSet rows =
                        statement.executeQuery(
                                "SELECT coalesce(json_agg(t ORDER BY t."
                                        + column
                                        + ")::text, '[]') FROM "
                                        + table
                                        + " t")) {
            rows.next();
            return rows.getString(1);
        }
    }

    /**
     * Whether every source table's rows equal the live rows of its target table, column for column
     * as text.
     */
    static boolean targetEqualsSource(Connection source, Connection target) throws SQLException {
        for (String table : FixtureWorkload.TABLES) {
            if (!rows(source, table, "true").equals(rows(target, table, "NOT _syncline_deleted"))) {
                return false;
            }
        }
        return true;
    }

    /** The rows of {@code table} that match {@code filter}, ordered by id, as text. */
    static List<List<String>> rows(Connection connection, String table, String filter)
            throws SQLException {
        return TableRows.query(
                connection,
                "SELECT "
                        + FixtureWorkload.COLUMNS.get(table)
                        + " FROM "
                        + table
                        + " WHERE "
                        + filter
                        + " ORDER BY id");
    }

    /** Inserts the rows of {@code json}, as {@link #dump} wrote them, into {@code table}. */
    static void load(Connection connection, String table, String json) throws SQLException {
        try (PreparedStatement insert =
                connection.prepareStatement(
                        "INSERT INTO "
                                + table
                                + " SELECT * FROM json_populate_recordset(NULL::"
                                + table
                                + ", CAST(? AS json))")) {
            insert.setString(1, json);
            insert.executeUpdate();
        }
    }
}
