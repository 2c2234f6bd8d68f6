package io.syncline.jobs.wiring.sources;

import io.syncline.operators.decode.CdcChangeDeserializer;
import io.syncline.operators.decode.SnapshotChunk;
import io.syncline.operators.decode.debezium.SourcePosition;
import io.syncline.schema.ChangeEvent;
import io.syncline.schema.ErrorRecord;
import java.time.Clock;
import org.apache.flink.api.connector.source.SourceOutput;
import org.apache.flink.cdc.connectors.mysql.source.metrics.MySqlSourceReaderMetrics;
import org.apache.flink.cdc.connectors.mysql.source.offset.BinlogOffset;
import org.apache.flink.cdc.connectors.mysql.source.reader.MySqlRecordEmitter;
import org.apache.flink.cdc.connectors.mysql.source.split.MySqlSplitState;
import org.apache.flink.cdc.connectors.mysql.source.utils.RecordUtils;
import org.apache.flink.types.Either;
import org.apache.kafka.connect.source.SourceRecord;

/**
 * Flink CDC's MySQL record emitter, which also tells the deserializer which snapshot chunk the rows
 * it decodes come from: the chunk's low watermark (binlog file and offset) and, since MySQL's
 * watermarks carry no server clock, this TaskManager's clock when the chunk's rows are emitted,
 * which is after the chunk was read. A chunk read again after a restart then wins over its first
 * read, as for Postgres ({@link SnapshotChunk}).
 */
final class MySqlChunkEmitter extends MySqlRecordEmitter<Either<ErrorRecord, ChangeEvent>> {

    private final CdcChangeDeserializer deserializer;
    private final Clock clock;

    MySqlChunkEmitter(
            CdcChangeDeserializer deserializer,
            MySqlSourceReaderMetrics metrics,
            boolean includeSchemaChanges,
            Clock clock) {
        super(deserializer, metrics, includeSchemaChanges);
        this.deserializer = deserializer;
        this.clock = clock;
    }

    @Override
    protected void processElement(
            SourceRecord element,
            SourceOutput<Either<ErrorRecord, ChangeEvent>> output,
            MySqlSplitState splitState)
            throws Exception {
        if (splitState.isSnapshotSplitState() && RecordUtils.isWatermarkEvent(element)) {
            deserializer.emitting(
                    RecordUtils.isLowWatermarkEvent(element)
                            ? chunkOf(RecordUtils.getWatermark(element))
                            : null);
        }
        super.processElement(element, output, splitState);
    }

    /** The chunk read at {@code lowWatermark}, or null when its position is no binlog offset. */
    private SnapshotChunk chunkOf(BinlogOffset lowWatermark) {
        SourcePosition position =
                SourcePosition.binlog(lowWatermark.getFilename(), lowWatermark.getPosition());
        return position == null ? null : new SnapshotChunk(position, clock.instant());
    }
}
