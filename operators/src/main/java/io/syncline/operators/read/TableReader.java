package io.syncline.operators.read;

import io.syncline.operators.decode.EntityIds;
import io.syncline.operators.decode.UnsupportedValueException;
import io.syncline.operators.errors.ErrorCodes;
import io.syncline.operators.errors.ErrorRecords;
import io.syncline.operators.key.EntityKeys;
import io.syncline.operators.sink.SqlIdentifiers;
import io.syncline.operators.sink.TargetColumn;
import io.syncline.schema.ChangeEvent;
import io.syncline.schema.ErrorRecord;
import io.syncline.schema.FieldKind;
import io.syncline.schema.FieldValue;
import io.syncline.schema.Operation;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.apache.flink.types.Either;

/**
 * Reads rows of a {@link SourceTable} over JDBC in key order, a chunk at a time, and turns them
 * into re-read rows ({@link Operation#READ} changes marked with {@code resync}) or into errors that
 * say why a row cannot be an entity. Each chunk is one read-only snapshot whose {@link ReadPoint}
 * is read first, so the rows are the source's state at that point.
 */
public final class TableReader {

    /** Stage name in error records. */
    public static final String STAGE = "read";

    /**
     * One chunk: where it was read, the rows (or their errors), and the key of the last row as
     * text, to continue after it; {@code lastKey} is null when the chunk was empty.
     */
    public record Chunk(
            ReadPoint point, List<Either<ErrorRecord, ChangeEvent>> rows, List<String> lastKey) {

        /** Whether fewer rows than asked for came back: the selection is read to its end. */
        public boolean isLast(int limit) {
            return rows.size() < limit;
        }
    }

    /**
     * Key bounds of a chunk, each the key columns' values as text, or null for unbounded.
     *
     * @param from lowest key, inclusive
     * @param after read only keys above this one (the last key of the previous chunk)
     * @param before highest key, exclusive
     */
    public record KeyBounds(List<String> from, List<String> after, List<String> before) {

        public static final KeyBounds ALL = new KeyBounds(null, null, null);

        /** These bounds, continuing after {@code lastKey}. */
        public KeyBounds continuingAfter(List<String> lastKey) {
            return new KeyBounds(from, lastKey, before);
        }
    }

    private final SourceTable table;
    private final String runId;

    /**
     * @param table the table read
     * @param runId the backfill run or re-sync request the rows are read for: their {@code resync}
     *     mark and part of their event ids
     */
    public TableReader(SourceTable table, String runId) {
        this.table = Objects.requireNonNull(table, "table");
        this.runId = Objects.requireNonNull(runId, "runId");
    }

    /** The table read. */
    public SourceTable table() {
        return table;
    }

    /**
     * Reads up to {@code limit} rows of {@code selection} within {@code bounds}, in key order, in a
     * snapshot of their own.
     *
     * @param commitTimeLag how far before the read point the rows' commit time is set (see {@link
     *     #rowsOf})
     */
    public Chunk read(
            Connection connection,
            RowSelection selection,
            KeyBounds bounds,
            int limit,
            Duration commitTimeLag,
            Instant now)
            throws SQLException {
        if (selection.tenant() != null && !table.mayHold(selection.tenant())) {
            return new Chunk(null, List.of(), null);
        }
        List<Object> parameters = new ArrayList<>();
        StringBuilder sql = select();
        List<String> conditions = conditions(selection, parameters);
        List<String> key = table.binding().primaryKey();
        if (bounds.after() != null) {
            conditions.add(keyTuple() + " > " + castTuple(key));
            parameters.addAll(bounds.after());
        } else if (bounds.from() != null) {
            conditions.add(keyTuple() + " >= " + castTuple(key));
            parameters.addAll(bounds.from());
        }
        if (bounds.before() != null) {
            conditions.add(keyTuple() + " < " + castTuple(key));
            parameters.addAll(bounds.before());
        }
        where(sql, conditions);
        sql.append(" ORDER BY ")
                .append(key.stream().map(SqlIdentifiers::quote).collect(Collectors.joining(", ")))
                .append(" LIMIT ")
                .append(limit);
        return inSnapshot(
                connection,
                sql.toString(),
                parameters,
                (point, rows) -> rowsOf(rows, point, commitTimeLag, now));
    }

