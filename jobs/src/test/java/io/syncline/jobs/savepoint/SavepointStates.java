package io.syncline.jobs.savepoint;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.api.common.typeinfo.PrimitiveArrayTypeInfo;
import org.apache.flink.cdc.connectors.base.source.meta.split.SourceSplitBase;
import org.apache.flink.cdc.connectors.postgres.source.offset.PostgresOffset;
import org.apache.flink.contrib.streaming.state.EmbeddedRocksDBStateBackend;
import org.apache.flink.core.io.SimpleVersionedSerialization;
import org.apache.flink.core.io.SimpleVersionedSerializer;
import org.apache.flink.runtime.checkpoint.OperatorState;
import org.apache.flink.state.api.OperatorIdentifier;
import org.apache.flink.state.api.SavepointReader;
import org.apache.flink.state.api.runtime.SavepointLoader;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.util.CloseableIterator;

/**
 * Reads a savepoint's state with the State Processor API, as the job's operators hold it: each read
 * runs a small batch job on the environment it was given.
 */
final class SavepointStates {

    /** The state name under which Flink's {@code SourceOperator} keeps its reader's splits. */
    private static final String SOURCE_SPLITS = "SourceReaderState";

    private final String path;
    private final SavepointReader savepoint;

    SavepointStates(StreamExecutionEnvironment env, String path) throws IOException {
        this.path = path;
        this.savepoint = SavepointReader.read(env, path, new EmbeddedRocksDBStateBackend());
    }

    /** The max parallelism (number of key groups) of every operator in the savepoint. */
    List<Integer> maxParallelisms() throws IOException {
        return SavepointLoader.loadSavepointMetadata(path).getOperatorStates().stream()
                .map(OperatorState::getMaxParallelism)
                .toList();
    }

    /**
     * The LSNs the Flink CDC PostgreSQL source with {@code uid} resumes streaming from: one per
     * stream split (a source has one once its snapshot is done).
     */
    List<Long> streamOffsets(String uid, SimpleVersionedSerializer<SourceSplitBase> splits)
            throws Exception {
        List<Long> lsns = new ArrayList<>();
        for (byte[] bytes :
                collect(
                        savepoint.readListState(
                                OperatorIdentifier.forUid(uid),
                                SOURCE_SPLITS,
                                PrimitiveArrayTypeInfo.BYTE_PRIMITIVE_ARRAY_TYPE_INFO))) {
            SourceSplitBase split =
                    SimpleVersionedSerialization.readVersionAndDeSerialize(splits, bytes);
            if (split.isStreamSplit()) {
                PostgresOffset offset = (PostgresOffset) split.asStreamSplit().getStartingOffset();
                lsns.add(offset.getLsn().asLong());
            }
        }
        return lsns;
    }

    private static <T> List<T> collect(DataStream<T> stream) throws Exception {
        List<T> all = new ArrayList<>();
        try (CloseableIterator<T> values = stream.executeAndCollect()) {
            values.forEachRemaining(all::add);
        }
        return all;
    }
}
