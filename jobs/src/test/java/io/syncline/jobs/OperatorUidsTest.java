package io.syncline.jobs;

import static org.assertj.core.api.Assertions.assertThat;

import io.syncline.jobs.config.ControlAuthSettings;
import io.syncline.jobs.config.EventStoreSettings;
import io.syncline.jobs.config.HeartbeatSettings;
import io.syncline.jobs.config.KafkaSinkSettings;
import io.syncline.jobs.config.SourceConfig;
import io.syncline.jobs.config.TableMapping;
import io.syncline.jobs.config.TargetSettings;
import io.syncline.jobs.wiring.ControlSources;
import io.syncline.jobs.wiring.DiscoveredTable;
import io.syncline.jobs.wiring.PeerSinks;
import io.syncline.jobs.wiring.PostgresCdcSources;
import io.syncline.jobs.wiring.Sinks;
import io.syncline.jobs.wiring.SyncJobFactory;
import io.syncline.jobs.wiring.WalPosition;
import io.syncline.jobs.wiring.WriteBackPeers;
import io.syncline.operators.alert.AlertThresholds;
import io.syncline.operators.alert.AlertsTable;
import io.syncline.operators.alert.notify.NotifierSettings;
import io.syncline.operators.alert.notify.NotifierSink;
import io.syncline.operators.audit.AuditRecords;
import io.syncline.operators.audit.AuditTable;
import io.syncline.operators.errors.ErrorsTable;
import io.syncline.operators.errors.Escalation;
import io.syncline.operators.faults.FaultPlan;
import io.syncline.operators.jdbc.JdbcEndpoint;
import io.syncline.operators.observe.HeartbeatWriter;
import io.syncline.operators.quality.LatencyTargets;
import io.syncline.operators.quality.QualityMetricsTable;
import io.syncline.operators.quality.QualityWindows;
import io.syncline.operators.quality.readback.ReadBackSettings;
import io.syncline.operators.read.SourceTable;
import io.syncline.operators.resolve.ConflictsTable;
import io.syncline.operators.resolve.EntityResolver;
import io.syncline.operators.resolve.SourcePrecedence;
import io.syncline.operators.resync.ResyncSources;
import io.syncline.operators.resync.ResyncStatusTable;
import io.syncline.operators.retry.CircuitBreakerSettings;
import io.syncline.operators.retry.RetryPolicy;
import io.syncline.operators.sink.TargetColumn;
import io.syncline.schema.ChangeEvent;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.connector.base.DeliveryGuarantee;
import org.apache.flink.runtime.jobgraph.JobGraph;
import org.apache.flink.runtime.jobgraph.JobVertex;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.graph.StreamGraph;
import org.apache.flink.streaming.api.graph.StreamNode;
import org.junit.jupiter.api.Test;

/**
 * Pins the uids of the sync job's operators. A uid names an operator's state in savepoints: if this
 * test fails, a refactor changed one, and restoring an existing savepoint would lose that state.
 * Change the expectation only together with a savepoint migration.
 */
class OperatorUidsTest {

    @Test
    void everyOperatorHasItsPinnedUid() {
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        job().build(env);
        StreamGraph graph = env.getStreamGraph();

        List<String> uids =
                graph.getStreamNodes().stream()
                        .map(StreamNode::getTransformationUID)
                        .sorted()
                        .toList();
        assertThat(uids)
                .containsExactly(
                        "Sink Committer: sink-alert-topic",
                        "Sink Committer: sink-alerts-table",
                        "Sink Committer: sink-audit-table",
                        "Sink Committer: sink-audit-topic",
                        "Sink Committer: sink-change-topic",
                        "Sink Committer: sink-conflict-topic",
                        "Sink Committer: sink-conflicts-table",
                        "Sink Committer: sink-error-topic",
                        "Sink Committer: sink-errors-table",
                        "Sink Committer: sink-event-store",
                        "Sink Committer: sink-quality-metrics-table",
                        "Sink Committer: sink-quality-topic",
                        "Sink Committer: sink-target-contract",
                        "Sink Committer: sink-target-customer",
                        "Sink Committer: sink-write-back-erp-customer",
                        "alerts",
                        "audit-changes",
                        "control-router",
                        "decode-crm",
                        "decode-erp",
                        "heartbeats-decode-crm",
                        "heartbeats-decode-erp",
                        "observations-decode-crm",
                        "observations-decode-erp",
                        "observations-failures",
                        "observations-read-back",
                        "observations-resolve",
                        "observations-route-by-entity-type",
                        "observations-validate",
                        "observe-failures",
                        "quality-observations-decode-crm",
                        "quality-observations-decode-erp",
                        "quality-observations-failures",
                        "quality-observations-read-back",
                        "quality-observations-resolve",
                        "quality-observations-route-by-entity-type",
                        "quality-observations-validate",
                        "quality-windows",
                        "read-back",
                        "read-back-sampling",
                        "resolve",
                        "resync",
                        "route-by-entity-type",
                        "route-write-back-erp",
                        "sink-alert-topic",
                        "sink-alerts-table",
                        "sink-audit-table",
                        "sink-audit-topic",
                        "sink-change-topic",
                        "sink-conflict-topic",
                        "sink-conflicts-table",
                        "sink-error-topic",
                        "sink-errors-table",
                        "sink-event-store",
                        "sink-heartbeats",
                        "sink-late-observations",
                        "sink-notifiers",
                        "sink-quality-metrics-table",
                        "sink-quality-topic",
                        "sink-target-contract",
                        "sink-target-customer",
                        "sink-write-back-erp-customer",
                        "source-control",
                        "source-crm",
                        "source-erp",
                        "source-heartbeat-ticks",
                        "source-lag",
                        "validate");
    }

