package io.syncline.operators.jdbc;

import java.io.IOException;
import java.sql.SQLException;
import java.sql.SQLRecoverableException;
import java.sql.SQLTransientException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeoutException;

/**
 * What a failed JDBC call says about what to do next, read from its SQLState (PostgreSQL's codes,
 * https://www.postgresql.org/docs/current/errcodes-appendix.html) and, without one, from its
 * causes.
 */
public enum SqlFault {

    /**
     * The database, or the way to it, failed for a passing reason: the connection broke or was
     * refused (class 08), a serialization failure or deadlock (40001, 40P01), insufficient
     * resources (53), an administrator or crash shutdown or a database starting up (57P01 to
     * 57P03), a lock not available (55P03), a query cancelled by its timeout (57014), an I/O error
     * on the server (58), or a timeout or I/O error on the client. The same statements on a new
     * connection may succeed later.
     */
    TRANSIENT,

    /**
     * The database refused a row for good: its data (class 22), an integrity constraint (23), the
     * table's definition or privileges (42), a view's check option (44) or a trigger raising an
     * error (P0). Retrying the row cannot succeed until the row or the table is fixed.
     */
    REJECTED,

    /**
     * Neither passing nor the fault of a row, e.g. a wrong password (28), a database that does not
     * exist (3D000) or a fault Syncline does not know: retrying on the spot will not help, and no
     * row may be blamed for it.
     */
    FATAL;

    private static final int MAX_CAUSES = 16;

    /** The fault {@code failure} stands for. */
    public static SqlFault of(Throwable failure) {
        String state = sqlState(failure);
        if (state != null) {
            SqlFault fault = ofState(state);
            if (fault != null) {
                return fault;
            }
        }
        return failedOnTheWay(failure) ? TRANSIENT : FATAL;
    }

    /** The fault of SQLState {@code state}; null for a state it does not tell. */
    static SqlFault ofState(String state) {
        if (state.length() != 5) {
            return null;
        }
        String sqlClass = state.substring(0, 2);
        return switch (sqlClass) {
            case "08", "53", "58" -> TRANSIENT;
            case "22", "23", "42", "44", "P0" -> REJECTED;
            case "40" -> state.equals("40001") || state.equals("40P01") ? TRANSIENT : null;
            case "55" -> state.equals("55P03") ? TRANSIENT : null;
            case "57" ->
                    switch (state) {
                        case "57P01", "57P02", "57P03", "57014" -> TRANSIENT;
                        default -> null;
                    };
            case "28", "3D" -> FATAL;
            default -> null;
        };
    }

    /**
     * The first SQLState in {@code failure}, the exceptions chained to it ({@link
     * SQLException#getNextException()}, which a batch's failure hides its statement's under) and
     * its causes; null if none has one.
     */
    public static String sqlState(Throwable failure) {
        for (Throwable cause : chain(failure)) {
            if (cause instanceof SQLException sql && sql.getSQLState() != null) {
                return sql.getSQLState();
            }
        }
        return null;
    }

    /** Whether a timeout, an I/O error or a JDBC transient fault is among the causes. */
    private static boolean failedOnTheWay(Throwable failure) {
        for (Throwable cause : chain(failure)) {
            if (cause instanceof IOException
                    || cause instanceof TimeoutException
                    || cause instanceof SQLTransientException
                    || cause instanceof SQLRecoverableException) {
                return true;
            }
        }
        return false;
    }

    /** {@code failure}, then what it chains to, breadth first, each once. */
    private static Iterable<Throwable> chain(Throwable failure) {
        Set<Throwable> seen = Collections.newSetFromMap(new IdentityHashMap<>());
        ArrayDeque<Throwable> queue = new ArrayDeque<>();
        List<Throwable> chain = new ArrayList<>();
        queue.add(failure);
        while (!queue.isEmpty() && chain.size() < MAX_CAUSES) {
            Throwable next = queue.poll();
            if (next == null || !seen.add(next)) {
                continue;
            }
            chain.add(next);
            if (next instanceof SQLException sql && sql.getNextException() != null) {
                queue.add(sql.getNextException());
            }
            if (next.getCause() != null) {
                queue.add(next.getCause());
            }
        }
        return chain;
    }
}
