package io.syncline.jobs.control;

import static org.assertj.core.api.Assertions.assertThat;

import io.syncline.embedded.KafkaExtension;
import io.syncline.embedded.PostgresExtension;
import io.syncline.jobs.config.ConfigLoader;
import io.syncline.jobs.control.ErrorsStore.ErrorFilter;
import io.syncline.jobs.control.ErrorsStore.StoredError;
import io.syncline.operators.errors.ErrorsTable;
import io.syncline.operators.errors.ErrorsTableInsert;
import io.syncline.operators.errors.Escalation;
import io.syncline.schema.ChangeEvent;
import io.syncline.schema.ControlCommand;
import io.syncline.schema.ControlCommandType;
import io.syncline.schema.ErrorClass;
import io.syncline.schema.ErrorRecord;
import io.syncline.schema.FieldKind;
import io.syncline.schema.FieldValue;
import io.syncline.schema.Operation;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code syncline errors} against a real PostgreSQL errors table and a real Kafka control topic:
 * what each subcommand selects, prints, publishes and marks.
 */
class ErrorsCommandITCase {

    @RegisterExtension static final PostgresExtension POSTGRES = new PostgresExtension();
    @RegisterExtension static final KafkaExtension KAFKA = new KafkaExtension();

    private static final String DATABASE = "errors_cli";
    private static final ErrorsTable TABLE =
            new ErrorsTable("public", "syncline_errors", Escalation.defaults());

    private static final String EMAIL = "EMAIL_INVALID";

    // Open unless noted; the times place them on 30 April to 4 May 2024.
    private static final ErrorRecord ACME_EMAIL =
            error("e1", EMAIL, "acme", "2024-05-01T10:00:00Z", change("acme", "1"));
    private static final ErrorRecord GLOBEX_EMAIL =
            error("e2", EMAIL, "globex", "2024-05-02T10:00:00Z", change("globex", "2"));
    private static final ErrorRecord ACME_EMAIL_NO_CHANGE =
            error("e3", EMAIL, "acme", "2024-05-03T10:00:00Z", null);
    private static final ErrorRecord TENANT_MISSING =
            error("e4", "TENANT_MISSING", null, "2024-05-02T12:00:00Z", null);
    private static final ErrorRecord ACME_EMAIL_DISCARDED =
            error("e5", EMAIL, "acme", "2024-04-30T10:00:00Z", change("acme", "5"));
    private static final ErrorRecord ACME_PARENT_MISSING =
            ErrorRecord.newBuilder(
                            error(
                                    "e6",
                                    "PARENT_MISSING",
                                    "acme",
                                    "2024-05-04T10:00:00Z",
                                    change("acme", "6")))
                    .setErrorClass(ErrorClass.TRANSIENT)
                    .build();

    @TempDir Path directory;

    private Path config;
    private String controlTopic;
    private final CliHarness cli = new CliHarness("errors");

    @BeforeAll
    static void createDatabase() {
        POSTGRES.createDatabase(DATABASE);
    }

    @BeforeEach
    void freshTableAndTopic(TestInfo test) throws Exception {
        // A control topic per test, so each test sees only what it published.
        controlTopic = "errors-cli." + test.getTestMethod().orElseThrow().getName();
        config = writeConfig(POSTGRES.port(), controlTopic);
        POSTGRES.execute(DATABASE, "DROP TABLE IF EXISTS " + TABLE.qualifiedName());
        try (ErrorsStore store = store()) {
            store.createTable();
        }
        insert(
                ACME_EMAIL,
                GLOBEX_EMAIL,
                ACME_EMAIL_NO_CHANGE,
                TENANT_MISSING,
                ACME_EMAIL_DISCARDED,
                ACME_PARENT_MISSING);
        try (ErrorsStore store = store()) {
            store.markDiscarded(List.of("e5"), "duplicate of e1");
        }
    }

    // ---- list

