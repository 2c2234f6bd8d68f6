package io.syncline.operators.decode;

import io.syncline.operators.decode.debezium.SourcePosition;
import java.time.Instant;
import java.util.Objects;

/**
 * Where and when the snapshot chunk whose rows a CDC source emits now was read: its low watermark,
 * the source's log position and clock taken just before the chunk's query. A read versioned by it
 * is newer than every change its row had before (they all sit before the position and committed
 * before the time) and older than every change the source streams after the chunk (Flink CDC
 * streams a chunk's rows only from its high watermark on).
 *
 * <p>That is what makes a chunk read again safe: a job restored from a checkpoint taken before a
 * chunk finished reads it again, and the second read, which holds the row's changes since the
 * first, must win over the first read and over whatever the targets took in between.
 *
 * @param position the source's log position at the low watermark
 * @param readTime the source's clock at the low watermark
 */
public record SnapshotChunk(SourcePosition position, Instant readTime) {

    public SnapshotChunk {
        Objects.requireNonNull(position, "position");
        Objects.requireNonNull(readTime, "readTime");
    }
}
