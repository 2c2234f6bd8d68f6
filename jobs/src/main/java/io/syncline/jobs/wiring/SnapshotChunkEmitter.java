package io.syncline.jobs.wiring;

import io.syncline.operators.decode.CdcChangeDeserializer;
import io.syncline.operators.decode.SnapshotChunk;
import io.syncline.operators.decode.debezium.SourcePosition;
import io.syncline.schema.ChangeEvent;
import io.syncline.schema.ErrorRecord;
import java.time.Instant;
import java.util.Map;
import org.apache.flink.api.connector.source.SourceOutput;
import org.apache.flink.cdc.connectors.base.source.meta.offset.OffsetFactory;
import org.apache.flink.cdc.connectors.base.source.meta.split.SourceSplitState;
import org.apache.flink.cdc.connectors.base.source.meta.wartermark.WatermarkEvent;
import org.apache.flink.cdc.connectors.base.source.metrics.SourceReaderMetrics;
import org.apache.flink.cdc.connectors.base.source.reader.IncrementalSourceRecordEmitter;
import org.apache.flink.types.Either;
import org.apache.kafka.connect.source.SourceRecord;

/**
 * Flink CDC's record emitter, which also tells the deserializer which snapshot chunk the rows it
 * decodes come from. A chunk's records arrive as its low watermark, its rows, then its high
 * watermark; the low watermark's offset holds the WAL position and the server's clock read before
 * the chunk's query ({@link PostgresCdcDialect}), which version the chunk's reads ({@link
 * SnapshotChunk}).
 */
final class SnapshotChunkEmitter
        extends IncrementalSourceRecordEmitter<Either<ErrorRecord, ChangeEvent>> {

    private final CdcChangeDeserializer deserializer;

    SnapshotChunkEmitter(
            CdcChangeDeserializer deserializer,
            SourceReaderMetrics metrics,
            boolean includeSchemaChanges,
            OffsetFactory offsetFactory) {
        super(deserializer, metrics, includeSchemaChanges, offsetFactory);
        this.deserializer = deserializer;
    }

    @Override
    protected void processElement(
            SourceRecord element,
            SourceOutput<Either<ErrorRecord, ChangeEvent>> output,
            SourceSplitState splitState)
            throws Exception {
        if (splitState.isSnapshotSplitState() && WatermarkEvent.isWatermarkEvent(element)) {
            deserializer.emitting(
                    WatermarkEvent.isLowWatermarkEvent(element)
                            ? chunkOf(element.sourceOffset())
                            : null);
        }
        super.processElement(element, output, splitState);
    }

    /** The chunk read at {@code lowWatermark}, or null when its offset lacks the read time. */
    static SnapshotChunk chunkOf(Map<String, ?> lowWatermark) {
        Object lsn = lowWatermark.get("lsn");
        Instant readTime = PostgresCdcDialect.readTime(lowWatermark);
        if (lsn == null || readTime == null) {
            return null;
        }
        return new SnapshotChunk(SourcePosition.lsn(Long.parseLong(lsn.toString())), readTime);
    }
}
