package io.syncline.operators.jdbc;

import java.io.Serializable;
import java.sql.BatchUpdateException;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.postgresql.util.PSQLException;
import org.postgresql.util.ServerErrorMessage;

/**
 * Why a table refused a row for good, from the database's error: its primary message (never the
 * detail, which quotes the row's values), SQLState, and the column and constraint when the database
 * names them; and what to do about it.
 *
 * @param table the table that refused the row
 * @param sqlState the error's SQLState, e.g. 23514
 * @param reason the database's message, e.g. {@code new row for relation "accounts" violates check
 *     constraint "accounts_balance_check"}
 * @param column the column at fault, if the database names one
 * @param constraint the constraint broken, if the database names one
 */
public record Rejection(
        String table, String sqlState, String reason, String column, String constraint)
        implements Serializable {

    public Rejection {
        Objects.requireNonNull(table, "table");
        Objects.requireNonNull(reason, "reason");
    }

    /** The rejection {@code failure} of a statement on {@code table} says. */
    public static Rejection of(SQLException failure, String table) {
        ServerErrorMessage server = serverMessage(failure);
        if (server == null) {
            return new Rejection(table, SqlFault.sqlState(failure), reasonOf(failure), null, null);
        }
        return new Rejection(
                table,
                server.getSQLState(),
                reasonOf(failure),
                server.getColumn(),
                server.getConstraint());
    }

    /**
     * What {@code failure} says went wrong: the database's primary message when it sent one (not
     * its detail, which may quote the row), else the driver's message.
     */
    public static String reasonOf(SQLException failure) {
        ServerErrorMessage server = serverMessage(failure);
        if (server != null && server.getMessage() != null) {
            return server.getMessage();
        }
        if (failure instanceof BatchUpdateException && failure.getNextException() != null) {
            // "Batch entry 3 ... was aborted": the statement's own exception says why.
            return reasonOf(failure.getNextException());
        }
        return failure.getMessage() == null ? failure.toString() : failure.getMessage();
    }

    private static ServerErrorMessage serverMessage(SQLException failure) {
        for (SQLException next = failure; next != null; next = next.getNextException()) {
            if (next instanceof PSQLException psql && psql.getServerErrorMessage() != null) {
                return psql.getServerErrorMessage();
            }
            if (next.getCause() instanceof PSQLException cause
                    && cause.getServerErrorMessage() != null) {
                return cause.getServerErrorMessage();
            }
        }
        return null;
    }

    /**
     * The database's reason with what it names, e.g. {@code new row ... violates check constraint
     * "c" (SQLState 23514, constraint c)}.
     */
    public String describe() {
        List<String> facts = new ArrayList<>();
        if (sqlState != null) {
            facts.add("SQLState " + sqlState);
        }
        if (column != null) {
            facts.add("column " + column);
        }
        if (constraint != null) {
            facts.add("constraint " + constraint);
        }
        return facts.isEmpty() ? reason : reason + " (" + String.join(", ", facts) + ")";
    }

    /** What to change so that the row is accepted. */
    public String fix() {
        String state = sqlState == null ? "" : sqlState;
        String theColumn = column == null ? "the column" : "column " + column;
        String theConstraint = constraint == null ? "the constraint" : "constraint " + constraint;
        return switch (state) {
            case "23502" ->
                    theColumn
                            + " of "
                            + table
                            + " is NOT NULL but the row has no value for it: allow NULL there"
                            + " (ALTER TABLE ... ALTER COLUMN ... DROP NOT NULL) or give the row a"
                            + " value at the source";
            case "23505" ->
                    "another row of "
                            + table
                            + " already holds the row's value of "
                            + theConstraint
                            + ": drop or widen the constraint, or fix the duplicate at the source";
            case "23503" ->
                    "the row refers to a row "
                            + table
                            + "'s foreign key ("
                            + theConstraint
                            + ") does not find: drop the foreign key, or sync the referenced row"
                            + " first";
            case "23514" ->
                    "the row breaks "
                            + theConstraint
                            + " of "
                            + table
                            + ": relax the constraint to what the source allows, or fix the row at"
                            + " the source";
            case "22001" ->
                    "a value is longer than its column of "
                            + table
                            + " allows: widen the column to the source column's type (ALTER TABLE"
                            + " ... ALTER COLUMN ... TYPE ...)";
            case "22003" ->
                    "a number is out of the range of its column of "
                            + table
                            + ": widen the column to the source column's type";
            case "42P01" ->
                    table
                            + " does not exist: create it (Syncline creates missing target tables"
                            + " at start with sinks.target.createTables: true)";
            case "42703" ->
                    table
                            + " lacks a column of the row: add it (ALTER TABLE ... ADD COLUMN ...)"
                            + " with the source column's type";
            case "42501" ->
                    "the target user may not write to "
                            + table
                            + ": GRANT SELECT, INSERT, UPDATE ON it TO that user";
            default -> fixOfClass(state);
        };
    }

    private String fixOfClass(String state) {
        if (state.startsWith("22")) {
            return "a value of the row does not fit its column of "
                    + table
                    + ": give the column the source column's type";
        }
        if (state.startsWith("23")) {
            return "the row breaks a constraint of "
                    + table
                    + ": relax the constraint or fix the row at the source";
        }
        if (state.startsWith("42")) {
            return table + " does not match the row: align its definition with the source table";
        }
        return "fix the row at the source or " + table;
    }
}
