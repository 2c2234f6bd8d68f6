package io.syncline.jobs.wiring;

import io.syncline.jobs.SyncJob;
import io.syncline.jobs.config.ChangeSourceConfig;
import io.syncline.jobs.config.ConsistencySettings;
import io.syncline.jobs.config.KafkaSinkSettings;
import io.syncline.jobs.config.ObservabilitySettings;
import io.syncline.jobs.config.SourceConfig;
import io.syncline.jobs.config.SynclineConfig;
import io.syncline.jobs.config.TargetSettings;
import io.syncline.jobs.config.ValidationSettings;
import io.syncline.operators.alert.AlertsTable;
import io.syncline.operators.alert.notify.NotifierSink;
import io.syncline.operators.audit.AuditRecords;
import io.syncline.operators.audit.AuditTable;
import io.syncline.operators.decode.TableBinding;
import io.syncline.operators.errors.ErrorsTable;
import io.syncline.operators.errors.Escalation;
import io.syncline.operators.jdbc.JdbcEndpoint;
import io.syncline.operators.jdbc.PostgresConnections;
import io.syncline.operators.observe.HeartbeatWriter;
import io.syncline.operators.observe.ReplicationSlotProbe;
import io.syncline.operators.protect.Classification;
import io.syncline.operators.protect.DataKeysFactory;
import io.syncline.operators.protect.EntityProtection;
import io.syncline.operators.quality.QualityMetricsTable;
import io.syncline.operators.quality.readback.ReadBackSettings;
import io.syncline.operators.read.SourceTable;
import io.syncline.operators.resolve.ConflictsTable;
import io.syncline.operators.resolve.EntityResolver;
import io.syncline.operators.resolve.SourcePrecedence;
import io.syncline.operators.resync.ResyncSources;
import io.syncline.operators.resync.ResyncStatusTable;
import io.syncline.operators.sink.TargetColumn;
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
import java.util.Set;
import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.connector.base.DeliveryGuarantee;

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
        SyncJob.Protection protection = protectionOf(config);
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
                addTargetTable(config, table, targetTables, targetSinks, errorsTable, protection);
            }
        }
        SourceTables sourceTables = new SourceTables(target, targetTables);
        for (ChangeSourceConfig source : config.changeSources()) {
            WiredSource wired = ChangeSources.wire(source, config, sourceTables);
            sources.add(wired.source());
            priorities.put(source.id(), source.priority());
            for (DiscoveredTable table : wired.tables()) {
                // Another source of the entity type made its target table already.
                if (!targetTables.containsKey(table.mapping().entityType())) {
                    addTargetTable(
                            config, table, targetTables, targetSinks, errorsTable, protection);
                }
            }
        }
        KafkaSinkSettings kafka = config.sinks().kafka();
        Topics.prepare(config);
        Topics.ensureControlTopic(kafka);
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
                                resyncs))
                .withProtection(protection)
                .withAudit(audit(config, targetTables, errorsTable, guarantee))
                .withEventStore(
                        config.eventStore().enabled()
                                ? Sinks.eventStore(kafka, config.eventStore(), guarantee)
                                : null);
    }

    /** Creates {@code table}'s target table if missing and adds it and its sink. */
    private static void addTargetTable(
            SynclineConfig config,
            DiscoveredTable table,
            Map<String, TargetTable> targetTables,
            Map<String, Sink<ChangeEvent>> targetSinks,
            ErrorsTable errorsTable,
            SyncJob.Protection protection) {
        TargetSettings target = config.sinks().target();
        TargetTable targetTable = targetTableOf(target, table, config.security().classification());
        prepareTargetTable(target, targetTable);
        targetTables.put(table.mapping().entityType(), targetTable);
        targetSinks.put(
                table.mapping().entityType(),
                Sinks.targetTable(target, targetTable, errorsTable, protection.errorSealer()));
    }

    /** The protect stage's classification and data keys. */
    public static SyncJob.Protection protectionOf(SynclineConfig config) {
        return new SyncJob.Protection(config.security().classification(), dataKeysOf(config));
    }

    /** Opens the data keys of {@code security.keys}; {@code null} when it is not configured. */
    public static DataKeysFactory dataKeysOf(SynclineConfig config) {
        return config.security().keys() == null ? null : KeyRings.factory(config);
    }

    /**
     * The audit trail of {@code config}'s job, its records and sinks, with its table created; null
     * if {@code security.audit} turns it off.
     */
    private static SyncJob.Audit audit(
            SynclineConfig config,
            Map<String, TargetTable> targetTables,
            ErrorsTable errorsTable,
            DeliveryGuarantee guarantee) {
        if (!config.security().audit().enabled()) {
            return null;
        }
        TargetSettings target = config.sinks().target();
        AuditTable auditTable = auditTableOf(config);
        prepareTable(target, auditTable.qualifiedName(), auditTable.createSql());
        Map<String, String> tableNames = new LinkedHashMap<>();
        targetTables.forEach(
                (entityType, table) ->
                        tableNames.put(entityType, table.schema() + "." + table.table()));
        return new SyncJob.Audit(
                new AuditRecords(
                        config.job().name(),
                        AuditRecords.versionOf(SyncJobFactory.class),
                        config.sinks().kafka().changeTopic(),
                        tableNames),
                Sinks.auditTopic(config.sinks().kafka(), guarantee),
                Sinks.auditTable(target, auditTable, errorsTable));
    }

    /** The audit table of {@code config}. */
    public static AuditTable auditTableOf(SynclineConfig config) {
        TargetSettings target = config.sinks().target();
        return new AuditTable(target.schema(), target.auditTable());
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
    static void prepareTable(TargetSettings target, String name, List<String> ddl) {
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
        return targetTableOf(target, table, Classification.NONE);
    }

    /**
     * The target table mirroring {@code table}, where the fields {@code classification} encrypts
     * are {@code text} columns: they hold the encrypted value's text, whatever the source's type.
     */
    public static TargetTable targetTableOf(
            TargetSettings target, DiscoveredTable table, Classification classification) {
        EntityProtection protection = classification.of(table.mapping().entityType());
        for (String key : table.primaryKey()) {
            if (protection.of(key).encrypt()) {
                throw new IllegalStateException(
                        "security.entities."
                                + table.mapping().entityType()
                                + ".fields."
                                + key
                                + " is part of the primary key of "
                                + table.mapping().table()
                                + " and cannot be encrypted: every encryption gives another"
                                + " text, so the targets could not find the row again; remove"
                                + " 'encrypt: true' from it");
            }
        }
        List<TargetColumn> columns =
                table.columns().stream()
                        .map(
                                c ->
                                        protection.of(c.name()).encrypt()
                                                ? new TargetColumn(c.name(), "text")
                                                : c)
                        .toList();
        return new TargetTable(
                target.schema(), table.mapping().targetTable(), columns, table.primaryKey());
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
}
