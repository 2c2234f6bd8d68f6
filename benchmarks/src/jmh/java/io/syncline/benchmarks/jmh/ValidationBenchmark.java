package io.syncline.benchmarks.jmh;

import io.syncline.benchmarks.WorkloadSchema;
import io.syncline.operators.decode.DecodeOutcome;
import io.syncline.operators.decode.SourceRecordDecoder;
import io.syncline.operators.decode.TableBinding;
import io.syncline.operators.validate.ChangeValidator;
import io.syncline.operators.validate.RuleSetParser;
import io.syncline.operators.validate.schema.FieldValueJson;
import io.syncline.schema.ChangeEvent;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * Validating one workload update against the benchmark's rule set (JSON Schema and three rules):
 * the per-record work of the validate stage, apart from its state and its exchange. {@code
 * imageToJson} is the part spent turning the row into the JSON tree the schema library reads.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class ValidationBenchmark {

    private ChangeValidator validator;
    private ChangeEvent change;

    @Setup
    public void setUp() {
        validator =
                new ChangeValidator(
                        RuleSetParser.parse(
                                RuleSetParser.document(WorkloadSchema.rules(), name -> null)));
        SourceRecordDecoder decoder =
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
                        Set.copyOf(WorkloadSchema.TENANTS),
                        1L,
                        Instant.EPOCH);
        DecodeOutcome outcome =
                decoder.decode(
                        WorkloadRecords.update(1234, 987_654_321L),
                        Instant.ofEpochMilli(1_790_000_001_010L));
        change = ((DecodeOutcome.Decoded) outcome).event();
        if (!validator.validate(change).isAccepted()) {
            throw new IllegalStateException(
                    "the sample update is invalid: " + validator.validate(change).violations());
        }
    }

    @Benchmark
    public ChangeValidator.Verdict validateUpdate() {
        return validator.validate(change);
    }

    @Benchmark
    public Object imageToJson() {
        return FieldValueJson.toObjectNode(change.getAfter());
    }
}
