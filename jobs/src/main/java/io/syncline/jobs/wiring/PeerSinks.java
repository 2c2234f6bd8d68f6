package io.syncline.jobs.wiring;

import io.syncline.jobs.config.SourceConfig;
import io.syncline.jobs.config.TargetSettings;
import io.syncline.operators.errors.ErrorQueueRejections;
import io.syncline.operators.errors.ErrorsTable;
import io.syncline.operators.jdbc.JdbcEndpoint;
import io.syncline.operators.jdbc.JdbcTableSink;
import io.syncline.operators.sink.PeerTable;
import io.syncline.operators.sink.PeerWrite;
import io.syncline.schema.ChangeEvent;
import java.util.Map;

/**
 * Builds the sinks that write resolved changes back into the tables of a bidirectional source, over
 * connections marked as Syncline's own (see {@link WriteBackPeers}).
 */
public final class PeerSinks {

    private PeerSinks() {}

    /**
     * One table of a write-back source, written with {@link PeerWrite} into the source database as
     * the source user, batched, retried and behind the source database's circuit breaker as {@code
     * target} says for the target tables. Changes the table refuses go to {@code errors} in the
     * target database.
     *
     * @throws IllegalArgumentException if {@code source} is not configured with {@code writeBack:
     *     true}
     */
    public static JdbcTableSink<ChangeEvent> peerTable(
            SourceConfig source, PeerTable table, TargetSettings target, ErrorsTable errors) {
        if (!source.writeBack()) {
            throw new IllegalArgumentException(
                    "source '" + source.id() + "' is not configured with writeBack: true");
        }
        JdbcEndpoint peer =
                new JdbcEndpoint(
                        source.jdbcUrl(),
                        source.username(),
                        source.password(),
                        // Without it the origin trigger takes the writes for an application's
                        // and they would be sent back.
                        Map.of("options", WriteBackPeers.WRITER_OPTIONS),
                        "syncline-write-back");
        return JdbcTableSink.<ChangeEvent>builder()
                .endpoint(peer)
                .table(table.qualifiedName(), new PeerWrite(table))
                .rejections(ErrorQueueRejections.changes(errors, Sinks.targetEndpoint(target)))
                .batches(target.batchSize(), target.batchInterval())
                .retry(target.retry())
                .circuitBreaker(target.circuitBreaker())
                .build();
    }
}
