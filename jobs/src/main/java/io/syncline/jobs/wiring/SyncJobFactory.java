package io.syncline.jobs.wiring;

import io.syncline.jobs.SyncJob;
import io.syncline.jobs.config.ConsistencySettings;
import io.syncline.jobs.config.KafkaSinkSettings;
import io.syncline.jobs.config.ObservabilitySettings;
import io.syncline.jobs.config.SourceConfig;
import io.syncline.jobs.config.SynclineConfig;
import io.syncline.jobs.config.TargetSettings;
import io.syncline.jobs.config.ValidationSettings;
import io.syncline.jobs.control.ControlTopicPublisher;
import io.syncline.operators.alert.AlertsTable;
import io.syncline.operators.alert.notify.NotifierSink;
import io.syncline.operators.decode.TableBinding;
import io.syncline.operators.errors.ErrorsTable;
import io.syncline.operators.errors.Escalation;
import io.syncline.operators.jdbc.JdbcEndpoint;
import io.syncline.operators.jdbc.PostgresConnections;
import io.syncline.operators.observe.HeartbeatWriter;
import io.syncline.operators.observe.ReplicationSlotProbe;
import io.syncline.operators.quality.QualityMetricsTable;
import io.syncline.operators.quality.readback.ReadBackSettings;
import io.syncline.operators.read.SourceTable;
import io.syncline.operators.resolve.ConflictsTable;
import io.syncline.operators.resolve.EntityResolver;
import io.syncline.operators.resolve.SourcePrecedence;
import io.syncline.operators.resync.ResyncSources;
import io.syncline.operators.resync.ResyncStatusTable;
import io.syncline.operators.sink.TargetTable;
import io.syncline.schema.ChangeEvent;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.connector.base.DeliveryGuarantee;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;

/**
 * Turns a validated configuration into a {@link SyncJob}: discovers the source tables, creates
 * missing target tables and topics, and builds the sources and sinks.
 */
public final class SyncJobFactory {

    private SyncJobFactory() {}

    /** Prepares the targets and builds the job, delivering exactly once. */
    public static SyncJob create(SynclineConfig config) {
        return create(config, DeliveryGuarantee.EXACTLY_ONCE);
    }

    /** Prepares the targets and builds the job with the Kafka sinks' {@code guarantee}. */
    public static SyncJob create(SynclineConfig config, DeliveryGuarantee guarantee) {
        Set<String> tenants = Set.copyOf(config.tenants());
        TargetSettings target = config.sinks().target();
        List<SyncJob.ChangeSource> sources = new ArrayList<>();
        Map<String, Sink<ChangeEvent>> targetSinks = new LinkedHashMap<>();
        Map<String, Map<String, Sink<ChangeEvent>>> writeBack = new LinkedHashMap<>();
        Map<String, Integer> priorities = new LinkedHashMap<>();
        Map<String, TargetTable> targetTables = new LinkedHashMap<>();
        Map<String, List<SourceTable>> rereadTables = new LinkedHashMap<>();
        Map<String, JdbcEndpoint> sourceDatabases = new LinkedHashMap<>();
        ErrorsTable errorsTable = errorsTableOf(config);
        for (SourceConfig source : config.sources()) {
            List<DiscoveredTable> tables = TableDiscovery.discover(source);
            Publications.ensure(source, config.observability().heartbeat());
            priorities.put(source.id(), source.priority());
            if (source.writeBack()) {
                // Before the source starts, so its stream carries the origin marker from the start.
                WriteBackPeers.prepare(source, tables);
                Map<String, Sink<ChangeEvent>> peerSinks = new LinkedHashMap<>();
                for (DiscoveredTable table : tables) {
                    peerSinks.put(
                            table.mapping().entityType(),
                            PeerSinks.peerTable(
                                    source,
                                    WriteBackPeers.peerTableOf(table),
                                    target,
                                    errorsTable));
                }
                writeBack.put(source.id(), peerSinks);
            }
            sources.add(
                    new SyncJob.ChangeSource(
                            source.id(),
                            PostgresCdcSources.create(
                                    source,
                                    tables,
                                    tenants,
                                    TableDiscovery.currentWalPosition(source),
                                    config.observability().heartbeat())));
            sourceDatabases.put(source.id(), sourceDatabaseOf(source));
            sourceTablesOf(source, tables)
                    .forEach(
                            table ->
                                    rereadTables
                                            .computeIfAbsent(
                                                    table.entityType(), t -> new ArrayList<>())
                                            .add(table));
            for (DiscoveredTable table : tables) {
                TargetTable targetTable = targetTableOf(target, table);
                prepareTargetTable(target, targetTable);
                targetTables.put(table.mapping().entityType(), targetTable);
                targetSinks.put(
                        table.mapping().entityType(),
                        Sinks.targetTable(target, targetTable, errorsTable));
            }
        }
        KafkaSinkSettings kafka = config.sinks().kafka();
        createMissingTopics(kafka, config.job().parallelism());
        ControlTopicPublisher.ensureTopic(kafka);
        prepareTable(target, errorsTable.qualifiedName(), errorsTable.createSql());
        ConflictsTable conflictsTable = conflictsTableOf(config);
        prepareTable(target, conflictsTable.qualifiedName(), conflictsTable.createSql());
        ResyncStatusTable resyncs = resyncStatusTableOf(config);
        prepareTable(target, resyncs.qualifiedName(), List.of(resyncs.createSql()));
        ValidationSettings validation = config.validation();
        ConsistencySettings consistency = config.consistency();
        return new SyncJob(
                        sources,
                        new SyncJob.Validation(
                                ControlSources.control(kafka, config.security().control()),
                                validation.rules(),
                                validation.maxParentWait(),
                                validation.maxWaitingChildren()),
                        new SyncJob.Consistency(
                                new EntityResolver(
                                        consistency.entities(), new SourcePrecedence(priorities)),
                                consistency.dedupTtl(),
                                consistency.maxOutOfOrder(),
                                consistency.maxPendingPerEntity(),
                                consistency.maxParkedPerEntity(),
                                Sinks.conflictTopic(kafka, guarantee),
                                Sinks.conflictsTable(target, conflictsTable, errorsTable),
                                writeBack),
                        Sinks.changeTopic(kafka, guarantee),
                        targetSinks,
                        Sinks.errorTopic(kafka, guarantee),
                        Sinks.errorsTable(target, errorsTable),
                        observability(config, targetTables, errorsTable, guarantee))
                .withResync(
                        new ResyncSources(
                                rereadTables,
                                sourceDatabases,
                                // Re-syncs read like backfills: as many rows per query.
                                config.backfill().chunkSize(),
                                new JdbcEndpoint(
                                        target.url(),
                                        target.username(),
                                        target.password(),
                                        "syncline resync status"),
                                resyncs));
    }

