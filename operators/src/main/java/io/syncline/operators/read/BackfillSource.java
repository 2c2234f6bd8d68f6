package io.syncline.operators.read;

import io.syncline.operators.decode.CdcChangeDeserializer;
import io.syncline.schema.ChangeEvent;
import io.syncline.schema.ErrorRecord;
import java.time.Clock;
import java.util.Objects;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.connector.source.Boundedness;
import org.apache.flink.api.connector.source.Source;
import org.apache.flink.api.connector.source.SourceReader;
import org.apache.flink.api.connector.source.SourceReaderContext;
import org.apache.flink.api.connector.source.SplitEnumerator;
import org.apache.flink.api.connector.source.SplitEnumeratorContext;
import org.apache.flink.api.java.typeutils.ResultTypeQueryable;
import org.apache.flink.core.io.SimpleVersionedSerializer;
import org.apache.flink.types.Either;

/**
 * The bounded source of a backfill: the enumerator cuts each table's chosen rows into primary-key
 * ranges ({@link KeyRanges}), each reader reads the ranges it is given a chunk at a time with a
 * {@link TableReader} over one connection per database, and emits the rows as re-read changes, or
 * errors, the same type the CDC sources give the decode stage.
 *
 * <p>Metrics of each reader: {@value BackfillReader#ROWS_READ} (rows and errors emitted), {@value
 * BackfillReader#ROW_ERRORS} (rows that became errors), {@value BackfillReader#ROWS_TOTAL} (rows of
 * the whole run when it was planned).
 */
public final class BackfillSource
        implements Source<Either<ErrorRecord, ChangeEvent>, TableSplit, BackfillPlan>,
                ResultTypeQueryable<Either<ErrorRecord, ChangeEvent>> {

    private final BackfillRun run;
    private final Clock clock;

    /**
     * @param clock the rows' capture time
     */
    public BackfillSource(BackfillRun run, Clock clock) {
        this.run = Objects.requireNonNull(run, "run");
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    public BackfillRun run() {
        return run;
    }

    @Override
    public Boundedness getBoundedness() {
        return Boundedness.BOUNDED;
    }

    @Override
    public SplitEnumerator<TableSplit, BackfillPlan> createEnumerator(
            SplitEnumeratorContext<TableSplit> context) {
        return new BackfillEnumerator(run, context, BackfillPlan.UNPLANNED);
    }

    @Override
    public SplitEnumerator<TableSplit, BackfillPlan> restoreEnumerator(
            SplitEnumeratorContext<TableSplit> context, BackfillPlan plan) {
        return new BackfillEnumerator(run, context, plan);
    }

    @Override
    public SimpleVersionedSerializer<TableSplit> getSplitSerializer() {
        return TableSplitSerializer.INSTANCE;
    }

    @Override
    public SimpleVersionedSerializer<BackfillPlan> getEnumeratorCheckpointSerializer() {
        return new BackfillPlan.Serializer();
    }

    @Override
    public SourceReader<Either<ErrorRecord, ChangeEvent>, TableSplit> createReader(
            SourceReaderContext context) {
        return new BackfillReader(run, clock, context);
    }

    @Override
    public TypeInformation<Either<ErrorRecord, ChangeEvent>> getProducedType() {
        return CdcChangeDeserializer.decodedType();
    }
}
