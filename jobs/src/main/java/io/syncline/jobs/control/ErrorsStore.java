package io.syncline.jobs.control;

import static io.syncline.operators.errors.ErrorsTable.CHANGE;
import static io.syncline.operators.errors.ErrorsTable.CODE;
import static io.syncline.operators.errors.ErrorsTable.DISCARDED;
import static io.syncline.operators.errors.ErrorsTable.ENTITY_KEY;
import static io.syncline.operators.errors.ErrorsTable.ENTITY_TYPE;
import static io.syncline.operators.errors.ErrorsTable.ERROR_CLASS;
import static io.syncline.operators.errors.ErrorsTable.ERROR_ID;
import static io.syncline.operators.errors.ErrorsTable.ERROR_TIME;
import static io.syncline.operators.errors.ErrorsTable.ESCALATION_LEVEL;
import static io.syncline.operators.errors.ErrorsTable.FIELD;
import static io.syncline.operators.errors.ErrorsTable.MESSAGE;
import static io.syncline.operators.errors.ErrorsTable.OPEN;
import static io.syncline.operators.errors.ErrorsTable.PAYLOAD;
import static io.syncline.operators.errors.ErrorsTable.REPLAYED;
import static io.syncline.operators.errors.ErrorsTable.REPLAY_COUNT;
import static io.syncline.operators.errors.ErrorsTable.RULE_SET_VERSION;
import static io.syncline.operators.errors.ErrorsTable.SOURCE_ID;
import static io.syncline.operators.errors.ErrorsTable.SOURCE_POSITION;
import static io.syncline.operators.errors.ErrorsTable.STAGE;
import static io.syncline.operators.errors.ErrorsTable.STATUS;
import static io.syncline.operators.errors.ErrorsTable.STATUSES;
import static io.syncline.operators.errors.ErrorsTable.STATUS_CHANGED_AT;
import static io.syncline.operators.errors.ErrorsTable.STATUS_NOTE;
import static io.syncline.operators.errors.ErrorsTable.TENANT;