    /** The table where the job records the re-sync requests it serves. */
    public static ResyncStatusTable resyncStatusTableOf(SynclineConfig config) {
        return new ResyncStatusTable(
                config.sinks().target().schema(), ResyncStatusTable.DEFAULT_NAME);
    }

    /** {@code source}'s tables as backfills and re-syncs read them. */
    public static List<SourceTable> sourceTablesOf(
            SourceConfig source, List<DiscoveredTable> tables) {
        List<TableBinding> bindings = PostgresCdcSources.bindings(tables);
        List<SourceTable> sourceTables = new ArrayList<>();
        for (int i = 0; i < tables.size(); i++) {
            sourceTables.add(
                    new SourceTable(source.id(), bindings.get(i), tables.get(i).columns()));
        }
        return sourceTables;
    }

    /** The database of {@code source}, as backfills and re-syncs read it. */
    public static JdbcEndpoint sourceDatabaseOf(SourceConfig source) {
        return new JdbcEndpoint(
                source.jdbcUrl(),
                source.username(),
                source.password(),
                "syncline read " + source.id());
    }

    /** The quality, lag and alert stages of {@code config}; null if it turns them off. */
    private static SyncJob.Observability observability(
            SynclineConfig config,
            Map<String, TargetTable> targetTables,
            ErrorsTable errorsTable,
            DeliveryGuarantee guarantee) {
        ObservabilitySettings settings = config.observability();
        if (!settings.enabled()) {
            return null;
        }
        TargetSettings target = config.sinks().target();
        KafkaSinkSettings kafka = config.sinks().kafka();
        QualityMetricsTable qualityTable = qualityMetricsTableOf(config);
        prepareTable(target, qualityTable.qualifiedName(), qualityTable.createSql());
        AlertsTable alertsTable = alertsTableOf(config);
        prepareTable(target, alertsTable.qualifiedName(), alertsTable.createSql());
        SyncJob.ReadBack readBack =
                settings.readBackSampleRate() == 0
                        ? null
                        : new SyncJob.ReadBack(
                                new ReadBackSettings(
                                        target.url(),
                                        target.username(),
                                        target.password(),
                                        settings.readBackSampleRate(),
                                        settings.readBackDelay(),
                                        READ_BACK_MAX_PENDING),
                                targetTables);
        return new SyncJob.Observability(
                settings.window(),
                settings.maxDelay(),
                settings.allowedLateness(),
                settings.latencyTargets(),
                settings.heartbeat().enabled() ? settings.heartbeat().interval() : Duration.ZERO,
                settings.heartbeat().enabled()
                        ? new HeartbeatWriter(
                                config.sources().stream()
                                        .map(
                                                source ->
                                                        new HeartbeatWriter.Target(
                                                                source.id(),
                                                                source.jdbcUrl(),
                                                                source.username(),
                                                                source.password(),
                                                                settings.heartbeat()
                                                                        .qualifiedName()))
                                        .toList(),
                                settings.heartbeat().interval())
                        : null,
                settings.thresholds(),
                readBack,
                Sinks.qualityTopic(kafka, guarantee),
                Sinks.qualityMetricsTable(target, qualityTable, errorsTable),
                Sinks.alertTopic(kafka, guarantee),
                Sinks.alertsTable(target, alertsTable, errorsTable),
                new NotifierSink(config.alerts().notifiers()),
                replicationSlots(config));
    }

