package io.syncline.jobs.wiring;

import io.syncline.jobs.OperatorUids;
import io.syncline.jobs.config.KafkaSinkSettings;
import io.syncline.jobs.config.SourceConfig;
import io.syncline.jobs.config.SynclineConfig;
import io.syncline.jobs.config.TableMapping;
import io.syncline.jobs.config.TargetSettings;
import io.syncline.operators.errors.ErrorOutputs;
import io.syncline.operators.errors.ErrorsTable;
import io.syncline.operators.jdbc.PostgresConnections;
import io.syncline.operators.replay.EventStoreDeserializer;
import io.syncline.operators.replay.ReplayFilter;
import io.syncline.operators.replay.ReplaySelection;
import io.syncline.operators.sink.EventStorePartitions;
import io.syncline.operators.sink.TargetTable;
import io.syncline.schema.ChangeEvent;
import io.syncline.schema.ErrorRecord;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.regex.Pattern;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.connector.kafka.source.KafkaSource;
import org.apache.flink.connector.kafka.source.enumerator.initializer.OffsetsInitializer;
import org.apache.flink.formats.avro.typeutils.AvroTypeInfo;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.types.Either;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndTimestamp;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * Builds {@code syncline replay}: a bounded job that reads the event topic (the changes the sync
 * job delivered, stamped with their source commit time) and writes those of one entity type within
 * a time window into a target table through the sync job's version-guarded upsert, so the table
 * ends as the entity type's target was at the window's end.
 *
 * <p>Each partition is read from the first record stamped at or after the window's start ({@code
 * offsetsForTimes}) to its end when the replay starts. Not to the first record after the window's
 * end: records are appended in delivery order, and a change delivered late (a replayed error, a
 * change held back behind a parked conflict) sits after records stamped later than it. Each event
 * is checked against the window by its own commit time.
 */
public final class EventStoreReplays {