    @Test
    void listShowsOpenErrorsOldestFirstWithACount() {
        assertThat(run("list")).isZero();

        assertThat(cli.listedIds()).containsExactly("e1", "e2", "e4", "e3", "e6");
        assertThat(cli.lines().get(0))
                .startsWith("ID")
                .contains("TIME", "TENANT", "ENTITY", "CODE", "LEVEL", "STATUS", "MESSAGE");
        assertThat(cli.lines().get(1).split("\\s+"))
                .containsSequence(
                        "e1", "2024-05-01T10:00:00Z", "acme", "customer/1", EMAIL, "2", "open");
        // Messages are cut to 60 characters.
        assertThat(cli.lines().get(1)).endsWith(ACME_EMAIL.getMessage().substring(0, 57) + "...");
        assertThat(rowOf("e4").split("\\s+")).containsSequence("e4", "2024-05-02T12:00:00Z", "-");
        assertThat(rowOf("e6").split("\\s+")).contains("PARENT_MISSING", "4");
        assertThat(cli.lastLine()).isEqualTo("5 open errors");
    }

    @Test
    void listFiltersByCodeAndTenant() {
        assertThat(run("list", "--code", EMAIL, "--tenant", "acme")).isZero();

        assertThat(cli.listedIds()).containsExactly("e1", "e3");
        assertThat(cli.lastLine()).isEqualTo("2 open errors");
    }

    @Test
    void listWithSeveralValuesOfOneSelectorTakesAnyOfThem() {
        assertThat(run("list", "--tenant", "acme,globex", "--code", "PARENT_MISSING,EMAIL_INVALID"))
                .isZero();

        assertThat(cli.listedIds()).containsExactly("e1", "e2", "e3", "e6");
    }

    @Test
    void listFiltersByStatus() {
        assertThat(run("list", "--status", "discarded")).isZero();
        assertThat(cli.listedIds()).containsExactly("e5");
        assertThat(cli.lastLine()).isEqualTo("1 discarded error");

        assertThat(run("list", "--status", "all")).isZero();
        assertThat(cli.listedIds()).containsExactly("e5", "e1", "e2", "e4", "e3", "e6");
    }

    @Test
    void sinceIsInclusiveAndUntilExclusive() {
        assertThat(
                        run(
                                "list",
                                "--since",
                                "2024-05-02T10:00:00Z",
                                "--until",
                                "2024-05-03T10:00:00Z"))
                .isZero();

        assertThat(cli.listedIds()).containsExactly("e2", "e4");
    }

    @Test
    void datesSelectWholeDaysInUtc() {
        assertThat(run("list", "--status", "all", "--since", "2024-05-02", "--until", "2024-05-03"))
                .isZero();

        assertThat(cli.listedIds()).containsExactly("e2", "e4", "e3");
    }

    @Test
    void listSaysWhenTheLimitCutsItShort() {
        assertThat(run("list", "--limit", "2")).isZero();

        assertThat(cli.listedIds()).containsExactly("e1", "e2");
        assertThat(cli.lastLine())
                .isEqualTo("showing 2 of 5 open errors; narrow the selection or raise --limit");
    }

    @Test
    void listOfNothingPrintsOnlyTheCount() {
        assertThat(run("list", "--tenant", "initech")).isZero();

        assertThat(cli.out()).isEqualTo("0 open errors\n");
    }

    @Test
    void timeThatIsNotATimeIsABadArgument() {
        assertThat(run("list", "--since", "yesterday")).isEqualTo(2);

        assertThat(cli.err())
                .contains("'yesterday' is not a time")
                .contains("2024-05-01T12:00:00Z");
    }

    // ---- show

    @Test
    void showPrintsEveryColumnAndTheChange() {
        assertThat(run("show", "e1")).isZero();

        assertThat(cli.lines())
                .contains(
                        column("error_id", "e1"),
                        column("error_time", "2024-05-01T10:00:00Z"),
                        column("status", "open"),
                        column("status_changed_at", "2024-05-01T10:00:00Z"),
                        column("status_note", "-"),
                        column("replay_count", "0"),
                        column("stage", "validate"),
                        column("error_class", "PERMANENT"),
                        column("code", EMAIL),
                        column("escalation_level", "2"),
                        column("message", ACME_EMAIL.getMessage()),
                        column("field", "email"),
                        column("entity_key", "acme/customer/1"),
                        column("tenant", "acme"),
                        column("entity_type", "customer"),
                        column("source_id", "crm"),
                        column("source_position", "0/1"),
                        column("rule_set_version", "3"),
                        column("payload", "{email=not-an-email}"));
        // Avro's JSON text; the order of the image's fields is the map's.
        assertThat(cli.lastLine())
                .startsWith(column("change", "{\"eventId\": \"crm/acme/customer/1\""))
                .contains("\"id\": {\"kind\": \"LONG\", \"value\": 1}")
                .contains("\"email\": {\"kind\": \"STRING\", \"value\": \"not-an-email\"}");
    }

