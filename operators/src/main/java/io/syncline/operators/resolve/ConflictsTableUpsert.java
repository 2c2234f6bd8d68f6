package io.syncline.operators.resolve;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.syncline.operators.validate.FieldValues;
import io.syncline.schema.ChangeEvent;
import io.syncline.schema.ConflictRecord;
import io.syncline.schema.FieldValue;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Map;
import java.util.TreeMap;
import org.apache.flink.connector.jdbc.datasource.statements.JdbcQueryStatement;

/**
 * Writes {@link ConflictRecord}s into the {@link ConflictsTable} with its status-guarded upsert, so
 * an at-least-once JDBC sink stores each conflict once and a resolved conflict never re-opens.
 */
public final class ConflictsTableUpsert implements JdbcQueryStatement<ConflictRecord> {

    private static final long serialVersionUID = 1L;

    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
    private static final ObjectMapper MAPPER = new ObjectMapper();

    private final String sql;

    public ConflictsTableUpsert(ConflictsTable table) {
        this.sql = table.upsertSql();
    }

    @Override
    public String query() {
        return sql;
    }

    @Override
    public void statement(PreparedStatement statement, ConflictRecord conflict)
            throws SQLException {
        int index = 1;
        statement.setString(index++, conflict.getConflictId());
        statement.setString(index++, conflict.getTenant());
        statement.setString(index++, conflict.getEntityType());
        statement.setString(index++, conflict.getEntityId());
        statement.setString(index++, conflict.getStrategy());
        statement.setString(index++, ConflictsTable.statusOf(conflict.getStatus()));
        statement.setString(index++, conflict.getOutcome().name());
        statement.setString(index++, eventJson(conflict.getLeft()));
        statement.setString(index++, eventJson(conflict.getRight()));
        statement.setString(
                index++, conflict.getResult() == null ? null : imageJson(conflict.getResult()));
        statement.setString(index++, conflict.getLeft().getSourceId());
        statement.setString(index++, conflict.getRight().getSourceId());
        statement.setObject(index++, time(conflict.getDetectedAt()));
        if (conflict.getDecidedAt() == null) {
            statement.setNull(index++, Types.TIMESTAMP_WITH_TIMEZONE);
        } else {
            statement.setObject(index++, time(conflict.getDecidedAt()));
        }
        statement.setString(index++, conflict.getDecidedBy());
        statement.setString(index++, conflict.getDecision());
        statement.setBytes(index++, encode(conflict.getLeft()));
        statement.setBytes(index, encode(conflict.getRight()));
    }

    /** {@code change} in Avro single-object encoding, as the table stores both versions. */
    public static byte[] encode(ChangeEvent change) {
        try {
            ByteBuffer buffer = ChangeEvent.getEncoder().encode(change);
            byte[] bytes = new byte[buffer.remaining()];
            buffer.get(bytes);
            return bytes;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * {@code change} as the JSON of the {@value ConflictsTable#LEFT_EVENT} and {@value
     * ConflictsTable#RIGHT_EVENT} columns: where it came from, when, and its images as field to
     * value text.
     */
    public static String eventJson(ChangeEvent change) {
        ObjectNode event = NODES.objectNode();
        event.put("eventId", change.getEventId());
        event.put("op", change.getOp().name());
        event.put("sourceId", change.getSourceId());
        event.put("sourcePosition", change.getSourcePosition());
        event.put("version", change.getVersion());
        event.put("sourceCommitTime", change.getSourceCommitTime().toString());
        event.put("captureTime", change.getCaptureTime().toString());
        event.put("transactionId", change.getTransactionId());
        event.put("origin", change.getOrigin());
        ObjectNode clock = event.putObject("vectorClock");
        new TreeMap<>(change.getVectorClock()).forEach(clock::put);
        event.set("before", change.getBefore() == null ? null : imageNode(change.getBefore()));
        event.set("after", change.getAfter() == null ? null : imageNode(change.getAfter()));
        return write(event);
    }

    /**
     * A row image as a JSON object of field to value text ({@link FieldValues#text}), SQL NULL as
     * JSON null, fields in name order.
     */
    public static String imageJson(Map<String, FieldValue> image) {
        return write(imageNode(image));
    }

    private static ObjectNode imageNode(Map<String, FieldValue> image) {
        ObjectNode object = NODES.objectNode();
        new TreeMap<>(image).forEach((field, value) -> object.put(field, FieldValues.text(value)));
        return object;
    }

    private static String write(ObjectNode node) {
        try {
            return MAPPER.writeValueAsString(node);
        } catch (JsonProcessingException e) {
            // A tree of text, numbers and nulls always serialises.
            throw new IllegalStateException(e);
        }
    }

    private static OffsetDateTime time(Instant instant) {
        return OffsetDateTime.ofInstant(instant, ZoneOffset.UTC);
    }
}