    /** Each source's replication slot, by source id, for the source lag monitor to read. */
    private static Map<String, ReplicationSlotProbe.Slot> replicationSlots(SynclineConfig config) {
        Map<String, ReplicationSlotProbe.Slot> slots = new LinkedHashMap<>();
        for (SourceConfig source : config.sources()) {
            slots.put(
                    source.id(),
                    new ReplicationSlotProbe.Slot(
                            source.id(),
                            source.jdbcUrl(),
                            source.username(),
                            source.password(),
                            source.slotName()));
        }
        return slots;
    }

    /** Sampled changes waiting for read-back per entity type and instance. */
    private static final int READ_BACK_MAX_PENDING = 10_000;

    /** The quality metrics table of {@code config}. */
    public static QualityMetricsTable qualityMetricsTableOf(SynclineConfig config) {
        TargetSettings target = config.sinks().target();
        return new QualityMetricsTable(target.schema(), target.qualityMetricsTable());
    }

    /** The alerts table of {@code config}. */
    public static AlertsTable alertsTableOf(SynclineConfig config) {
        TargetSettings target = config.sinks().target();
        return new AlertsTable(target.schema(), target.alertsTable());
    }

    /** The errors table of {@code config}, with its escalation levels. */
    public static ErrorsTable errorsTableOf(SynclineConfig config) {
        TargetSettings target = config.sinks().target();
        return new ErrorsTable(
                target.schema(),
                target.errorsTable(),
                new Escalation(config.validation().escalation()));
    }

    /** The conflicts table of {@code config}. */
    public static ConflictsTable conflictsTableOf(SynclineConfig config) {
        TargetSettings target = config.sinks().target();
        return new ConflictsTable(target.schema(), target.conflictsTable());
    }

    /** Creates one of Syncline's own tables (errors, conflicts) when it is missing. */
    private static void prepareTable(TargetSettings target, String name, List<String> ddl) {
        try (Connection connection =
                        PostgresConnections.open(
                                target.url(), target.username(), target.password());
                Statement statement = connection.createStatement()) {
            for (String sql : ddl) {
                statement.execute(sql);
            }
        } catch (SQLException e) {
            throw new IllegalStateException(
                    "cannot create the table "
                            + name
                            + " at "
                            + target.url()
                            + ": "
                            + e.getMessage()
                            + "; the target user needs CREATE on schema "
                            + target.schema(),
                    e);
        }
    }

    /** The target table mirroring {@code table}. */
    public static TargetTable targetTableOf(TargetSettings target, DiscoveredTable table) {
        return new TargetTable(
                target.schema(),
                table.mapping().targetTable(),
                table.columns(),
                table.primaryKey());
    }

    private static void prepareTargetTable(TargetSettings target, TargetTable table) {
        try (Connection connection =
                        PostgresConnections.open(
                                target.url(), target.username(), target.password());
                Statement statement = connection.createStatement()) {
            if (target.createTables()) {
                statement.execute(table.createSql());
                return;
            }
            try (ResultSet exists =
                    statement.executeQuery(
                            "SELECT to_regclass('"
                                    + table.qualifiedName().replace("'", "''")
                                    + "') IS NOT NULL")) {
                exists.next();
                if (!exists.getBoolean(1)) {
                    throw new IllegalStateException(
                            "target table "
                                    + table.qualifiedName()
                                    + " does not exist; create it with: "
                                    + table.createSql()
                                    + " or set sinks.target.createTables: true");
                }
            }
        } catch (SQLException e) {
            throw new IllegalStateException(
                    "cannot prepare target table "
                            + table.qualifiedName()
                            + " at "
                            + target.url()
                            + ": "
                            + e.getMessage(),
                    e);
        }
    }

    private static void createMissingTopics(KafkaSinkSettings kafka, int partitions) {
        Properties admin = new Properties();
        admin.putAll(kafka.properties());
        admin.setProperty(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
        try (Admin client = Admin.create(admin)) {
            Set<String> existing = client.listTopics().names().get(30, TimeUnit.SECONDS);
            List<NewTopic> missing = new ArrayList<>();
            for (String topic :
                    List.of(
                            kafka.changeTopic(),
                            kafka.errorTopic(),
                            kafka.conflictTopic(),
                            kafka.qualityTopic(),
                            kafka.alertTopic())) {
                if (!existing.contains(topic)) {
                    missing.add(new NewTopic(topic, Optional.of(partitions), Optional.empty()));
                }
            }
            if (!missing.isEmpty()) {
                client.createTopics(missing).all().get(30, TimeUnit.SECONDS);
            }
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException(
                    "cannot create the topics at "
                            + kafka.bootstrapServers()
                            + ": "
                            + e.getMessage(),
                    e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while creating topics", e);
        }
    }
}