    /**
     * Reads the rows of {@code ids} (of {@code tenant}) in one snapshot; ids the table does not
     * hold are left out (see {@link #deletesOf}).
     */
    public Chunk readIds(
            Connection connection,
            String tenant,
            List<String> ids,
            Duration commitTimeLag,
            Instant now)
            throws SQLException {
        if (!table.mayHold(tenant)) {
            return new Chunk(null, List.of(), null);
        }
        List<String> key = table.binding().primaryKey();
        List<Object> parameters = new ArrayList<>();
        StringBuilder sql = select();
        List<String> conditions =
                conditions(new RowSelection(tenant, null, List.of(), null, null), parameters);
        List<String> tuples = new ArrayList<>();
        for (String id : ids) {
            List<String> parts = Arrays.asList(id.split("/", -1));
            if (parts.size() == key.size()) {
                tuples.add(castTuple(key));
                parameters.addAll(parts);
            }
        }
        if (tuples.isEmpty()) {
            return new Chunk(null, List.of(), null);
        }
        conditions.add(keyTuple() + " IN (" + String.join(", ", tuples) + ")");
        where(sql, conditions);
        return inSnapshot(
                connection,
                sql.toString(),
                parameters,
                (point, rows) -> rowsOf(rows, point, commitTimeLag, now));
    }

    /**
     * What splitting {@code selection} into key ranges needs, read in one snapshot: how many rows
     * it holds and the key of every {@code every}-th row after the first (rows {@code every + 1},
     * {@code 2 * every + 1}, ...), in key order, each as the key columns' values as text.
     */
    public KeySample sample(Connection connection, RowSelection selection, long every)
            throws SQLException {
        if (every < 1) {
            throw new IllegalArgumentException("every must be at least 1, was " + every);
        }
        if (selection.tenant() != null && !table.mayHold(selection.tenant())) {
            return new KeySample(0, List.of());
        }
        List<String> key = table.binding().primaryKey();
        List<Object> parameters = new ArrayList<>();
        StringBuilder rows = new StringBuilder("SELECT ");
        for (int i = 0; i < key.size(); i++) {
            rows.append(SqlIdentifiers.quote(key.get(i))).append("::text AS key_").append(i);
            rows.append(", ");
        }
        rows.append("row_number() OVER (ORDER BY ")
                .append(key.stream().map(SqlIdentifiers::quote).collect(Collectors.joining(", ")))
                .append(") AS row_no FROM ")
                .append(table.qualifiedName());
        where(rows, conditions(selection, parameters));
        String keys =
                "SELECT "
                        + String.join(
                                ", ",
                                IntStream.range(0, key.size()).mapToObj(i -> "key_" + i).toList())
                        + " FROM ("
                        + rows
                        + ") numbered WHERE row_no > 1 AND (row_no - 1) % "
                        + every
                        + " = 0 ORDER BY row_no";
        boolean autoCommit = connection.getAutoCommit();
        connection.setAutoCommit(false);
        connection.setTransactionIsolation(Connection.TRANSACTION_REPEATABLE_READ);
        connection.setReadOnly(true);
        try {
            long count;
            try (PreparedStatement query =
                    connection.prepareStatement("SELECT count(*) FROM (" + rows + ") counted")) {
                for (int i = 0; i < parameters.size(); i++) {
                    query.setObject(i + 1, parameters.get(i));
                }
                try (ResultSet result = query.executeQuery()) {
                    result.next();
                    count = result.getLong(1);
                }
            }
            List<List<String>> boundaries = new ArrayList<>();
            try (PreparedStatement query = connection.prepareStatement(keys)) {
                for (int i = 0; i < parameters.size(); i++) {
                    query.setObject(i + 1, parameters.get(i));
                }
                try (ResultSet result = query.executeQuery()) {
                    while (result.next()) {
                        List<String> boundary = new ArrayList<>(key.size());
                        for (int i = 1; i <= key.size(); i++) {
                            boundary.add(result.getString(i));
                        }
                        boundaries.add(boundary);
                    }
                }
            }
            connection.commit();
            return new KeySample(count, boundaries);
        } catch (SQLException | RuntimeException e) {
            connection.rollback();
            throw e;
        } finally {
            connection.setReadOnly(false);
            connection.setAutoCommit(autoCommit);
        }
    }

    /**
     * How many rows a selection holds and the keys that cut it into ranges of equal size.
     *
     * @param rows the rows of the selection
     * @param boundaries keys in ascending order, each the first of a range after the first range
     */
    public record KeySample(long rows, List<List<String>> boundaries) {

        public KeySample {
            boundaries = List.copyOf(boundaries);
        }
    }

    private StringBuilder select() {
        List<String> key = table.binding().primaryKey();
        StringBuilder sql = new StringBuilder("SELECT ");
        for (int i = 0; i < key.size(); i++) {
            // Named apart from the columns, so ORDER BY the key columns is not ambiguous.
            sql.append(SqlIdentifiers.quote(key.get(i)))
                    .append("::text AS key_")
                    .append(i)
                    .append(", ");
        }
        sql.append(
                        table.columns().stream()
                                .map(c -> SqlIdentifiers.quote(c.name()))
                                .collect(Collectors.joining(", ")))
                .append(" FROM ")
                .append(table.qualifiedName());
        return sql;
    }