    @Test
    void showOfAnErrorWithoutChangeSaysSo() {
        assertThat(run("show", "e4")).isZero();

        assertThat(cli.lines())
                .contains(
                        column("tenant", "-"),
                        column("change", "(none: the input never became a change)"));
    }

    @Test
    void showOfAnUnknownIdFails() {
        assertThat(run("show", "e1", "nope")).isEqualTo(1);

        assertThat(cli.lines()).contains(column("error_id", "e1"));
        assertThat(cli.err()).contains("no error with id 'nope' in \"public\".\"syncline_errors\"");
    }

    // ---- replay

    @Test
    void replayPublishesTheSelectedOpenErrorsChangesAndMarksThemReplayed() throws Exception {
        assertThat(run("replay", "--code", EMAIL)).isZero();

        List<ConsumerRecord<byte[], byte[]>> records = controlRecords();
        List<ControlCommand> commands = CliHarness.decode(records);
        assertThat(commands)
                .extracting(ControlCommand::getCommandId)
                .containsExactly("replay-e1-1", "replay-e2-1");
        assertThat(commands)
                .allSatisfy(c -> assertThat(c.getType()).isEqualTo(ControlCommandType.REPLAY));
        assertThat(commands)
                .extracting(ControlCommand::getReplayedErrorId)
                .containsExactly("e1", "e2");
        assertThat(commands)
                .extracting(ControlCommand::getReplay)
                .containsExactly(ACME_EMAIL.getChange(), GLOBEX_EMAIL.getChange());
        assertThat(records)
                .extracting(r -> new String(r.key(), StandardCharsets.UTF_8))
                .containsExactly("acme/customer/1", "globex/customer/2");

        Map<String, StoredError> rows = rows();
        assertThat(rows.get("e1").status()).isEqualTo("replayed");
        assertThat(rows.get("e1").replayCount()).isEqualTo(1);
        assertThat(rows.get("e1").statusNote()).startsWith("replayed by ");
        assertThat(rows.get("e2").status()).isEqualTo("replayed");
        assertThat(rows.get("e3").status()).isEqualTo("open");
        assertThat(rows.get("e3").replayCount()).isZero();
        assertThat(rows.get("e6").status()).isEqualTo("open");

        assertThat(cli.lines())
                .contains(
                        "replayed e1 as replay-e1-1",
                        "replayed e2 as replay-e2-1",
                        "skipped e3 (EMAIL_INVALID): it has no change to replay",
                        "replayed 2 errors to control topic " + controlTopic);
        assertThat(cli.lastLine())
                .startsWith("skipped 1 error without a change")
                .contains("correct the source row, a new change will follow");
    }

    @Test
    void secondReplayPublishesNothing() throws Exception {
        assertThat(run("replay", "--code", EMAIL)).isZero();

        assertThat(run("replay", "--code", EMAIL)).isZero();

        assertThat(controlRecords()).hasSize(2);
        assertThat(cli.lines()).contains("replayed 0 errors to control topic " + controlTopic);
    }

    @Test
    void replayedChangeThatFailsAgainCanBeReplayedAgainAsTheNextAttempt() throws Exception {
        assertThat(run("replay", "--id", "e1")).isZero();
        // The job rejects the replayed change again, later than it was marked replayed.
        insert(
                ErrorRecord.newBuilder(ACME_EMAIL)
                        .setTime(Instant.now().plus(Duration.ofMinutes(1)))
                        .build());
        assertThat(rows().get("e1").status()).isEqualTo("open");

        assertThat(run("replay", "--id", "e1")).isZero();

        assertThat(CliHarness.decode(controlRecords()))
                .extracting(ControlCommand::getCommandId)
                .containsExactly("replay-e1-1", "replay-e1-2");
        assertThat(rows().get("e1").replayCount()).isEqualTo(2);
    }

