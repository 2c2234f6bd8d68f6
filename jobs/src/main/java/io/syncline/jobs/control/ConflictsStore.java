package io.syncline.jobs.control;

import static io.syncline.operators.resolve.ConflictsTable.CONFLICT_ID;
import static io.syncline.operators.resolve.ConflictsTable.DECIDED_AT;
import static io.syncline.operators.resolve.ConflictsTable.DECIDED_BY;
import static io.syncline.operators.resolve.ConflictsTable.DECISION;
import static io.syncline.operators.resolve.ConflictsTable.DETECTED_AT;
import static io.syncline.operators.resolve.ConflictsTable.ENTITY_ID;
import static io.syncline.operators.resolve.ConflictsTable.ENTITY_TYPE;
import static io.syncline.operators.resolve.ConflictsTable.LEFT_CHANGE;
import static io.syncline.operators.resolve.ConflictsTable.LEFT_SOURCE;
import static io.syncline.operators.resolve.ConflictsTable.OUTCOME;
import static io.syncline.operators.resolve.ConflictsTable.RESULT;
import static io.syncline.operators.resolve.ConflictsTable.RIGHT_CHANGE;
import static io.syncline.operators.resolve.ConflictsTable.RIGHT_SOURCE;
import static io.syncline.operators.resolve.ConflictsTable.STATUS;
import static io.syncline.operators.resolve.ConflictsTable.STRATEGY;
import static io.syncline.operators.resolve.ConflictsTable.TENANT;

import io.syncline.jobs.config.TargetSettings;
import io.syncline.operators.jdbc.PostgresConnections;
import io.syncline.operators.resolve.ConflictsTable;
import io.syncline.schema.ChangeEvent;
import java.io.IOException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Reads the conflicts table for {@code syncline conflicts}: lists conflicts by status, tenant and
 * entity type, and finds one by id with both versions decoded. It changes nothing: the running job
 * writes every status, when it decides a conflict. Every value is a bound parameter.
 */
public final class ConflictsStore extends TableStore<ConflictsTable> {

    private static final String COLUMNS =
            String.join(
                    ", ",
                    List.of(
                            CONFLICT_ID,
                            TENANT,
                            ENTITY_TYPE,
                            ENTITY_ID,
                            STRATEGY,
                            STATUS,
                            OUTCOME,
                            RESULT + "::text AS " + RESULT,
                            LEFT_SOURCE,
                            RIGHT_SOURCE,
                            DETECTED_AT,
                            DECIDED_AT,
                            DECIDED_BY,
                            DECISION,
                            LEFT_CHANGE,
                            RIGHT_CHANGE));

    /** Works on {@code table} through {@code connection}, which it closes when closed. */
    public ConflictsStore(Connection connection, ConflictsTable table) {
        super(
                connection,
                table,
                table.schema(),
                table.table(),
                table.qualifiedName(),
                table.createSql());
    }

    /**
     * Connects to the target database's conflicts table.
     *
     * @throws SQLException if the database cannot be reached
     */
    public static ConflictsStore open(TargetSettings target) throws SQLException {
        return new ConflictsStore(
                PostgresConnections.open(target.url(), target.username(), target.password()),
                new ConflictsTable(target.schema(), target.conflictsTable()));
    }

    /** The first {@code limit} conflicts {@code filter} selects, oldest first. */
    public List<StoredConflict> list(ConflictFilter filter, int limit) throws SQLException {
        return select(
                COLUMNS,
                filter.where(),
                DETECTED_AT + ", " + CONFLICT_ID,
                limit,
                StoredConflict::of);
    }

    /** How many conflicts {@code filter} selects. */
    public int count(ConflictFilter filter) throws SQLException {
        return count(filter.where());
    }

    /** The conflict with id {@code conflictId}, if there is one. */
    public Optional<StoredConflict> find(String conflictId) throws SQLException {
        String sql =
                "SELECT " + COLUMNS + " FROM " + qualifiedName() + " WHERE " + CONFLICT_ID + " = ?";
        try (PreparedStatement statement = connection.prepareStatement(sql)) {
            statement.setString(1, conflictId);
            try (ResultSet rows = statement.executeQuery()) {
                return rows.next() ? Optional.of(StoredConflict.of(rows)) : Optional.empty();
            }
        }
    }

    /**
     * Which conflicts to list; a part left null selects all. Parts combine with AND.
     *
     * @param status {@value ConflictsTable#OPEN} or {@value ConflictsTable#RESOLVED}
     * @param tenant a tenant
     * @param entityType an entity type, e.g. {@code customer}
     */
    public record ConflictFilter(String status, String tenant, String entityType) {

        /** Every conflict. */
        public static ConflictFilter all() {
            return new ConflictFilter(null, null, null);
        }

        Where where() {
            List<String> conditions = new ArrayList<>();
            List<Binder> binders = new ArrayList<>();
            equal(STATUS, status, conditions, binders);
            equal(TENANT, tenant, conditions, binders);
            equal(ENTITY_TYPE, entityType, conditions, binders);
            return Where.allOf(conditions, binders);
        }

        private static void equal(
                String column, String value, List<String> conditions, List<Binder> binders) {
            if (value != null) {
                conditions.add(column + " = ?");
                binders.add((statement, connection, index) -> statement.setString(index, value));
            }
        }
    }

    /**
     * One row of the conflicts table, with both versions decoded from their stored bytes.
     *
     * @param resultJson the image in force after the decision as JSON (field to value text), null
     *     while open or when the result is a delete
     * @param left the version that was applied when the conflict arose, null if its bytes cannot be
     *     decoded (then {@code changeProblem} says why)
     * @param right the version that competed with it, null likewise
     */
    public record StoredConflict(
            String conflictId,
            String tenant,
            String entityType,
            String entityId,
            String strategy,
            String status,
            String outcome,
            String resultJson,
            String leftSource,
            String rightSource,
            Instant detectedAt,
            Instant decidedAt,
            String decidedBy,
            String decision,
            ChangeEvent left,
            ChangeEvent right,
            String changeProblem) {

        /** Whether it waits for a person's decision. */
        public boolean isOpen() {
            return ConflictsTable.OPEN.equals(status);
        }

        static StoredConflict of(ResultSet row) throws SQLException {
            List<String> problems = new ArrayList<>();
            ChangeEvent left = decode(row.getBytes(LEFT_CHANGE), "left", problems);
            ChangeEvent right = decode(row.getBytes(RIGHT_CHANGE), "right", problems);
            return new StoredConflict(
                    row.getString(CONFLICT_ID),
                    row.getString(TENANT),
                    row.getString(ENTITY_TYPE),
                    row.getString(ENTITY_ID),
                    row.getString(STRATEGY),
                    row.getString(STATUS),
                    row.getString(OUTCOME),
                    row.getString(RESULT),
                    row.getString(LEFT_SOURCE),
                    row.getString(RIGHT_SOURCE),
                    instant(row.getObject(DETECTED_AT, OffsetDateTime.class)),
                    instant(row.getObject(DECIDED_AT, OffsetDateTime.class)),
                    row.getString(DECIDED_BY),
                    row.getString(DECISION),
                    left,
                    right,
                    problems.isEmpty() ? null : String.join("; ", problems));
        }

        private static ChangeEvent decode(byte[] bytes, String side, List<String> problems) {
            try {
                return ChangeEvent.getDecoder().decode(bytes);
            } catch (IOException | RuntimeException e) {
                // Written by a version whose ChangeEvent schema this one does not know.
                problems.add(
                        "the stored " + side + " version cannot be decoded: " + e.getMessage());
                return null;
            }
        }
    }
}
