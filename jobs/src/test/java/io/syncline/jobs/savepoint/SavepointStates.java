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
import org.apache.flink.api.common.state.MapState;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.typeinfo.PrimitiveArrayTypeInfo;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.api.java.tuple.Tuple2;
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
        Map<String, EntityVersion> versions = new TreeMap<>();
        for (Tuple2<String, EntityVersion> entry :
                collect(
                        savepoint.readKeyedState(
                                OperatorIdentifier.forUid(OperatorUids.resolve()),
                                new EntityVersions()))) {
            versions.put(entry.f0, entry.f1);
        }
        return versions;
    }

    /** The event ids resolve remembers, by entity key, read with a time to live of {@code ttl}. */
    Map<String, Set<String>> seenEventIds(Duration ttl) throws Exception {
        return grouped(
                savepoint.readKeyedState(
                        OperatorIdentifier.forUid(OperatorUids.resolve()), new SeenEventIds(ttl)));
    }

    /** Resolve's parked conflicts, by entity key. */
    Map<String, ConflictRecord> openConflicts() throws Exception {
        Map<String, ConflictRecord> conflicts = new TreeMap<>();
        for (Tuple2<String, ConflictRecord> entry :
                collect(
                        savepoint.readKeyedState(
                                OperatorIdentifier.forUid(OperatorUids.resolve()),
                                new OpenConflicts()))) {
            conflicts.put(entry.f0, entry.f1);
        }
        return conflicts;
    }

    /** The entities validation knows to exist (for referential integrity), by tenant. */
    Map<String, Set<String>> existingEntities() throws Exception {
        return grouped(
                savepoint.readKeyedState(
                        OperatorIdentifier.forUid(OperatorUids.validate()),
                        new ExistingEntities()));
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

    /** What the alert stage remembers, by condition id. */
    Map<String, AlertState> alertConditions() throws Exception {
        Map<String, AlertState> conditions = new TreeMap<>();
        for (Tuple2<String, AlertState> entry :
                collect(
                        savepoint.readKeyedState(
                                OperatorIdentifier.forUid(OperatorUids.alerts()),
                                new AlertConditions()))) {
            conditions.put(entry.f0, entry.f1);
        }
        return conditions;
    }

    /** The keyed state of the operator with {@code uid} that {@code reader} reads. */
    <K, T> List<T> keyed(String uid, KeyedStateReaderFunction<K, T> reader) throws Exception {
        return collect(savepoint.readKeyedState(OperatorIdentifier.forUid(uid), reader));
    }

    private static Map<String, Set<String>> grouped(DataStream<Tuple2<String, String>> pairs)
            throws Exception {
        Map<String, Set<String>> grouped = new TreeMap<>();
        for (Tuple2<String, String> pair : collect(pairs)) {
            grouped.computeIfAbsent(pair.f0, key -> new TreeSet<>()).add(pair.f1);
        }
        return grouped;
    }

    /** Reads resolve's entity-version state with the descriptor the stage registers. */
    private static final class EntityVersions
            extends KeyedStateReaderFunction<String, Tuple2<String, EntityVersion>> {
        private transient ValueState<EntityVersion> state;

        @Override
        public void open(Configuration parameters) {
            state = getRuntimeContext().getState(ResolveFunction.entityVersionState());
        }

        @Override
        public void readKey(
                String key, Context context, Collector<Tuple2<String, EntityVersion>> out)
                throws Exception {
            EntityVersion version = state.value();
            if (version != null) {
                out.collect(Tuple2.of(key, version));
            }
        }
    }

    private static final class SeenEventIds
            extends KeyedStateReaderFunction<String, Tuple2<String, String>> {
        private final Duration ttl;
        private transient MapState<String, Boolean> state;

        SeenEventIds(Duration ttl) {
            this.ttl = ttl;
        }

        @Override
        public void open(Configuration parameters) {
            state = getRuntimeContext().getMapState(ResolveFunction.seenEventIdsState(ttl));
        }

        @Override
        public void readKey(String key, Context context, Collector<Tuple2<String, String>> out)
                throws Exception {
            for (String eventId : state.keys()) {
                out.collect(Tuple2.of(key, eventId));
            }
        }
    }

    private static final class OpenConflicts
            extends KeyedStateReaderFunction<String, Tuple2<String, ConflictRecord>> {
        private transient ValueState<ConflictRecord> state;

        @Override
        public void open(Configuration parameters) {
            state = getRuntimeContext().getState(ResolveFunction.openConflictState());
        }

        @Override
        public void readKey(
                String key, Context context, Collector<Tuple2<String, ConflictRecord>> out)
                throws Exception {
            ConflictRecord conflict = state.value();
            if (conflict != null) {
                out.collect(Tuple2.of(key, conflict));
            }
        }
    }

    private static final class ExistingEntities
            extends KeyedStateReaderFunction<String, Tuple2<String, String>> {
        private transient MapState<String, Boolean> state;

        @Override
        public void open(Configuration parameters) {
            state = getRuntimeContext().getMapState(ValidateFunction.entitiesState());
        }

        @Override
        public void readKey(String tenant, Context context, Collector<Tuple2<String, String>> out)
                throws Exception {
            for (Map.Entry<String, Boolean> entity : state.entries()) {
                if (entity.getValue()) {
                    out.collect(Tuple2.of(tenant, entity.getKey()));
                }
            }
        }
    }

    private static final class AlertConditions
            extends KeyedStateReaderFunction<String, Tuple2<String, AlertState>> {
        private transient MapState<String, AlertState> state;

        @Override
        public void open(Configuration parameters) {
            state = getRuntimeContext().getMapState(AlertFunction.conditionsState());
        }

        @Override
        public void readKey(String key, Context context, Collector<Tuple2<String, AlertState>> out)
                throws Exception {
            for (Map.Entry<String, AlertState> condition : state.entries()) {
                out.collect(Tuple2.of(condition.getKey(), condition.getValue()));
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