    @Test
    void replayOfNamedErrorsThatAreNotOpenSaysWhy() throws Exception {
        assertThat(run("replay", "--id", "e5", "--id", "nope", "--id", "e6")).isZero();

        assertThat(CliHarness.decode(controlRecords()))
                .extracting(ControlCommand::getCommandId)
                .containsExactly("replay-e6-1");
        assertThat(cli.lines())
                .contains(
                        "skipped e5: it is discarded, not open",
                        "skipped nope: no such error",
                        "replayed 1 error to control topic " + controlTopic);
    }

    @Test
    void replayAllReplaysEveryOpenErrorWithAChange() throws Exception {
        assertThat(run("replay", "--all")).isZero();

        assertThat(CliHarness.decode(controlRecords()))
                .extracting(ControlCommand::getReplayedErrorId)
                .containsExactly("e1", "e2", "e6");
        assertThat(rows().values().stream().filter(e -> e.status().equals("open")))
                .extracting(StoredError::errorId)
                .containsExactlyInAnyOrder("e3", "e4");
    }

    @Test
    void dryRunPublishesAndMarksNothing() throws Exception {
        ControlTopicPublisher.ensureTopic(ConfigLoader.load(config).sinks().kafka());
        Map<String, StoredError> before = rows();

        assertThat(run("replay", "--tenant", "acme", "--dry-run")).isZero();

        assertThat(controlRecords()).isEmpty();
        assertThat(rows()).isEqualTo(before);
        assertThat(cli.lines())
                .hasSize(5)
                .startsWith(
                        "would replay e1 (EMAIL_INVALID, acme/customer/1)",
                        "would replay e6 (PARENT_MISSING, acme/customer/6)",
                        "skipped e3 (EMAIL_INVALID): it has no change to replay",
                        "dry run: would replay 2 errors to control topic "
                                + controlTopic
                                + "; nothing was published or marked");
        assertThat(cli.lastLine()).startsWith("skipped 1 error without a change");
    }

    @Test
    void replayWithoutSelectorsIsRefused() {
        assertThat(run("replay")).isEqualTo(2);

        assertThat(cli.err())
                .contains(
                        "name errors with --id, --code, --tenant or --since/--until; to select"
                                + " every open error pass --all");
        assertThat(rows().values()).extracting(StoredError::replayCount).containsOnly(0);
    }

    @Test
    void allWithSelectorsIsRefused() {
        assertThat(run("discard", "--all", "--code", EMAIL)).isEqualTo(2);

        assertThat(cli.err()).contains("--all selects every open error");
    }

    // ---- discard

    @Test
    void discardMarksTheSelectedOpenErrorsWithTheNote() {
        assertThat(run("discard", "--tenant", "globex", "--id", "e2", "--note", "fixed at source"))
                .isZero();

        Map<String, StoredError> rows = rows();
        assertThat(rows.get("e2").status()).isEqualTo("discarded");
        assertThat(rows.get("e2").statusNote()).isEqualTo("fixed at source");
        assertThat(rows.get("e2").statusChangedAt()).isAfter(Instant.parse("2024-05-02T10:00:00Z"));
        assertThat(rows.values().stream().filter(e -> e.status().equals("discarded")))
                .extracting(StoredError::errorId)
                .containsExactlyInAnyOrder("e2", "e5");
        assertThat(cli.lines()).containsExactly("discarded e2", "discarded 1 error");
    }

    @Test
    void discardWithoutSelectorsIsRefused() {
        assertThat(run("discard")).isEqualTo(2);

        assertThat(cli.err()).contains("to select every open error pass --all");
    }

    // ---- failures

    @Test
    void unreachableDatabaseFailsNamingTheUrlAndTheFix() throws IOException {
        int closedPort = closedPort();
        config = writeConfig(closedPort, controlTopic);

        assertThat(run("list")).isEqualTo(1);

        assertThat(cli.err())
                .contains(
                        "cannot connect to PostgreSQL at jdbc:postgresql://localhost:"
                                + closedPort
                                + "/"
                                + DATABASE)
                .contains("is PostgreSQL running")
                .contains("sinks.target.url, username and password in " + config);
    }

