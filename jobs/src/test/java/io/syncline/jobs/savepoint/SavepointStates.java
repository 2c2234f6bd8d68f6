package io.syncline.jobs.savepoint;

import io.syncline.jobs.OperatorUids;
import io.syncline.operators.alert.AlertFunction;
import io.syncline.operators.resolve.ResolveFunction;
import io.syncline.operators.validate.ValidateFunction;
import io.syncline.schema.AlertState;
import io.syncline.schema.ConflictRecord;
import io.syncline.schema.EntityVersion;
import io.syncline.schema.RuleSetDocument;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.apache.flink.api.common.state.MapState;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.PrimitiveArrayTypeInfo;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.api.java.tuple.Tuple2;
import org.apache.flink.api.java.tuple.Tuple3;
import org.apache.flink.cdc.connectors.base.source.meta.split.SourceSplitBase;
import org.apache.flink.cdc.connectors.postgres.source.offset.PostgresOffset;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.contrib.streaming.state.EmbeddedRocksDBStateBackend;
import org.apache.flink.core.io.SimpleVersionedSerialization;
import org.apache.flink.core.io.SimpleVersionedSerializer;
import org.apache.flink.formats.avro.typeutils.AvroTypeInfo;
import org.apache.flink.runtime.checkpoint.OperatorState;
import org.apache.flink.state.api.OperatorIdentifier;
import org.apache.flink.state.api.SavepointReader;
import org.apache.flink.state.api.functions.KeyedStateReaderFunction;
import org.apache.flink.state.api.runtime.SavepointLoader;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.util.CloseableIterator;
import org.apache.flink.util.Collector;

/**
 * Reads a savepoint's state with the State Processor API, as the job's operators hold it: each read
 * runs a small batch job on the environment it was given.
 */
final class SavepointStates {

    /** The state name under which Flink's {@code SourceOperator} keeps its reader's splits. */
    private static final String SOURCE_SPLITS = "SourceReaderState";

    /** Collects a map state's entries into each key's map keys. */
    private static final java.util.stream.Collector<
                    Tuple3<String, String, Boolean>, ?, Map<String, Set<String>>>
            MAP_KEYS_BY_KEY =
                    Collectors.groupingBy(
                            entry -> entry.f0,
                            TreeMap::new,
                            Collectors.mapping(
                                    entry -> entry.f1, Collectors.toCollection(TreeSet::new)));

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

    /** Resolve's version in force of every entity, by entity key. */
    Map<String, EntityVersion> entityVersions() throws Exception {
        return values(
                OperatorUids.resolve(),
                ResolveFunction.entityVersionState(),
                new AvroTypeInfo<>(EntityVersion.class));
    }

    /** Resolve's parked conflicts, by entity key. */
    Map<String, ConflictRecord> openConflicts() throws Exception {
        return values(
                OperatorUids.resolve(),
                ResolveFunction.openConflictState(),
                new AvroTypeInfo<>(ConflictRecord.class));
    }

    /** The event ids resolve remembers, by entity key, read with a time to live of {@code ttl}. */
    Map<String, Set<String>> seenEventIds(Duration ttl) throws Exception {
        return entries(
                        OperatorUids.resolve(),
                        ResolveFunction.seenEventIdsState(ttl),
                        Types.BOOLEAN)
                .stream()
                .collect(MAP_KEYS_BY_KEY);
    }

    /** The entities validation knows to exist (for referential integrity), by tenant. */
    Map<String, Set<String>> existingEntities() throws Exception {
        return entries(OperatorUids.validate(), ValidateFunction.entitiesState(), Types.BOOLEAN)
                .stream()
                .filter(entry -> entry.f2)
                .collect(MAP_KEYS_BY_KEY);
    }

    /** What the alert stage remembers, by condition id (its keys are tenant and entity type). */
    Map<String, AlertState> alertConditions() throws Exception {
        return entries(
                        OperatorUids.alerts(),
                        AlertFunction.conditionsState(),
                        new AvroTypeInfo<>(AlertState.class))
                .stream()
                .collect(
                        Collectors.toMap(
                                entry -> entry.f1, entry -> entry.f2, (a, b) -> a, TreeMap::new));
    }

    /** The rule set in force in validation's broadcast state, on every subtask. */
    List<RuleSetDocument> ruleSetsInForce() throws Exception {
        return collect(
                        savepoint.readBroadcastState(
                                OperatorIdentifier.forUid(OperatorUids.validate()),
                                ValidateFunction.RULE_SETS.getName(),
                                Types.STRING,
                                new AvroTypeInfo<>(RuleSetDocument.class)))
                .stream()
                .filter(entry -> entry.f0.equals(ValidateFunction.ruleSetKey()))
                .map(entry -> entry.f1)
                .toList();
    }

    /**
     * The value state {@code descriptor} of the operator with {@code uid}, by key (a string), for
     * the keys that have one.
     */
    <T> Map<String, T> values(
            String uid, ValueStateDescriptor<T> descriptor, TypeInformation<T> type)
            throws Exception {
        Map<String, T> values = new TreeMap<>();
        for (Tuple2<String, T> entry :
                collect(
                        savepoint.readKeyedState(
                                OperatorIdentifier.forUid(uid),
                                new ValueReader<>(descriptor),
                                Types.STRING,
                                Types.TUPLE(Types.STRING, type)))) {
            values.put(entry.f0, entry.f1);
        }
        return values;
    }

    /** The entries of map state {@code descriptor}: key, map key, value. */
    private <V> List<Tuple3<String, String, V>> entries(
            String uid, MapStateDescriptor<String, V> descriptor, TypeInformation<V> type)
            throws Exception {
        return collect(
                savepoint.readKeyedState(
                        OperatorIdentifier.forUid(uid),
                        new MapReader<>(descriptor),
                        Types.STRING,
                        Types.TUPLE(Types.STRING, Types.STRING, type)));
    }

    /** Reads one value state with the descriptor the operator registers. */
    private static final class ValueReader<T>
            extends KeyedStateReaderFunction<String, Tuple2<String, T>> {
        private final ValueStateDescriptor<T> descriptor;
        private transient ValueState<T> state;

        ValueReader(ValueStateDescriptor<T> descriptor) {
            this.descriptor = descriptor;
        }

        @Override
        public void open(Configuration parameters) {
            state = getRuntimeContext().getState(descriptor);
        }

        @Override
        public void readKey(String key, Context context, Collector<Tuple2<String, T>> out)
                throws Exception {
            T value = state.value();
            if (value != null) {
                out.collect(Tuple2.of(key, value));
            }
        }
    }

    /** Reads one map state with the descriptor the operator registers. */
    private static final class MapReader<V>
            extends KeyedStateReaderFunction<String, Tuple3<String, String, V>> {
        private final MapStateDescriptor<String, V> descriptor;
        private transient MapState<String, V> state;

        MapReader(MapStateDescriptor<String, V> descriptor) {
            this.descriptor = descriptor;
        }

        @Override
        public void open(Configuration parameters) {
            state = getRuntimeContext().getMapState(descriptor);
        }

        @Override
        public void readKey(String key, Context context, Collector<Tuple3<String, String, V>> out)
                throws Exception {
            for (Map.Entry<String, V> entry : state.entries()) {
                out.collect(Tuple3.of(key, entry.getKey(), entry.getValue()));
            }
        }
    }

    private static <T> List<T> collect(DataStream<T> stream) throws Exception {
        List<T> all = new ArrayList<>();
        try (CloseableIterator<T> values = stream.executeAndCollect()) {
            values.forEachRemaining(all::add);
        }
        return all;
    }
}
