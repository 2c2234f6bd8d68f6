package io.syncline.jobs.wiring;

import io.syncline.jobs.config.SourceConfig;
import io.syncline.jobs.config.TargetSettings;
import io.syncline.operators.sink.PeerTable;
import io.syncline.operators.sink.PeerWrite;
import io.syncline.schema.ChangeEvent;
import org.apache.flink.connector.jdbc.JdbcConnectionOptions;
import org.apache.flink.connector.jdbc.JdbcExecutionOptions;
import org.apache.flink.connector.jdbc.core.datastream.sink.JdbcSink;

/**
 * Builds the sinks that write resolved changes back into the tables of a bidirectional source, over
 * connections marked as Syncline's own (see {@link WriteBackPeers}).
 */
public final class PeerSinks {

    private PeerSinks() {}

    /**
     * One table of a write-back source, written with {@link PeerWrite} into the source database as
     * the source user, batched and retried as {@code batchSettings} says for the target tables.
     *
     * @throws IllegalArgumentException if {@code source} is not configured with {@code writeBack:
     *     true}
     */
    public static JdbcSink<ChangeEvent> peerTable(
            SourceConfig source, PeerTable table, TargetSettings batchSettings) {
        if (!source.writeBack()) {
            throw new IllegalArgumentException(
                    "source '" + source.id() + "' is not configured with writeBack: true");
        }
        return JdbcSink.<ChangeEvent>builder()
                .withQueryStatement(new PeerWrite(table))
                .withExecutionOptions(
                        JdbcExecutionOptions.builder()
                                .withBatchSize(batchSettings.batchSize())
                                .withBatchIntervalMs(batchSettings.batchInterval().toMillis())
                                .withMaxRetries(batchSettings.maxRetries())
                                .build())
                .buildAtLeastOnce(
                        new JdbcConnectionOptions.JdbcConnectionOptionsBuilder()
                                .withUrl(source.jdbcUrl())
                                .withDriverName("org.postgresql.Driver")
                                .withUsername(source.username())
                                .withPassword(source.password())
                                // Without it the origin trigger takes the writes for an
                                // application's and they would be sent back.
                                .withProperty("options", WriteBackPeers.WRITER_OPTIONS)
                                .withProperty("ApplicationName", "syncline-write-back")
                                .build());
    }
}
