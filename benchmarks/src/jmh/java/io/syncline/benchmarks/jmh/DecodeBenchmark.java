package io.syncline.benchmarks.jmh;

import io.syncline.operators.decode.DecodeOutcome;
import io.syncline.operators.decode.SourceRecordDecoder;
import io.syncline.operators.decode.TableBinding;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.connect.source.SourceRecord;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * Decoding one Debezium update (both row images of an ~500-byte row) into a {@code ChangeEvent}:
 * the per-record work the CDC source's deserializer does.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class DecodeBenchmark {

    private SourceRecordDecoder decoder;
    private SourceRecord update;
    private Instant now;

    @Setup
    public void setUp() {
        decoder =
                new SourceRecordDecoder(
                        "bench",
                        List.of(
                                new TableBinding(
                                        "public",
                                        "orders",
                                        "order",
                                        List.of("id"),
                                        "tenant_id",
                                        null)),
                        Set.of("acme", "globex", "initech", "umbrella", "hooli"),
                        1L,
                        Instant.EPOCH);
        update = WorkloadRecords.update(1234, 987_654_321L);
        now = Instant.ofEpochMilli(1_790_000_001_010L);
        if (!(decoder.decode(update, now) instanceof DecodeOutcome.Decoded)) {
            throw new IllegalStateException("the sample update does not decode");
        }
    }

    @Benchmark
    public DecodeOutcome decodeUpdate() {
        return decoder.decode(update, now);
    }
}