    private static final Pattern TABLE_NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_$]*");

    private EventStoreReplays() {}

    /**
     * A replay ready to run.
     *
     * @param selection the events it applies
     * @param target the table it writes, created if it was missing
     * @param created whether the table was created for the replay
     * @param start per partition read, the first offset to read
     * @param stop per partition read, the offset it stops before
     * @param parallelism readers and writers
     */
    public record Plan(
            SynclineConfig config,
            ReplaySelection selection,
            TargetTable target,
            boolean created,
            Map<TopicPartition, Long> start,
            Map<TopicPartition, Long> stop,
            int parallelism) {

        public Plan {
            start = Map.copyOf(start);
            stop = Map.copyOf(stop);
        }

        /** How many records of the event topic the replay reads. */
        public long records() {
            return start.entrySet().stream()
                    .mapToLong(e -> stop.get(e.getKey()) - e.getValue())
                    .sum();
        }

        /** The event topic. */
        public String topic() {
            return config.sinks().kafka().eventTopic();
        }
    }

    /**
     * Checks the request, creates the target table when it is missing (with the columns of the
     * entity type's configured target table) and finds where each partition's events of the window
     * begin and end.
     *
     * @param targetName the table to write, in {@code sinks.target.schema}
     * @param parallelism at most this many readers, or {@code null} for {@code job.parallelism}
     * @throws IllegalArgumentException for an unknown entity type or tenant, or a bad table name
     * @throws IllegalStateException when the event topic or the entity type's table is missing, or
     *     Kafka or the target database cannot be reached
     */
    public static Plan plan(
            SynclineConfig config,
            ReplaySelection selection,
            String targetName,
            Integer parallelism) {
        check(config, selection, targetName);
        requireTopic(config.sinks().kafka());
        TargetSettings target = config.sinks().target();
        TableMapping mapping = mappingOf(config, selection.entityType());
        Optional<TargetTable> existing = existingTarget(target, targetName, mapping);
        TargetTable table =
                existing.orElseGet(
                        () -> {
                            TargetTable model = modelOf(config, selection.entityType());
                            return new TargetTable(
                                    target.schema(),
                                    targetName,
                                    model.columns(),
                                    model.primaryKey());
                        });
        if (existing.isEmpty()) {
            SyncJobFactory.prepareTable(target, table.qualifiedName(), List.of(table.createSql()));
        }
        ErrorsTable errors = SyncJobFactory.errorsTableOf(config);
        SyncJobFactory.prepareTable(target, errors.qualifiedName(), errors.createSql());
        Map<TopicPartition, Long> start = new LinkedHashMap<>();
        Map<TopicPartition, Long> stop = new LinkedHashMap<>();
        offsets(config.sinks().kafka(), selection, start, stop);
        int readers =
                Math.max(
                        1,
                        Math.min(
                                parallelism != null ? parallelism : config.job().parallelism(),
                                start.size()));
        return new Plan(config, selection, table, existing.isEmpty(), start, stop, readers);
    }

    /** The Flink configuration of {@code plan}'s job: BATCH mode, as a backfill's. */
    public static Configuration configuration(Plan plan) {
        return JobEnvironments.batch(
                plan.config(),
                plan.config().job().name() + " replay into " + plan.target().table(),
                plan.parallelism());
    }

    /**
     * Adds the replay to {@code env}: the event topic's partitions from the plan's start to its
     * stop offsets, read committed; the window's events of the entity type and tenant into the
     * target table; unreadable records into the errors table.
     */
    public static void build(StreamExecutionEnvironment env, Plan plan) {
        KafkaSinkSettings kafka = plan.config().sinks().kafka();
        TargetSettings target = plan.config().sinks().target();
        KafkaSource<Either<ErrorRecord, ChangeEvent>> source =
                KafkaSource.<Either<ErrorRecord, ChangeEvent>>builder()
                        .setBootstrapServers(kafka.bootstrapServers())
                        .setPartitions(Set.copyOf(plan.start().keySet()))
                        .setStartingOffsets(OffsetsInitializer.offsets(plan.start()))
                        .setBounded(OffsetsInitializer.offsets(plan.stop()))
                        .setDeserializer(new EventStoreDeserializer())
                        .setProperties(ControlSources.readCommitted(kafka))
                        .setGroupId(kafka.transactionalIdPrefix() + "-replay")
                        // The plan's offsets say where to read; the group remembers nothing.
                        .setProperty("commit.offsets.on.checkpoint", "false")
                        .build();
        ErrorsTable errors = SyncJobFactory.errorsTableOf(plan.config());
        SingleOutputStreamOperator<ChangeEvent> applied =
                env.fromSource(source, WatermarkStrategy.noWatermarks(), "event store")
                        .uid(OperatorUids.replaySource())
                        .setParallelism(plan.parallelism())
                        .process(
                                new ReplayFilter(plan.selection()),
                                new AvroTypeInfo<>(ChangeEvent.class))
                        .uid(OperatorUids.replayFilter())
                        .name("replay: " + describe(plan.selection()))
                        .setParallelism(plan.parallelism());
        applied.sinkTo(
                        Sinks.targetTable(
                                target,
                                plan.target(),
                                errors,
                                SyncJobFactory.protectionOf(plan.config()).errorSealer()))
                .uid(OperatorUids.replayTargetSink())
                .name("target table: " + plan.target().qualifiedName())
                .setParallelism(plan.parallelism());
        applied.getSideOutput(ErrorOutputs.ERRORS)
                .sinkTo(Sinks.errorsTable(target, errors))
                .uid(OperatorUids.replayErrorsSink())
                .name("errors table")
                .setParallelism(plan.parallelism());
    }

    /** "customer of acme, 2026-11-26T07:00:00Z to 2026-11-26T08:00:00Z" */
    public static String describe(ReplaySelection selection) {
        return selection.entityType()
                + " of "
                + (selection.tenant() == null ? "every tenant" : selection.tenant())
                + ", "
                + (selection.asOf() ? "as of " : selection.from() + " to ")
                + selection.to();
    }

    /** How many rows a table holds, and how many of them are tombstones of deleted entities. */
    public record RowCount(long rows, long tombstones) {}

    /** The rows of {@code table}. */
    public static RowCount rowsOf(TargetSettings target, TargetTable table) {
        try (Connection connection =
                        PostgresConnections.open(
                                target.url(), target.username(), target.password());
                Statement statement = connection.createStatement();
                ResultSet counts =
                        statement.executeQuery(
                                "SELECT count(*), count(*) FILTER (WHERE \""
                                        + TargetTable.DELETED_COLUMN
                                        + "\") FROM "
                                        + table.qualifiedName())) {
            counts.next();
            return new RowCount(counts.getLong(1), counts.getLong(2));
        } catch (SQLException e) {
            throw unreachable(target, "count the rows of " + table.qualifiedName(), e);
        }
    }

    private static void check(SynclineConfig config, ReplaySelection selection, String name) {
        Set<String> known = entityTypes(config);
        if (!known.contains(selection.entityType())) {
            throw new IllegalArgumentException(
                    "unknown entity type '"
                            + selection.entityType()
                            + "'; the configuration "
                            + config.file()
                            + " has: "
                            + String.join(", ", known));
        }
        if (selection.tenant() != null
                && !config.tenants().isEmpty()
                && !config.tenants().contains(selection.tenant())) {
            throw new IllegalArgumentException(
                    "tenant '"
                            + selection.tenant()
                            + "' is not in the configuration's tenants ("
                            + String.join(", ", config.tenants())
                            + "), so the event store holds none of its changes");
        }
        if (!TABLE_NAME.matcher(name).matches()) {
            throw new IllegalArgumentException(
                    "'"
                            + name
                            + "' is not a table name: write the name alone, e.g. customers_rebuilt"
                            + " (the schema is sinks.target.schema, "
                            + config.sinks().target().schema()
                            + ")");
        }
        for (TableMapping mapping : mappings(config)) {
            if (mapping.targetTable().equals(name)
                    && !mapping.entityType().equals(selection.entityType())) {
                throw new IllegalArgumentException(
                        "the table "
                                + name
                                + " is the target of entity type '"
                                + mapping.entityType()
                                + "', not of '"
                                + selection.entityType()
                                + "'; replay into "
                                + configuredTarget(config, selection.entityType())
                                + " or a new table");
            }
        }
    }

    /** The entity types the configuration's sources map tables to. */
    public static Set<String> entityTypes(SynclineConfig config) {
        Set<String> known = new LinkedHashSet<>();
        mappings(config).forEach(t -> known.add(t.entityType()));
        return known;
    }

    /** The tables of every source, Postgres and other types, in file order of each. */
    private static List<TableMapping> mappings(SynclineConfig config) {
        List<TableMapping> mappings = new ArrayList<>();
        config.sources().forEach(s -> mappings.addAll(s.tables()));
        config.changeSources().forEach(s -> mappings.addAll(s.tables()));
        return mappings;
    }

    private static String configuredTarget(SynclineConfig config, String entityType) {
        return mappingOf(config, entityType).targetTable();
    }

    private static TableMapping mappingOf(SynclineConfig config, String entityType) {
        return mappings(config).stream()
                .filter(t -> t.entityType().equals(entityType))
                .findFirst()
                .orElseThrow();
    }

    /**
     * The columns a new table of {@code entityType} gets: those of its configured target table in
     * the target database (encrypted fields are text there), else those the sync job would create
     * it with from its source table.
     */
    private static TargetTable modelOf(SynclineConfig config, String entityType) {
        TargetSettings target = config.sinks().target();
        TableMapping mapping = mappingOf(config, entityType);
        Optional<TargetTable> configured = existingTarget(target, mapping.targetTable(), mapping);
        if (configured.isPresent()) {
            return configured.get();
        }
        String missing =
                "cannot tell the columns of entity type '"
                        + entityType
                        + "': its target table "
                        + target.schema()
                        + "."
                        + mapping.targetTable()
                        + " does not exist";
        String fix =
                "; start the sync job once (it creates it), or create the table to replay into"
                        + " with the entity type's columns";
        for (SourceConfig source : config.sources()) {
            if (source.tables().contains(mapping)) {
                try {
                    for (DiscoveredTable table : TableDiscovery.discover(source)) {
                        if (table.mapping().equals(mapping)) {
                            return SyncJobFactory.targetTableOf(
                                    target, table, config.security().classification());
                        }
                    }
                } catch (IllegalStateException unreachable) {
                    throw new IllegalStateException(
                            missing + " and " + unreachable.getMessage() + fix, unreachable);
                }
            }
        }
        throw new IllegalStateException(missing + fix);
    }

    /**
     * The table {@code name} of the target database as a target table of {@code mapping}'s entity
     * type, without the version and tombstone columns; empty if it does not exist.
     */
    private static Optional<TargetTable> existingTarget(
            TargetSettings target, String name, TableMapping mapping) {
        try (Connection connection =
                PostgresConnections.open(target.url(), target.username(), target.password())) {
            return Optional.ofNullable(
                            TableDiscovery.read(connection, target.schema(), name, mapping))
                    .map(
                            table ->
                                    new TargetTable(
                                            target.schema(),
                                            name,
                                            table.columns(),
                                            table.primaryKey()));
        } catch (SQLException e) {
            throw unreachable(target, "look up the table " + target.schema() + "." + name, e);
        }
    }

    /**
     * Fills {@code start} and {@code stop} with the partitions that hold events of the window: only
     * the partition of the tenant's entity type when a tenant is chosen.
     */
    private static void offsets(
            KafkaSinkSettings kafka,
            ReplaySelection selection,
            Map<TopicPartition, Long> start,
            Map<TopicPartition, Long> stop) {
        String topic = kafka.eventTopic();
        Properties properties = ControlSources.readCommitted(kafka);
        properties.setProperty(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
        properties.setProperty(ConsumerConfig.CLIENT_ID_CONFIG, "syncline-replay-plan");
        try (KafkaConsumer<byte[], byte[]> consumer =
                new KafkaConsumer<>(
                        properties, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            List<PartitionInfo> infos = consumer.partitionsFor(topic, Topics.TIMEOUT);
            List<TopicPartition> partitions = new ArrayList<>();
            if (selection.tenant() != null) {
                partitions.add(
                        new TopicPartition(
                                topic,
                                EventStorePartitions.of(
                                        selection.tenant(), selection.entityType(), infos.size())));
            } else {
                infos.forEach(info -> partitions.add(new TopicPartition(topic, info.partition())));
            }
            Map<TopicPartition, Long> ends = consumer.endOffsets(partitions, Topics.TIMEOUT);
            Map<TopicPartition, Long> firsts;
            if (selection.asOf()) {
                firsts = consumer.beginningOffsets(partitions, Topics.TIMEOUT);
            } else {
                Map<TopicPartition, Long> times = new LinkedHashMap<>();
                partitions.forEach(p -> times.put(p, selection.from().toEpochMilli()));
                firsts = new LinkedHashMap<>();
                for (Map.Entry<TopicPartition, OffsetAndTimestamp> found :
                        consumer.offsetsForTimes(times, Topics.TIMEOUT).entrySet()) {
                    firsts.put(
                            found.getKey(),
                            found.getValue() == null
                                    ? ends.get(found.getKey())
                                    : found.getValue().offset());
                }
            }
            for (TopicPartition partition : partitions) {
                long first = firsts.get(partition);
                long end = ends.get(partition);
                if (first < end) {
                    start.put(partition, first);
                    stop.put(partition, end);
                }
            }
        } catch (org.apache.kafka.common.KafkaException e) {
            throw new IllegalStateException(
                    "cannot read the offsets of the event topic "
                            + topic
                            + " at "
                            + kafka.bootstrapServers()
                            + ": "
                            + e.getMessage()
                            + "; is the broker running, and are sinks.kafka.bootstrapServers and"
                            + " sinks.kafka.properties right?",
                    e);
        }
    }

    private static void requireTopic(KafkaSinkSettings kafka) {
        try (Admin admin = Admin.create(Topics.adminProperties(kafka, "syncline-replay"))) {
            Set<String> topics =
                    admin.listTopics()
                            .names()
                            .get(Topics.TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            if (!topics.contains(kafka.eventTopic())) {
                throw new IllegalStateException(
                        "the event topic "
                                + kafka.eventTopic()
                                + " does not exist at "
                                + kafka.bootstrapServers()
                                + ", so there is nothing to replay from; the sync job creates and"
                                + " fills it while eventStore.enabled is true (the default), and"
                                + " sinks.kafka.eventTopic names it");
            }
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException(
                    "cannot list the topics at "
                            + kafka.bootstrapServers()
                            + ": "
                            + (e.getCause() != null ? e.getCause().getMessage() : e.getMessage())
                            + "; is the broker running, and are sinks.kafka.bootstrapServers and"
                            + " sinks.kafka.properties right?",
                    e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while listing the topics", e);
        }
    }

    private static IllegalStateException unreachable(
            TargetSettings target, String what, SQLException e) {
        return new IllegalStateException(
                "cannot " + what + " at " + target.url() + ": " + e.getMessage(), e);
    }
}
