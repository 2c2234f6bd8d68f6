package io.syncline.operators.decode;

import io.syncline.schema.ChangeEvent;
import io.syncline.schema.ErrorRecord;
import org.apache.flink.types.Either;
import org.apache.flink.util.Collector;

/**
 * How a source hands on what its decoder made of a record: a change as right, a rejection as left
 * (which {@link DecodeRouter} sends to the error side output), and nothing for a skipped record.
 */
public final class DecodedRecords {

    private DecodedRecords() {}

    /** Emits {@code outcome} to {@code out}. */
    public static void collect(
            DecodeOutcome outcome, Collector<Either<ErrorRecord, ChangeEvent>> out) {
        if (outcome instanceof DecodeOutcome.Decoded decoded) {
            out.collect(Either.Right(decoded.event()));
        } else if (outcome instanceof DecodeOutcome.Rejected rejected) {
            out.collect(Either.Left(rejected.error()));
        }
    }
}
