package io.syncline.jobs.wiring;

import static org.assertj.core.api.Assertions.assertThat;

import io.syncline.operators.decode.SnapshotChunk;
import io.syncline.operators.decode.debezium.SourcePosition;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SnapshotChunkEmitterTest {

    @Test
    void aLowWatermarkReadByTheDialectGivesTheChunksPositionAndReadTime() {
        Map<String, String> lowWatermark =
                Map.of(
                        "lsn",
                        "33816576",
                        "txId",
                        "771",
                        "ts_usec",
                        "-31557014167219200",
                        PostgresCdcDialect.READ_TIME_KEY,
                        "1705314645123456");

        assertThat(SnapshotChunkEmitter.chunkOf(lowWatermark))
                .isEqualTo(
                        new SnapshotChunk(
                                SourcePosition.lsn(33_816_576L),
                                Instant.parse("2024-01-15T10:30:45.123456Z")));
    }

    @Test
    void aLowWatermarkWithoutTheReadTimeGivesNoChunk() {
        // Then the reads fall back to the snapshot's start, as before the dialect read the clock.
        assertThat(SnapshotChunkEmitter.chunkOf(Map.of("lsn", "33816576", "txId", "771"))).isNull();
        assertThat(
                        SnapshotChunkEmitter.chunkOf(
                                Map.of(PostgresCdcDialect.READ_TIME_KEY, "1705314645123456")))
                .isNull();
    }
}