import io.syncline.jobs.config.TargetSettings;
import io.syncline.operators.errors.ErrorsTable;
import io.syncline.operators.errors.Escalation;
import io.syncline.operators.jdbc.PostgresConnections;
import io.syncline.schema.ChangeEvent;
import java.io.IOException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * Reads and updates the errors table for {@code syncline errors}: lists errors by id, code, tenant,
 * status and time, and moves them from {@value ErrorsTable#OPEN} to {@value ErrorsTable#REPLAYED}
 * or {@value ErrorsTable#DISCARDED}. Every value is a bound parameter.
 */
public final class ErrorsStore extends TableStore<ErrorsTable> {

    private static final String COLUMNS = String.join(", ", ErrorsTable.ALL_COLUMNS);

    /** Works on {@code table} through {@code connection}, which it closes when closed. */
    public ErrorsStore(Connection connection, ErrorsTable table) {
        super(
                connection,
                table,
                table.schema(),
                table.table(),
                table.qualifiedName(),
                table.createSql());
    }

    /**
     * Connects to the target database's errors table.
     *
     * @throws SQLException if the database cannot be reached
     */
    public static ErrorsStore open(TargetSettings target) throws SQLException {
        return new ErrorsStore(
                PostgresConnections.open(target.url(), target.username(), target.password()),
                new ErrorsTable(target.schema(), target.errorsTable(), Escalation.defaults()));
    }

    /** The first {@code limit} errors {@code filter} selects, oldest first. */
    public List<StoredError> list(ErrorFilter filter, int limit) throws SQLException {
        return select(
                COLUMNS, filter.where(), ERROR_TIME + ", " + ERROR_ID, limit, StoredError::of);
    }

    /** How many errors {@code filter} selects. */
    public int count(ErrorFilter filter) throws SQLException {
        return count(filter.where());
    }

    /** The error with id {@code errorId}, if there is one. */
    public Optional<StoredError> find(String errorId) throws SQLException {
        List<StoredError> found = list(ErrorFilter.ids(List.of(errorId)), 1);
        return found.stream().findFirst();
    }

    /** Marks the open errors among {@code ids} replayed; see the three-argument form. */
    public List<StoredError> markReplayed(Collection<String> ids, String note) throws SQLException {
        return markReplayed(ids, note, marked -> {});
    }

    /**
     * Marks the open errors among {@code ids} replayed (status_changed_at now, replay_count one
     * more) and hands them to {@code beforeCommit}, which publishes their changes, before the
     * update commits. If {@code beforeCommit} throws, nothing is marked. If the commit itself fails
     * after publishing, the errors stay open and a second replay publishes the same command ids
     * again (the replay count did not move), so the job can tell the duplicates.
     *
     * <p>The rows stay locked until the commit, so the job's insert of a replayed change that fails
     * again waits for it and then re-opens the error, however fast the job is.
     *
     * @return the errors marked, with their new replay count; errors of {@code ids} that were not
     *     open (replayed or discarded meanwhile, or unknown) are left out
     */
    public List<StoredError> markReplayed(
            Collection<String> ids, String note, Consumer<List<StoredError>> beforeCommit)
            throws SQLException {
        return mark(ids, REPLAYED, note, true, beforeCommit);
    }

    /**
     * Marks the open errors among {@code ids} discarded.
     *
     * @return the errors marked
     */
    public List<StoredError> markDiscarded(Collection<String> ids, String note)
            throws SQLException {
        return mark(ids, DISCARDED, note, false, marked -> {});
    }

    private List<StoredError> mark(
            Collection<String> ids,
            String status,
            String note,
            boolean replay,
            Consumer<List<StoredError>> beforeCommit)
            throws SQLException {
        if (ids.isEmpty()) {
            return List.of();
        }
        String sql =
                "UPDATE "
                        + qualifiedName()
                        + " SET "
                        + STATUS
                        + " = ?, "
                        + STATUS_CHANGED_AT
                        + " = now(), "
                        + STATUS_NOTE
                        + " = ?"
                        + (replay ? ", " + REPLAY_COUNT + " = " + REPLAY_COUNT + " + 1" : "")
                        + " WHERE "
                        + ERROR_ID
                        + " = ANY (?) AND "
                        + STATUS
                        + " = ? RETURNING "
                        + COLUMNS;
        boolean autoCommit = connection.getAutoCommit();
        connection.setAutoCommit(false);
        try {
            List<StoredError> marked;
            try (PreparedStatement statement = connection.prepareStatement(sql)) {
                statement.setString(1, status);
                statement.setString(2, note);
                statement.setArray(3, connection.createArrayOf("text", ids.toArray(String[]::new)));
                statement.setString(4, OPEN);
                marked = read(statement, StoredError::of);
            }
            beforeCommit.accept(marked);
            connection.commit();
            return marked;
        } catch (SQLException | RuntimeException e) {
            connection.rollback();
            throw e;
        } finally {
            connection.setAutoCommit(autoCommit);
        }
    }

    /**
     * Which errors to work on; every part left empty (or null) selects all. Parts combine with AND,
     * the values of one part with OR.
     *
     * @param ids error ids
     * @param codes error codes, e.g. {@code TENANT_MISSING}
     * @param tenants tenants
     * @param status one of {@link ErrorsTable#STATUSES}, or null for any
     * @param from errors raised at or after this time
     * @param to errors raised before this time
     */
    public record ErrorFilter(
            List<String> ids,
            List<String> codes,
            List<String> tenants,
            String status,
            Instant from,
            Instant to) {

        public ErrorFilter {
            ids = List.copyOf(ids);
            codes = List.copyOf(codes);
            tenants = List.copyOf(tenants);
            if (status != null && !STATUSES.contains(status)) {
                throw new IllegalArgumentException(
                        "unknown status '" + status + "'; use one of " + STATUSES);
            }
        }

        /** Every error. */
        public static ErrorFilter all() {
            return new ErrorFilter(List.of(), List.of(), List.of(), null, null, null);
        }

        /** The errors with these ids, whatever their status. */
        public static ErrorFilter ids(List<String> ids) {
            return new ErrorFilter(ids, List.of(), List.of(), null, null, null);
        }

        /** This filter for errors of {@code status} only (null: any). */
        public ErrorFilter withStatus(String status) {
            return new ErrorFilter(ids, codes, tenants, status, from, to);
        }

        /** Whether the filter names errors by anything but their status. */
        public boolean selectsSome() {
            return !ids.isEmpty()
                    || !codes.isEmpty()
                    || !tenants.isEmpty()
                    || from != null
                    || to != null;
        }

        Where where() {
            List<String> conditions = new ArrayList<>();
            List<Binder> binders = new ArrayList<>();
            anyOf(ERROR_ID, ids, conditions, binders);
            anyOf(CODE, codes, conditions, binders);
            anyOf(TENANT, tenants, conditions, binders);
            if (status != null) {
                conditions.add(STATUS + " = ?");
                binders.add((statement, connection, index) -> statement.setString(index, status));
            }
            if (from != null) {
                conditions.add(ERROR_TIME + " >= ?");
                binders.add((statement, connection, index) -> bindTime(statement, index, from));
            }
            if (to != null) {
                conditions.add(ERROR_TIME + " < ?");
                binders.add((statement, connection, index) -> bindTime(statement, index, to));
            }
            return Where.allOf(conditions, binders);
        }

        private static void anyOf(
                String column, List<String> values, List<String> conditions, List<Binder> binders) {
            if (!values.isEmpty()) {
                conditions.add(column + " = ANY (?)");
                binders.add(
                        (statement, connection, index) ->
                                statement.setArray(
                                        index,
                                        connection.createArrayOf(
                                                "text", values.toArray(String[]::new))));
            }
        }

        private static void bindTime(PreparedStatement statement, int index, Instant time)
                throws SQLException {
            statement.setObject(index, OffsetDateTime.ofInstant(time, ZoneOffset.UTC));
        }
    }

    /**
     * One row of the errors table.
     *
     * @param change the rejected change, or null if the input never became one (then {@code
     *     changeProblem} is null too) or if it cannot be decoded (then {@code changeProblem} says
     *     why)
     */
    public record StoredError(
            String errorId,
            String stage,
            String errorClass,
            String code,
            int escalationLevel,
            String message,
            String payload,
            String field,
            String entityKey,
            String tenant,
            String entityType,
            String sourceId,
            String sourcePosition,
            Integer ruleSetVersion,
            Instant errorTime,
            String status,
            Instant statusChangedAt,
            String statusNote,
            int replayCount,
            ChangeEvent change,
            String changeProblem) {

        static StoredError of(ResultSet row) throws SQLException {
            byte[] bytes = row.getBytes(CHANGE);
            ChangeEvent change = null;
            String changeProblem = null;
            if (bytes != null) {
                try {
                    change = ChangeEvent.getDecoder().decode(bytes);
                } catch (IOException | RuntimeException e) {
                    // Written by a version whose ChangeEvent schema this one does not know.
                    changeProblem = "the stored change cannot be decoded: " + e.getMessage();
                }
            }
            return new StoredError(
                    row.getString(ERROR_ID),
                    row.getString(STAGE),
                    row.getString(ERROR_CLASS),
                    row.getString(CODE),
                    row.getInt(ESCALATION_LEVEL),
                    row.getString(MESSAGE),
                    row.getString(PAYLOAD),
                    row.getString(FIELD),
                    row.getString(ENTITY_KEY),
                    row.getString(TENANT),
                    row.getString(ENTITY_TYPE),
                    row.getString(SOURCE_ID),
                    row.getString(SOURCE_POSITION),
                    row.getObject(RULE_SET_VERSION, Integer.class),
                    instant(row.getObject(ERROR_TIME, OffsetDateTime.class)),
                    row.getString(STATUS),
                    instant(row.getObject(STATUS_CHANGED_AT, OffsetDateTime.class)),
                    row.getString(STATUS_NOTE),
                    row.getInt(REPLAY_COUNT),
                    change,
                    changeProblem);
        }
    }
}
