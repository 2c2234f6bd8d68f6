package io.syncline.benchmarks.jmh;

import io.syncline.benchmarks.SampleChanges;
import io.syncline.operators.key.EntityKeys;
import io.syncline.operators.sink.AvroKafkaSerializer;
import io.syncline.schema.ChangeEvent;
import java.io.IOException;
import java.util.concurrent.TimeUnit;
import org.apache.flink.api.common.serialization.SerializerConfigImpl;
import org.apache.flink.api.common.typeutils.TypeSerializer;
import org.apache.flink.core.memory.DataInputDeserializer;
import org.apache.flink.core.memory.DataOutputSerializer;
import org.apache.flink.formats.avro.typeutils.AvroTypeInfo;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * What one {@code ChangeEvent} (an update with both images) costs in flight: the Kafka record the
 * change-topic sink writes, Flink's Avro serializer used across the keyBy, the deep copy Flink
 * makes between chained operators when object reuse is off, and the entity key.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class SerializationBenchmark {

    private ChangeEvent change;
    private AvroKafkaSerializer<ChangeEvent> kafka;
    private TypeSerializer<ChangeEvent> flink;
    private DataOutputSerializer output;
    private byte[] serialized;
    private DataInputDeserializer input;

    @Setup
    public void setUp() throws IOException {
        change = SampleChanges.customer(4711);
        kafka = AvroKafkaSerializer.changes("bench.changes");
        flink = new AvroTypeInfo<>(ChangeEvent.class).createSerializer(new SerializerConfigImpl());
        output = new DataOutputSerializer(4096);
        flink.serialize(change, output);
        serialized = output.getCopyOfBuffer();
        input = new DataInputDeserializer();
    }

    @Benchmark
    public ProducerRecord<byte[], byte[]> kafkaRecord() {
        return kafka.serialize(change, null, null);
    }

    @Benchmark
    public int flinkSerialize() throws IOException {
        output.clear();
        flink.serialize(change, output);
        return output.length();
    }

    @Benchmark
    public ChangeEvent flinkDeserialize() throws IOException {
        input.setBuffer(serialized);
        return flink.deserialize(input);
    }

    @Benchmark
    public ChangeEvent flinkCopy() {
        return flink.copy(change);
    }

    @Benchmark
    public String entityKey() {
        return EntityKeys.of(change);
    }
}
