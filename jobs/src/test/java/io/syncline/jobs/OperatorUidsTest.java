package io.syncline.jobs;

import static org.assertj.core.api.Assertions.assertThat;

import io.syncline.jobs.config.KafkaSinkSettings;
import io.syncline.jobs.config.SourceConfig;
import io.syncline.jobs.config.TableMapping;
import io.syncline.jobs.config.TargetSettings;
import io.syncline.jobs.wiring.ControlSources;
import io.syncline.jobs.wiring.DiscoveredTable;
import io.syncline.jobs.wiring.PostgresCdcSources;
import io.syncline.jobs.wiring.Sinks;
import io.syncline.jobs.wiring.SyncJobFactory;
import io.syncline.operators.errors.ErrorsTable;
import io.syncline.operators.errors.Escalation;
import io.syncline.operators.sink.TargetColumn;
import io.syncline.schema.ChangeEvent;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.flink.api.connector.sink2.Sink;
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
                        "Sink Committer: sink-change-topic",
                        "Sink Committer: sink-error-topic",
                        "Sink Committer: sink-errors-table",
                        "Sink Committer: sink-target-contract",
                        "Sink Committer: sink-target-customer",
                        "control-router",
                        "decode-crm",
                        "route-by-entity-type",
                        "sink-change-topic",
                        "sink-error-topic",
                        "sink-errors-table",
                        "sink-target-contract",
                        "sink-target-customer",
                        "source-control",
                        "source-crm",
                        "validate");
    }

    private static SyncJob job() {
        SourceConfig source =
                new SourceConfig(
                        "crm",
                        "postgres",
                        "localhost",
                        5432,
                        "crm",
                        "syncline",
                        "secret",
                        "syncline_crm",
                        "syncline_crm",
                        "initial",
                        List.of(
                                mapping("customers", "customer"),
                                mapping("contracts", "contract")));
        List<DiscoveredTable> tables =
                source.tables().stream()
                        .map(
                                mapping ->
                                        new DiscoveredTable(
                                                mapping,
                                                List.of(
                                                        new TargetColumn("id", "bigint"),
                                                        new TargetColumn("tenant_id", "text")),
                                                List.of("id")))
                        .toList();
        TargetSettings target =
                new TargetSettings(
                        "jdbc:postgresql://localhost/warehouse",
                        "syncline",
                        "secret",
                        "public",
                        true,
                        100,
                        Duration.ofMillis(100),
                        3,
                        "syncline_errors");
        KafkaSinkSettings kafka =
                new KafkaSinkSettings(
                        "localhost:9092",
                        "changes",
                        "errors",
                        "control",
                        "syncline",
                        Duration.ofMinutes(5),
                        Map.of());
        Map<String, Sink<ChangeEvent>> targetSinks = new LinkedHashMap<>();
        for (DiscoveredTable table : tables) {
            targetSinks.put(
                    table.mapping().entityType(),
                    Sinks.targetTable(target, SyncJobFactory.targetTableOf(target, table)));
        }
        return new SyncJob(
                List.of(
                        new SyncJob.ChangeSource(
                                "crm", PostgresCdcSources.create(source, tables, Set.of(), 0L))),
                new SyncJob.Validation(
                        ControlSources.control(kafka), null, Duration.ofSeconds(30), 10_000),
                Sinks.changeTopic(kafka),
                targetSinks,
                Sinks.errorTopic(kafka),
                Sinks.errorsTable(
                        target,
                        new ErrorsTable("public", "syncline_errors", Escalation.defaults())));
    }

    private static TableMapping mapping(String table, String entityType) {
        return new TableMapping("public." + table, entityType, List.of(), "tenant_id", null, table);
    }
}
