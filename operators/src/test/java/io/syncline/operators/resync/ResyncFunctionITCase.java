package io.syncline.operators.resync;

import static org.assertj.core.api.Assertions.assertThat;

import io.syncline.embedded.PostgresExtension;
import io.syncline.operators.decode.TableBinding;
import io.syncline.operators.errors.ErrorOutputs;
import io.syncline.operators.jdbc.JdbcEndpoint;
import io.syncline.operators.read.SourceTable;
import io.syncline.operators.sink.TargetColumn;
import io.syncline.schema.ChangeEvent;
import io.syncline.schema.ControlCommand;
import io.syncline.schema.ControlCommandType;
import io.syncline.schema.ResyncRequest;
import java.sql.Connection;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.streaming.api.operators.KeyedProcessOperator;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The re-sync operator against real PostgreSQL, driven by an operator test harness: a chunk per
 * timer, SERVED only once the checkpoint after the last row completed, a restore that continues
 * where the checkpoint was, a request an earlier run served, and one it cannot serve.
 */
class ResyncFunctionITCase {

    @RegisterExtension static final PostgresExtension POSTGRES = new PostgresExtension();

    private static final String DATABASE = "resync_function";
    private static final Instant ISSUED = Instant.parse("2024-05-01T10:00:00Z");
    private static final ResyncStatusTable STATUS = new ResyncStatusTable("public", "resyncs");

    private static ResyncSources sources;

    @BeforeAll
    static void createTables() throws Exception {
        POSTGRES.createDatabase(DATABASE);
        POSTGRES.execute(
                DATABASE,
                "CREATE TABLE accounts (id integer PRIMARY KEY, tenant text, balance integer)",
                "INSERT INTO accounts SELECT i, CASE WHEN i % 2 = 0 THEN 'acme' ELSE 'globex'"
                        + " END, i FROM generate_series(1, 10) i",
                STATUS.createSql());
        JdbcEndpoint database =
                new JdbcEndpoint(
                        POSTGRES.jdbcUrl(DATABASE),
                        POSTGRES.username(),
                        POSTGRES.password(),
                        "test");
        SourceTable accounts =
                new SourceTable(
                        "crm",
                        new TableBinding(
                                "public", "accounts", "account", List.of("id"), "tenant", null),
                        List.of(
                                new TargetColumn("id", "integer"),
                                new TargetColumn("tenant", "text"),
                                new TargetColumn("balance", "integer")));
        sources =
                new ResyncSources(
                        Map.of("account", List.of(accounts)),
                        Map.of("crm", database),
                        2,
                        database,
                        STATUS);
    }

    @Test
    void readsAChunkPerTimerAndIsServedOnlyWhenTheCheckpointAfterItsLastRowCompletes()
            throws Exception {
        try (KeyedOneInputStreamOperatorTestHarness<String, ControlCommand, ChangeEvent> harness =
                open(null)) {
            harness.processElement(new StreamRecord<>(request("r-1", List.of())));
            assertThat(status("r-1")).map(ResyncStatus::state).contains(ResyncStatus.State.READING);

            harness.setProcessingTime(0);
            assertThat(ids(harness)).containsExactly("2", "4");
            harness.setProcessingTime(1);
            assertThat(ids(harness)).containsExactly("2", "4", "6", "8");
            harness.setProcessingTime(2);
            assertThat(ids(harness)).containsExactly("2", "4", "6", "8", "10");
            assertThat(harness.extractOutputValues())
                    .allSatisfy(
                            change -> {
                                assertThat(change.getTenant()).isEqualTo("acme");
                                assertThat(change.getResync()).isEqualTo("resync-r-1");
                            });

            harness.snapshot(1, 4);
            assertThat(status("r-1")).map(ResyncStatus::state).contains(ResyncStatus.State.READING);
            harness.notifyOfCompletedCheckpoint(1);
            assertThat(status("r-1"))
                    .hasValueSatisfying(
                            s -> {
                                assertThat(s.state()).isEqualTo(ResyncStatus.State.SERVED);
                                assertThat(s.rowsRead()).isEqualTo(5);
                                assertThat(s.tenant()).isEqualTo("acme");
                            });
        }
    }

