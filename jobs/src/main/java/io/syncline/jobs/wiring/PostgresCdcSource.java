package io.syncline.jobs.wiring;

import io.syncline.operators.decode.CdcChangeDeserializer;
import io.syncline.schema.ChangeEvent;
import io.syncline.schema.ErrorRecord;
import org.apache.flink.cdc.connectors.base.config.SourceConfig;
import org.apache.flink.cdc.connectors.base.source.meta.split.SourceRecords;
import org.apache.flink.cdc.connectors.base.source.meta.split.SourceSplitState;
import org.apache.flink.cdc.connectors.base.source.metrics.SourceReaderMetrics;
import org.apache.flink.cdc.connectors.postgres.source.PostgresSourceBuilder;
import org.apache.flink.cdc.connectors.postgres.source.PostgresSourceBuilder.PostgresIncrementalSource;
import org.apache.flink.cdc.connectors.postgres.source.offset.PostgresOffsetFactory;
import org.apache.flink.connector.base.source.reader.RecordEmitter;
import org.apache.flink.types.Either;

/**
 * What {@link PostgresSourceBuilder#build()} makes, with {@link PostgresCdcDialect} and a record
 * emitter that versions each snapshot read by its chunk ({@link SnapshotChunkEmitter}).
 */
final class PostgresCdcSource extends PostgresIncrementalSource<Either<ErrorRecord, ChangeEvent>> {

    private static final long serialVersionUID = 1L;

    /**
     * @param builder configured, with {@code deserializer}; with {@code tls}, its Debezium
     *     properties hold the TLS settings
     */
    PostgresCdcSource(
            PostgresSourceBuilder<Either<ErrorRecord, ChangeEvent>> builder,
            CdcChangeDeserializer deserializer,
            boolean tls) {
        super(
                builder.getConfigFactory(),
                deserializer,
                new PostgresOffsetFactory(),
                new PostgresCdcDialect(builder.getConfigFactory().create(0), tls));
    }

    @Override
    protected RecordEmitter<SourceRecords, Either<ErrorRecord, ChangeEvent>, SourceSplitState>
            createRecordEmitter(SourceConfig sourceConfig, SourceReaderMetrics metrics) {
        return new SnapshotChunkEmitter(
                (CdcChangeDeserializer) deserializationSchema,
                metrics,
                sourceConfig.isIncludeSchemaChanges(),
                offsetFactory);
    }
}