    @Test
    void aFaultPlanAddsItsInjectorAndLeavesEveryOtherUidAsItIs() {
        StreamExecutionEnvironment real = StreamExecutionEnvironment.getExecutionEnvironment();
        job().build(real);
        StreamExecutionEnvironment faulty = StreamExecutionEnvironment.getExecutionEnvironment();
        job().withFaults(FaultPlan.afterRecords(1)).build(faulty);

        List<String> added = uids(faulty.getStreamGraph());
        added.removeAll(uids(real.getStreamGraph()));
        assertThat(added).containsExactly("fault-injector");
    }

    @Test
    void theFaultInjectorIsChainedBetweenResolveAndTheSinks() {
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        env.setParallelism(2);
        job().withFaults(FaultPlan.inSnapshotOf(1)).build(env);

        JobGraph graph = env.getStreamGraph().getJobGraph();
        assertThat(graph.getVertices())
                .map(JobVertex::getName)
                .filteredOn(name -> name.contains("inject fault"))
                .singleElement()
                .asString()
                .startsWith("resolve (duplicates, order, conflicts) -> ")
                .contains(
                        "inject fault: snapshotState of checkpoint 1 -> route by entity type -> ("
                                + "change topic (exactly once): Writer",
                        "target table: customer: Writer",
                        "target table: contract: Writer");
    }

    private static List<String> uids(StreamGraph graph) {
        return graph.getStreamNodes().stream()
                .map(StreamNode::getTransformationUID)
                .collect(Collectors.toCollection(ArrayList::new));
    }

