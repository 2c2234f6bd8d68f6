package io.syncline.jobs.control;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * What the stores of the job's own tables in the target database share: the connection they own,
 * whether the table exists yet, creating it, and counting and reading its rows.
 *
 * @param <T> the table's definition, e.g. {@link io.syncline.operators.resolve.ConflictsTable}
 */
public abstract class TableStore<T> implements AutoCloseable {

    final Connection connection;
    private final T table;
    private final String schema;
    private final String name;
    private final String qualifiedName;
    private final List<String> createSql;

    /**
     * Works on {@code table} through {@code connection}, which it closes when closed.
     *
     * @param schema the table's schema, as {@code pg_tables} lists it (unquoted)
     * @param name the table's name, likewise
     * @param qualifiedName the schema-qualified, quoted name statements use
     * @param createSql the statements that create the table and its indexes when they are missing
     */
    TableStore(
            Connection connection,
            T table,
            String schema,
            String name,
            String qualifiedName,
            List<String> createSql) {
        this.connection = Objects.requireNonNull(connection, "connection");
        this.table = Objects.requireNonNull(table, "table");
        this.schema = Objects.requireNonNull(schema, "schema");
        this.name = Objects.requireNonNull(name, "name");
        this.qualifiedName = Objects.requireNonNull(qualifiedName, "qualifiedName");
        this.createSql = List.copyOf(createSql);
    }

    /** The table this store works on. */
    public T table() {
        return table;
    }

    /** The table's schema-qualified, quoted name. */
    public String qualifiedName() {
        return qualifiedName;
    }

    /** Whether the table exists yet (the job creates it on its first start). */
    public boolean tableExists() throws SQLException {
        try (PreparedStatement statement =
                connection.prepareStatement(
                        "SELECT 1 FROM pg_catalog.pg_tables WHERE schemaname = ?"
                                + " AND tablename = ?")) {
            statement.setString(1, schema);
            statement.setString(2, name);
            try (ResultSet rows = statement.executeQuery()) {
                return rows.next();
            }
        }
    }

    /** Creates the table and its indexes if they are missing. */
    public void createTable() throws SQLException {
        try (Statement statement = connection.createStatement()) {
            for (String sql : createSql) {
                statement.execute(sql);
            }
        }
    }

    @Override
    public void close() throws SQLException {
        connection.close();
    }

    /**
     * The first {@code limit} rows {@code where} selects in {@code orderBy} order, each read by
     * {@code reader} from {@code columns}.
     */
    <R> List<R> select(String columns, Where where, String orderBy, int limit, RowReader<R> reader)
            throws SQLException {
        String sql =
                "SELECT "
                        + columns
                        + " FROM "
                        + qualifiedName
                        + where.sql()
                        + " ORDER BY "
                        + orderBy
                        + " LIMIT ?";
        try (PreparedStatement statement = connection.prepareStatement(sql)) {
            int next = where.bind(statement, connection, 1);
            statement.setInt(next, limit);
            return read(statement, reader);
        }
    }

    /** How many rows {@code where} selects. */
    int count(Where where) throws SQLException {
        try (PreparedStatement statement =
                connection.prepareStatement(
                        "SELECT count(*) FROM " + qualifiedName + where.sql())) {
            where.bind(statement, connection, 1);
            try (ResultSet rows = statement.executeQuery()) {
                rows.next();
                return rows.getInt(1);
            }
        }
    }

    /** The rows {@code statement} returns, each read by {@code reader}. */
    static <R> List<R> read(PreparedStatement statement, RowReader<R> reader) throws SQLException {
        List<R> read = new ArrayList<>();
        try (ResultSet rows = statement.executeQuery()) {
            while (rows.next()) {
                read.add(reader.read(rows));
            }
        }
        return read;
    }

    static Instant instant(OffsetDateTime time) {
        return time == null ? null : time.toInstant();
    }

    /** Reads the current row of a result set. */
    @FunctionalInterface
    interface RowReader<R> {
        R read(ResultSet row) throws SQLException;
    }

    /** Binds one parameter of a statement; the connection makes arrays. */
    @FunctionalInterface
    interface Binder {
        void bind(PreparedStatement statement, Connection connection, int index)
                throws SQLException;
    }

    /** A WHERE clause, empty when it has no condition, and what to bind to its parameters. */
    record Where(String sql, List<Binder> binders) {

        /** The conditions joined with AND; {@code binders} bind their parameters, in order. */
        static Where allOf(List<String> conditions, List<Binder> binders) {
            String sql = conditions.isEmpty() ? "" : " WHERE " + String.join(" AND ", conditions);
            return new Where(sql, List.copyOf(binders));
        }

        /** Binds the parameters from index {@code first} on; returns the next free index. */
        int bind(PreparedStatement statement, Connection connection, int first)
                throws SQLException {
            int index = first;
            for (Binder binder : binders) {
                binder.bind(statement, connection, index++);
            }
            return index;
        }
    }
}