    private List<String> conditions(RowSelection selection, List<Object> parameters) {
        List<String> conditions = new ArrayList<>();
        String tenantColumn = table.binding().tenantColumn();
        if (selection.tenant() != null && tenantColumn != null) {
            conditions.add(SqlIdentifiers.quote(tenantColumn) + "::text = ?");
            parameters.add(selection.tenant());
        }
        if (selection.where() != null && !selection.where().isBlank()) {
            conditions.add("(" + selection.where() + ")");
        }
        String keyColumn = table.binding().primaryKey().get(0);
        String keyCast = "CAST(? AS " + table.typeOf(keyColumn) + ")";
        if (selection.fromKey() != null) {
            conditions.add(SqlIdentifiers.quote(keyColumn) + " >= " + keyCast);
            parameters.add(selection.fromKey());
        }
        if (selection.toKey() != null) {
            conditions.add(SqlIdentifiers.quote(keyColumn) + " <= " + keyCast);
            parameters.add(selection.toKey());
        }
        return conditions;
    }

    private static void where(StringBuilder sql, List<String> conditions) {
        if (!conditions.isEmpty()) {
            sql.append(" WHERE ").append(String.join(" AND ", conditions));
        }
    }

    private String keyTuple() {
        return "("
                + table.binding().primaryKey().stream()
                        .map(SqlIdentifiers::quote)
                        .collect(Collectors.joining(", "))
                + ")";
    }

    private String castTuple(List<String> key) {
        return "("
                + key.stream()
                        .map(column -> "CAST(? AS " + table.typeOf(column) + ")")
                        .collect(Collectors.joining(", "))
                + ")";
    }

    private interface RowsOf {
        Chunk apply(ReadPoint point, ResultSet rows) throws SQLException;
    }

    /**
     * Runs {@code sql} in a read-only repeatable-read transaction whose first statement reads the
     * {@link ReadPoint}, so the point belongs to the snapshot the rows come from.
     */
    private static Chunk inSnapshot(
            Connection connection, String sql, List<Object> parameters, RowsOf rowsOf)
            throws SQLException {
        boolean autoCommit = connection.getAutoCommit();
        connection.setAutoCommit(false);
        connection.setTransactionIsolation(Connection.TRANSACTION_REPEATABLE_READ);
        connection.setReadOnly(true);
        try {
            ReadPoint point = readPoint(connection);
            try (PreparedStatement query = connection.prepareStatement(sql)) {
                for (int i = 0; i < parameters.size(); i++) {
                    query.setObject(i + 1, parameters.get(i));
                }
                try (ResultSet rows = query.executeQuery()) {
                    Chunk chunk = rowsOf.apply(point, rows);
                    connection.commit();
                    return chunk;
                }
            }
        } catch (SQLException | RuntimeException e) {
            connection.rollback();
            throw e;
        } finally {
            connection.setReadOnly(false);
            connection.setAutoCommit(autoCommit);
        }
    }

    /** The WAL position and clock of {@code connection}'s database now. */
    public static ReadPoint readPoint(Connection connection) throws SQLException {
        try (Statement statement = connection.createStatement();
                ResultSet row =
                        statement.executeQuery(
                                "SELECT pg_current_wal_lsn() - '0/0'::pg_lsn, clock_timestamp()")) {
            row.next();
            return new ReadPoint(
                    row.getBigDecimal(1).longValueExact(),
                    row.getObject(2, OffsetDateTime.class).toInstant());
        }
    }

    /**
     * The rows of {@code rows}: each a READ at version {@code point.lsn()} with commit time {@code
     * commitTimeLag} before the point. The lag lets a backfill's rows lose, in the targets' version
     * guard, to every change committed shortly before the read and possibly not yet visible to it.
     */
    private Chunk rowsOf(ResultSet rows, ReadPoint point, Duration commitTimeLag, Instant now)
            throws SQLException {
        ResultSetMetaData meta = rows.getMetaData();
        List<String> key = table.binding().primaryKey();
        int keyCount = key.size();
        Instant commitTime = point.time().minus(commitTimeLag);
        List<Either<ErrorRecord, ChangeEvent>> read = new ArrayList<>();
        List<String> lastKey = null;
        while (rows.next()) {
            lastKey = new ArrayList<>(keyCount);
            for (int i = 1; i <= keyCount; i++) {
                lastKey.add(rows.getString(i));
            }
            Map<String, FieldValue> image = new LinkedHashMap<>();
            ErrorRecord error = null;
            List<TargetColumn> columns = table.columns();
            for (int i = 0; i < columns.size(); i++) {
                int index = keyCount + 1 + i;
                String column = columns.get(i).name();
                try {
                    image.put(
                            column,
                            JdbcValues.read(rows, index, column, meta.getColumnTypeName(index)));
                } catch (UnsupportedValueException e) {
                    error =
                            error(
                                    ErrorCodes.UNSUPPORTED_TYPE,
                                    e.getMessage(),
                                    point,
                                    String.join("/", lastKey),
                                    now);
                    break;
                }
            }
            if (error != null) {
                read.add(Either.Left(error));
                continue;
            }
            read.add(entity(image, Operation.READ, point, commitTime, now));
        }
        return new Chunk(point, read, lastKey);
    }