    /** Two sources of customers, one of them a write-back peer; contracts come from one. */
    private static SyncJob job() {
        SourceConfig crm =
                source(
                        "crm",
                        List.of(mapping("customers", "customer"), mapping("contracts", "contract")),
                        false);
        SourceConfig erp = source("erp", List.of(mapping("customers", "customer")), true);
        TargetSettings target =
                new TargetSettings(
                        "jdbc:postgresql://localhost/warehouse",
                        "syncline",
                        "secret",
                        "public",
                        true,
                        100,
                        Duration.ofMillis(100),
                        RetryPolicy.ofRetries(
                                5, Duration.ofMillis(200), Duration.ofSeconds(10), 2.0, 0.1),
                        "syncline_errors",
                        "syncline_conflicts",
                        "quality_metrics",
                        "syncline_alerts",
                        CircuitBreakerSettings.DEFAULTS,
                        "syncline_audit");
        ErrorsTable errors = new ErrorsTable("public", "syncline_errors", Escalation.defaults());
        KafkaSinkSettings kafka =
                new KafkaSinkSettings(
                        "localhost:9092",
                        "changes",
                        "errors",
                        "control",
                        "syncline",
                        Duration.ofMinutes(5),
                        Map.of(),
                        "conflicts",
                        "quality",
                        "alerts",
                        "audit",
                        "events");
        List<SyncJob.ChangeSource> changeSources = new ArrayList<>();
        Map<String, Sink<ChangeEvent>> targetSinks = new LinkedHashMap<>();
        Map<String, Map<String, Sink<ChangeEvent>>> writeBack = new LinkedHashMap<>();
        Map<String, List<SourceTable>> rereadTables = new LinkedHashMap<>();
        Map<String, JdbcEndpoint> sourceDatabases = new LinkedHashMap<>();
        for (SourceConfig source : List.of(crm, erp)) {
            List<DiscoveredTable> tables = discovered(source);
            sourceDatabases.put(source.id(), SyncJobFactory.sourceDatabaseOf(source));
            for (SourceTable table : SyncJobFactory.sourceTablesOf(source, tables)) {
                rereadTables.computeIfAbsent(table.entityType(), t -> new ArrayList<>()).add(table);
            }
            changeSources.add(
                    new SyncJob.ChangeSource(
                            source.id(),
                            PostgresCdcSources.create(
                                    source,
                                    tables,
                                    Set.of(),
                                    new WalPosition(0L, Instant.EPOCH),
                                    HEARTBEAT)));
            Map<String, Sink<ChangeEvent>> peerSinks = new LinkedHashMap<>();
            for (DiscoveredTable table : tables) {
                targetSinks.put(
                        table.mapping().entityType(),
                        Sinks.targetTable(
                                target, SyncJobFactory.targetTableOf(target, table), errors));
                if (source.writeBack()) {
                    peerSinks.put(
                            table.mapping().entityType(),
                            PeerSinks.peerTable(
                                    source, WriteBackPeers.peerTableOf(table), target, errors));
                }
            }
            if (source.writeBack()) {
                writeBack.put(source.id(), peerSinks);
            }
        }
        return new SyncJob(
                        changeSources,
                        new SyncJob.Validation(
                                ControlSources.control(kafka, ControlAuthSettings.none()),
                                null,
                                Duration.ofSeconds(30),
                                10_000),
                        new SyncJob.Consistency(
                                new EntityResolver(
                                        Map.of(), new SourcePrecedence(Map.of("crm", 0, "erp", 1))),
                                Duration.ofHours(24),
                                Duration.ZERO,
                                1000,
                                100,
                                Sinks.conflictTopic(kafka),
                                Sinks.conflictsTable(
                                        target,
                                        new ConflictsTable("public", "syncline_conflicts"),
                                        errors),
                                writeBack),
                        Sinks.changeTopic(kafka),
                        targetSinks,
                        Sinks.errorTopic(kafka),
                        Sinks.errorsTable(target, errors),
                        new SyncJob.Observability(
                                QualityWindows.WindowSpec.defaults(QualityWindows.Kind.TUMBLING),
                                Duration.ofSeconds(10),
                                Duration.ofMinutes(5),
                                LatencyTargets.defaults(),
                                HEARTBEAT.interval(),
                                new HeartbeatWriter(List.of(), HEARTBEAT.interval()),
                                AlertThresholds.defaults(),
                                new SyncJob.ReadBack(
                                        new ReadBackSettings(
                                                target.url(),
                                                target.username(),
                                                target.password(),
                                                0.01,
                                                Duration.ofSeconds(30),
                                                1000),
                                        Map.of()),
                                Sinks.qualityTopic(kafka, DeliveryGuarantee.EXACTLY_ONCE),
                                Sinks.qualityMetricsTable(
                                        target,
                                        new QualityMetricsTable("public", "quality_metrics"),
                                        errors),
                                Sinks.alertTopic(kafka, DeliveryGuarantee.EXACTLY_ONCE),
                                Sinks.alertsTable(
                                        target,
                                        new AlertsTable("public", "syncline_alerts"),
                                        errors),
                                new NotifierSink(NotifierSettings.defaults()),
                                Map.of()))
                .withResync(
                        new ResyncSources(
                                rereadTables,
                                sourceDatabases,
                                1000,
                                new JdbcEndpoint(target.url(), null, null, "resync status"),
                                new ResyncStatusTable("public", ResyncStatusTable.DEFAULT_NAME)))
                .withAudit(
                        new SyncJob.Audit(
                                new AuditRecords(
                                        "syncline", AuditRecords.DEV_VERSION, "changes", Map.of()),
                                Sinks.auditTopic(kafka, DeliveryGuarantee.EXACTLY_ONCE),
                                Sinks.auditTable(
                                        target,
                                        new AuditTable("public", "syncline_audit"),
                                        errors)))
                .withEventStore(
                        Sinks.eventStore(
                                kafka,
                                new EventStoreSettings(true, Duration.ofDays(7)),
                                DeliveryGuarantee.EXACTLY_ONCE));
    }

    private static final HeartbeatSettings HEARTBEAT =
            new HeartbeatSettings(Duration.ofSeconds(10), "public", "syncline_heartbeat");

    private static SourceConfig source(String id, List<TableMapping> tables, boolean writeBack) {
        return new SourceConfig(
                id,
                "postgres",
                "localhost",
                5432,
                id,
                "syncline",
                "secret",
                "syncline_" + id,
                "syncline_" + id,
                "initial",
                tables,
                0,
                writeBack);
    }

    private static List<DiscoveredTable> discovered(SourceConfig source) {
        return source.tables().stream()
                .map(
                        mapping ->
                                new DiscoveredTable(
                                        mapping,
                                        List.of(
                                                new TargetColumn("id", "bigint"),
                                                new TargetColumn("tenant_id", "text")),
                                        List.of("id")))
                .toList();
    }

    private static TableMapping mapping(String table, String entityType) {
        return new TableMapping("public." + table, entityType, List.of(), "tenant_id", null, table);
    }
}
