package io.syncline.operators.jdbc;

import java.io.Serializable;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Instant;
import java.util.List;

/**
 * What a {@link JdbcTableSink} does with the rows its table refused for good: the rest of their
 * batch is written, and these go to the error queue.
 */
@FunctionalInterface
public interface RejectionHandler<T> extends Serializable {

    /**
     * Takes {@code rejected} (never empty) within the transaction of their batch on {@code
     * connection}, before it commits, so that the batch's rows and its rejections are stored
     * together or not at all.
     *
     * @param time when the rows were refused
     * @throws SQLException if they cannot be stored; the batch is then not committed
     */
    void handle(Connection connection, List<RejectedRow<T>> rejected, Instant time)
            throws SQLException;
}