    @Test
    void missingErrorsTableSaysTheJobCreatesIt() {
        POSTGRES.execute(DATABASE, "DROP TABLE " + TABLE.qualifiedName());

        assertThat(run("list")).isEqualTo(1);

        assertThat(cli.err())
                .contains("the errors table \"public\".\"syncline_errors\" does not exist")
                .contains("the sync job creates it when it starts");
    }

    @Test
    void badConfigurationIsABadArgument() throws IOException {
        Path bad = directory.resolve("bad.yaml");
        Files.writeString(bad, "sinks: {}\n");
        config = bad;

        assertThat(run("list")).isEqualTo(2);

        assertThat(cli.err()).contains(bad.toString()).contains("sources");
    }

    // ---- helpers

    private int run(String... args) {
        return cli.run(config, args);
    }

    /** A line of {@code show}: the column name, then its value from the 20th character. */
    private static String column(String name, String value) {
        return String.format("%-19s%s", name + ":", value);
    }

    private String rowOf(String id) {
        return cli.lines().stream().filter(l -> l.startsWith(id + " ")).findFirst().orElseThrow();
    }

    private Path writeConfig(int postgresPort, String topic) throws IOException {
        return CliHarness.writeConfig(
                directory.resolve("syncline.yaml"),
                KAFKA.bootstrapServers(),
                topic,
                "jdbc:postgresql://localhost:" + postgresPort + "/" + DATABASE,
                POSTGRES.username(),
                POSTGRES.password());
    }

    private ErrorsStore store() throws SQLException {
        return ErrorsStore.open(ConfigLoader.load(config).sinks().target());
    }

    private Map<String, StoredError> rows() {
        try (ErrorsStore store = store()) {
            return store.list(ErrorFilter.all(), 100).stream()
                    .collect(Collectors.toMap(StoredError::errorId, Function.identity()));
        } catch (SQLException e) {
            throw new AssertionError(e);
        }
    }

    /** Writes errors as the job's errors sink does. */
    private static void insert(ErrorRecord... errors) throws SQLException {
        ErrorsTableInsert insert = TABLE.insertStatement();
        try (Connection connection = POSTGRES.connect(DATABASE);
                PreparedStatement statement = connection.prepareStatement(insert.query())) {
            for (ErrorRecord error : errors) {
                insert.statement(statement, error);
                statement.executeUpdate();
            }
        }
    }

    private List<ConsumerRecord<byte[], byte[]>> controlRecords() {
        return CliHarness.controlRecords(KAFKA.bootstrapServers(), controlTopic);
    }

    private static int closedPort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }

    private static ErrorRecord error(
            String id, String code, String tenant, String time, ChangeEvent change) {
        ErrorRecord.Builder builder =
                ErrorRecord.newBuilder()
                        .setErrorId(id)
                        .setStage("validate")
                        .setErrorClass(ErrorClass.PERMANENT)
                        .setCode(code)
                        .setPayload("{email=not-an-email}")
                        .setTenant(tenant)
                        .setSourceId("crm")
                        .setTime(Instant.parse(time))
                        .setChange(change);
        if (change != null) {
            builder.setKey(change.getTenant() + "/customer/" + change.getEntityId())
                    .setEntityType("customer")
                    .setField("email")
                    .setRuleSetVersion(3)
                    .setSourcePosition(change.getSourcePosition())
                    .setMessage(
                            "email 'not-an-email' of customer "
                                    + change.getEntityId()
                                    + " is not an email address; correct it in the source, or"
                                    + " replay it after the rule is changed");
        } else {
            builder.setMessage("the row could not be decoded");
        }
        return builder.build();
    }

    private static ChangeEvent change(String tenant, String id) {
        return ChangeEvent.newBuilder()
                .setEventId("crm/" + tenant + "/customer/" + id)
                .setTenant(tenant)
                .setEntityType("customer")
                .setEntityId(id)
                .setOp(Operation.UPDATE)
                .setAfter(
                        Map.of(
                                "id", new FieldValue(FieldKind.LONG, Long.parseLong(id)),
                                "email", new FieldValue(FieldKind.STRING, "not-an-email")))
                .setSourceCommitTime(Instant.parse("2024-05-01T09:00:00Z"))
                .setCaptureTime(Instant.parse("2024-05-01T09:00:01Z"))
                .setSourceId("crm")
                .setSourcePosition("0/" + id)
                .setVersion(Long.parseLong(id))
                .build();
    }
}
