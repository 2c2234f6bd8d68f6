package io.syncline.operators.errors;

import io.syncline.operators.jdbc.RejectedRow;
import io.syncline.operators.jdbc.RejectionHandler;
import io.syncline.schema.ErrorRecord;
import java.sql.Connection;
import java.time.Instant;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What the errors table's own sink does with errors the errors table refuses: logs them and nothing
 * else. Sending them to the error queue would send them to the table that refused them, and round
 * again; every error is also on the error topic, which keeps it.
 */
public final class ErrorsTableRejections implements RejectionHandler<ErrorRecord> {

    private static final long serialVersionUID = 1L;

    private static final Logger LOG = LoggerFactory.getLogger(ErrorsTableRejections.class);

    @Override
    public void handle(
            Connection connection, List<RejectedRow<ErrorRecord>> rejected, Instant time) {
        for (RejectedRow<ErrorRecord> row : rejected) {
            ErrorRecord error = row.row();
            LOG.error(
                    "Error {} ({} of {} at stage {}) was refused by {}: {}; {}; it is not in the"
                            + " table, but it is on the error topic",
                    error.getErrorId(),
                    error.getCode(),
                    error.getKey(),
                    error.getStage(),
                    row.rejection().table(),
                    row.rejection().describe(),
                    row.rejection().fix());
        }
    }
}
