package io.syncline.operators.quality;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.syncline.schema.QualityMetrics;
import java.io.UncheckedIOException;
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
 * Writes {@link QualityMetrics} into the {@link QualityMetricsTable} with its upsert, so an
 * at-least-once JDBC sink leaves one row per window.
 */
public final class QualityMetricsUpsert implements JdbcQueryStatement<QualityMetrics> {

    private static final long serialVersionUID = 1L;

    private static final ObjectMapper JSON = new ObjectMapper();

    private final String sql;

    public QualityMetricsUpsert(QualityMetricsTable table) {
        this.sql = table.upsertSql();
    }

    @Override
    public String query() {
        return sql;
    }

    @Override
    public void statement(PreparedStatement statement, QualityMetrics metrics) throws SQLException {
        int index = 1;
        statement.setString(index++, metrics.getTenant());
        statement.setString(index++, metrics.getEntityType());
        statement.setString(index++, metrics.getWindowKind());
        statement.setObject(index++, utc(metrics.getWindowStart()));
        statement.setObject(index++, utc(metrics.getWindowEnd()));
        statement.setString(index++, metrics.getSyncClass());
        statement.setLong(index++, metrics.getLatencyTargetMillis());
        statement.setLong(index++, metrics.getValidated());
        statement.setLong(index++, metrics.getRejected());
        statement.setLong(index++, metrics.getCorrected());
        statement.setLong(index++, metrics.getFailed());
        statement.setLong(index++, metrics.getDuplicates());
        statement.setLong(index++, metrics.getConflicts());
        statement.setLong(index++, metrics.getDelivered());
        statement.setLong(index++, metrics.getReadBackSampled());
        setDouble(statement, index++, metrics.getCompleteness());
        setDouble(statement, index++, metrics.getAccuracy());
        setDouble(statement, index++, metrics.getConsistency());
        setDouble(statement, index++, metrics.getTimeliness());
        setDouble(statement, index++, metrics.getErrorRate());
        setLong(statement, index++, metrics.getLagP50Millis());
        setLong(statement, index++, metrics.getLagP95Millis());
        setLong(statement, index++, metrics.getLagP99Millis());
        setLong(statement, index++, metrics.getLagMaxMillis());
        statement.setString(index, json(metrics.getErrorCodes()));
    }

    /** {@code errorCodes} as a JSON object, codes in order so that equal maps give equal text. */
    static String json(Map<String, Long> errorCodes) {
        try {
            return JSON.writeValueAsString(new TreeMap<>(errorCodes));
        } catch (JsonProcessingException e) {
            // A map of strings to numbers always serializes.
            throw new UncheckedIOException(e);
        }
    }

    private static OffsetDateTime utc(Instant instant) {
        return OffsetDateTime.ofInstant(instant, ZoneOffset.UTC);
    }

    private static void setDouble(PreparedStatement statement, int index, Double value)
            throws SQLException {
        if (value == null) {
            statement.setNull(index, Types.DOUBLE);
        } else {
            statement.setDouble(index, value);
        }
    }

    private static void setLong(PreparedStatement statement, int index, Long value)
            throws SQLException {
        if (value == null) {
            statement.setNull(index, Types.BIGINT);
        } else {
            statement.setLong(index, value);
        }
    }
}