    /**
     * Deletes of {@code tenant}'s entities {@code ids}, which the source no longer holds, as of
     * {@code point}, so a re-sync removes them from the targets too.
     */
    public List<ChangeEvent> deletesOf(
            Collection<String> ids,
            String tenant,
            ReadPoint point,
            Duration commitTimeLag,
            Instant now) {
        List<ChangeEvent> deletes = new ArrayList<>();
        for (String id : ids) {
            if (id.split("/", -1).length == table.binding().primaryKey().size()) {
                deletes.add(deleteOf(id, tenant, point, point.time().minus(commitTimeLag), now));
            }
        }
        return deletes;
    }

    /**
     * A delete of the entity with id {@code id}: its before image holds the key (as text, which the
     * targets' statements cast) and the tenant.
     */
    private ChangeEvent deleteOf(
            String id, String tenant, ReadPoint point, Instant commitTime, Instant now) {
        List<String> key = table.binding().primaryKey();
        String[] parts = id.split("/", -1);
        Map<String, FieldValue> before = new LinkedHashMap<>();
        for (int i = 0; i < key.size(); i++) {
            before.put(key.get(i), new FieldValue(FieldKind.STRING, parts[i]));
        }
        if (table.binding().tenantColumn() != null) {
            before.put(table.binding().tenantColumn(), new FieldValue(FieldKind.STRING, tenant));
        }
        return ChangeEvent.newBuilder()
                .setEventId(eventId(point, tenant, id))
                .setTenant(tenant)
                .setEntityType(table.entityType())
                .setEntityId(id)
                .setOp(Operation.DELETE)
                .setBefore(before)
                .setSourceCommitTime(commitTime)
                .setCaptureTime(now)
                .setSourceId(table.sourceId())
                .setSourcePosition(Long.toString(point.lsn()))
                .setVersion(point.lsn())
                .setResync(runId)
                .build();
    }

    private Either<ErrorRecord, ChangeEvent> entity(
            Map<String, FieldValue> image,
            Operation op,
            ReadPoint point,
            Instant commitTime,
            Instant now) {
        String tenant = tenantOf(image);
        List<FieldValue> keyParts = new ArrayList<>();
        for (String column : table.binding().primaryKey()) {
            keyParts.add(image.get(column));
        }
        String entityId = EntityIds.of(keyParts);
        if (tenant == null) {
            return Either.Left(
                    error(
                            ErrorCodes.TENANT_MISSING,
                            "row of "
                                    + table.binding().qualifiedName()
                                    + " has no tenant in column '"
                                    + table.binding().tenantColumn()
                                    + "'; set the column",
                            point,
                            entityId,
                            now));
        }
        return Either.Right(
                ChangeEvent.newBuilder()
                        .setEventId(eventId(point, tenant, entityId))
                        .setTenant(tenant)
                        .setEntityType(table.entityType())
                        .setEntityId(entityId)
                        .setOp(op)
                        .setAfter(image)
                        .setSourceCommitTime(commitTime)
                        .setCaptureTime(now)
                        .setSourceId(table.sourceId())
                        .setSourcePosition(Long.toString(point.lsn()))
                        .setVersion(point.lsn())
                        .setResync(runId)
                        .build());
    }

    private String eventId(ReadPoint point, String tenant, String entityId) {
        return runId
                + "/"
                + table.sourceId()
                + "/"
                + point.lsn()
                + "/"
                + EntityKeys.of(tenant, table.entityType(), entityId);
    }

    private String tenantOf(Map<String, FieldValue> image) {
        if (table.binding().constantTenant() != null) {
            return table.binding().constantTenant();
        }
        FieldValue tenant = image.get(table.binding().tenantColumn());
        if (tenant == null || tenant.getValue() == null || tenant.getValue().toString().isBlank()) {
            return null;
        }
        return tenant.getValue().toString();
    }

    private ErrorRecord error(
            String code, String message, ReadPoint point, String entityId, Instant now) {
        ErrorRecord.Builder builder =
                ErrorRecords.permanent(ErrorRecord.newBuilder(), STAGE, code, message)
                        .setSourceId(table.sourceId())
                        .setSourcePosition(Long.toString(point.lsn()))
                        .setEntityType(table.entityType());
        return ErrorRecords.build(
                builder,
                table.binding().qualifiedName() + " key " + entityId + " (" + runId + ")",
                now);
    }
}