    @Test
    void aRestoreContinuesAtTheChunkTheCheckpointReachedAndARequestAnEarlierRunServedIsIgnored()
            throws Exception {
        OperatorSubtaskState checkpoint;
        try (KeyedOneInputStreamOperatorTestHarness<String, ControlCommand, ChangeEvent> harness =
                open(null)) {
            harness.processElement(new StreamRecord<>(request("r-2", List.of())));
            harness.setProcessingTime(0);
            checkpoint = harness.snapshot(1, 0);
            harness.setProcessingTime(1);
            assertThat(ids(harness)).containsExactly("2", "4", "6", "8");
        }
        try (KeyedOneInputStreamOperatorTestHarness<String, ControlCommand, ChangeEvent> restored =
                open(checkpoint)) {
            restored.setProcessingTime(10);
            assertThat(ids(restored)).containsExactly("6", "8", "10");
            restored.snapshot(2, 13);
            restored.notifyOfCompletedCheckpoint(2);
            assertThat(status("r-2")).map(ResyncStatus::state).contains(ResyncStatus.State.SERVED);
        }
        try (KeyedOneInputStreamOperatorTestHarness<String, ControlCommand, ChangeEvent> fresh =
                open(null)) {
            fresh.processElement(new StreamRecord<>(request("r-2", List.of())));
            fresh.setProcessingTime(5);
            assertThat(fresh.extractOutputValues()).isEmpty();
        }
    }

    @Test
    void idsNoTableHoldsAreDeletedAndAnUnmappedEntityTypeFailsTheRequest() throws Exception {
        try (KeyedOneInputStreamOperatorTestHarness<String, ControlCommand, ChangeEvent> harness =
                open(null)) {
            harness.processElement(new StreamRecord<>(request("r-3", List.of("4", "40"))));
            harness.setProcessingTime(0);
            assertThat(harness.extractOutputValues())
                    .extracting(c -> c.getEntityId() + ":" + c.getOp())
                    .containsExactly("4:READ", "40:DELETE");

            ControlCommand invoice = request("r-4", List.of());
            invoice.getResync().setEntityType("invoice");
            harness.processElement(new StreamRecord<>(invoice));
            assertThat(harness.getSideOutput(ErrorOutputs.ERRORS))
                    .singleElement()
                    .satisfies(
                            error ->
                                    assertThat(error.getValue().getMessage())
                                            .contains("entity type 'invoice' is not mapped")
                                            .contains("[account]"));
            assertThat(status("r-4"))
                    .hasValueSatisfying(
                            s -> {
                                assertThat(s.state()).isEqualTo(ResyncStatus.State.FAILED);
                                assertThat(s.message()).contains("'invoice'");
                            });
        }
    }

    private static KeyedOneInputStreamOperatorTestHarness<String, ControlCommand, ChangeEvent> open(
            OperatorSubtaskState state) throws Exception {
        KeyedOneInputStreamOperatorTestHarness<String, ControlCommand, ChangeEvent> harness =
                new KeyedOneInputStreamOperatorTestHarness<>(
                        new KeyedProcessOperator<>(new ResyncFunction(sources)),
                        ControlCommand::getCommandId,
                        Types.STRING);
        if (state == null) {
            harness.setup();
        } else {
            harness.initializeState(state);
        }
        harness.open();
        return harness;
    }

    private static ControlCommand request(String id, List<String> ids) {
        return ControlCommand.newBuilder()
                .setCommandId("resync-" + id)
                .setType(ControlCommandType.RESYNC)
                .setIssuedAt(ISSUED)
                .setIssuedBy("test")
                .setResync(
                        ResyncRequest.newBuilder()
                                .setTenant("acme")
                                .setEntityType("account")
                                .setIds(ids)
                                .build())
                .build();
    }

    private static List<String> ids(
            KeyedOneInputStreamOperatorTestHarness<String, ControlCommand, ChangeEvent> harness) {
        return harness.extractOutputValues().stream()
                .map(ChangeEvent::getEntityId)
                .collect(Collectors.toList());
    }

    private static Optional<ResyncStatus> status(String requestId) throws Exception {
        try (Connection connection = POSTGRES.connect(DATABASE)) {
            return STATUS.find(connection, requestId);
        }
    }
}
