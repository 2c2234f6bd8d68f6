package io.syncline.jobs.control;

import static org.assertj.core.api.Assertions.assertThat;

import io.syncline.embedded.KafkaExtension;
import io.syncline.embedded.PostgresExtension;
import io.syncline.jobs.config.ConfigLoader;
import io.syncline.jobs.config.SynclineConfig;
import io.syncline.jobs.control.ConflictsStore.StoredConflict;
import io.syncline.operators.control.ControlCommands;
import io.syncline.operators.resolve.ConflictsTable;
import io.syncline.operators.resolve.ConflictsTableUpsert;
import io.syncline.schema.ChangeEvent;
import io.syncline.schema.ConflictDecision;
import io.syncline.schema.ConflictPick;
import io.syncline.schema.ConflictRecord;
import io.syncline.schema.ConflictStatus;
import io.syncline.schema.ControlCommand;
import io.syncline.schema.ControlCommandType;
import io.syncline.schema.FieldKind;
import io.syncline.schema.FieldValue;
import io.syncline.schema.Operation;
import io.syncline.schema.ResolutionOutcome;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code syncline conflicts} against a real PostgreSQL conflicts table, filled by the job's own
 * upsert, and a real Kafka control topic: what each subcommand selects, prints and publishes.
 */
class ConflictsCommandITCase {

    @RegisterExtension static final PostgresExtension POSTGRES = new PostgresExtension();
    @RegisterExtension static final KafkaExtension KAFKA = new KafkaExtension();

    private static final String DATABASE = "conflicts_cli";

    // Parked unless noted; detected on 30 April to 3 May 2024.
    private static final ConflictRecord ACME_CUSTOMER =
            parked("c-1", "acme", "customer", "1", "2024-05-01T10:00:00Z");
    private static final ConflictRecord GLOBEX_CUSTOMER =
            parked("c-2", "globex", "customer", "2", "2024-05-02T10:00:00Z");
    private static final ConflictRecord ACME_ORDER =
            parked("c-3", "acme", "order", "3", "2024-05-03T10:00:00Z");
    private static final ConflictRecord ACME_CUSTOMER_RESOLVED =
            ConflictRecord.newBuilder(
                            parked("c-4", "acme", "customer", "4", "2024-04-30T10:00:00Z"))
                    .setStrategy("last-writer-wins")
                    .setStatus(ConflictStatus.RESOLVED)
                    .setOutcome(ResolutionOutcome.WON)
                    .setResult(image("4", "ada@billing.example", "13.00"))
                    .setDecidedAt(Instant.parse("2024-04-30T10:00:00Z"))
                    .setDecidedBy("last-writer-wins")
                    .setDecision("right")
                    .build();

    @TempDir Path directory;

    private Path config;
    private String controlTopic;
    private ConflictsTable table;
    private final CliHarness cli = new CliHarness("conflicts");

    @BeforeAll
    static void createDatabase() {
        POSTGRES.createDatabase(DATABASE);
    }

    @BeforeEach
    void freshTableAndTopic(TestInfo test) throws Exception {
        // A control topic per test, so each test sees only what it published.
        controlTopic = "conflicts-cli." + test.getTestMethod().orElseThrow().getName();
        config = writeConfig(controlTopic);
        SynclineConfig loaded = ConfigLoader.load(config);
        ControlTopicPublisher.ensureTopic(loaded.sinks().kafka());
        try (ConflictsStore store = ConflictsStore.open(loaded.sinks().target())) {
            table = store.table();
            POSTGRES.execute(DATABASE, "DROP TABLE IF EXISTS " + table.qualifiedName());
            store.createTable();
        }
        upsert(ACME_CUSTOMER, GLOBEX_CUSTOMER, ACME_ORDER, ACME_CUSTOMER_RESOLVED);
    }

    // ---- list

    @Test
    void listShowsOpenConflictsOldestFirstWithACount() {
        assertThat(run("list")).isZero();

        assertThat(cli.listedIds()).containsExactly("c-1", "c-2", "c-3");
        assertThat(cli.lines().get(0).split("\\s+"))
                .containsExactly(
                        "ID",
                        "DETECTED",
                        "TENANT",
                        "ENTITY",
                        "STRATEGY",
                        "STATUS",
                        "OUTCOME",
                        "LEFT",
                        "RIGHT",
                        "DECISION");
        assertThat(cli.lines().get(1).split("\\s+"))
                .containsExactly(
                        "c-1",
                        "2024-05-01T10:00:00Z",
                        "acme",
                        "customer/1",
                        "manual",
                        "open",
                        "PARKED",
                        "crm",
                        "billing",
                        "-");
        assertThat(cli.lastLine()).isEqualTo("3 open conflicts");
    }

    @Test
    void listFiltersByTenantAndEntityType() {
        assertThat(run("list", "--tenant", "acme", "--entity", "customer")).isZero();
        assertThat(cli.listedIds()).containsExactly("c-1");
        assertThat(cli.lastLine()).isEqualTo("1 open conflict");

        assertThat(run("list", "--status", "all", "--tenant", "acme")).isZero();
        assertThat(cli.listedIds()).containsExactly("c-4", "c-1", "c-3");
        assertThat(cli.lastLine()).isEqualTo("3 conflicts");
    }

    @Test
    void listFiltersByStatus() {
        assertThat(run("list", "--status", "resolved")).isZero();

        assertThat(cli.listedIds()).containsExactly("c-4");
        assertThat(cli.lines().get(1).split("\\s+"))
                .containsSequence("last-writer-wins", "resolved", "WON", "crm", "billing", "right");
        assertThat(cli.lastLine()).isEqualTo("1 resolved conflict");
    }

    @Test
    void listSaysWhenTheLimitCutsItShort() {
        assertThat(run("list", "--limit", "2")).isZero();

        assertThat(cli.listedIds()).containsExactly("c-1", "c-2");
        assertThat(cli.lastLine())
                .isEqualTo("showing 2 of 3 open conflicts; narrow the selection or raise --limit");
    }

    @Test
    void listOfNothingPrintsOnlyTheCount() {
        assertThat(run("list", "--tenant", "initech")).isZero();

        assertThat(cli.out()).isEqualTo("0 open conflicts\n");
    }

    @Test
    void statusThatIsNotAStatusIsABadArgument() {
        assertThat(run("list", "--status", "parked")).isEqualTo(2);

        assertThat(cli.err()).contains("--status 'parked' is not a status");
    }

    // ---- show

    @Test
    void showPrintsBothVersionsSideBySideAndMarksTheFieldsThatDiffer() {
        assertThat(run("show", "c-1")).isZero();

        assertThat(cli.lines())
                .contains(
                        column("conflict_id", "c-1"),
                        column("status", "open"),
                        column("strategy", "manual"),
                        column("outcome", "PARKED"),
                        column("tenant", "acme"),
                        column("entity_type", "customer"),
                        column("entity_id", "1"),
                        column("detected_at", "2024-05-01T10:00:00Z"),
                        column("decided_at", "-"),
                        column("decided_by", "-"),
                        column("decision", "-"));
        assertThat(words("LEFT")).containsExactly("LEFT", "(applied)", "RIGHT", "(competing)");
        assertThat(words("source")).containsExactly("source", "crm", "billing");
        assertThat(words("committed_at"))
                .containsExactly("committed_at", "2024-05-01T09:00:00Z", "2024-05-01T09:00:05Z");
        assertThat(words("op")).containsExactly("op", "UPDATE", "UPDATE");
        // Every field once, in name order; those that differ marked.
        assertThat(fieldRows())
                .containsExactly(
                        "* balance 12.50 13.00",
                        "birthday 1990-02-03 1990-02-03",
                        "* email ada@crm.example ada@billing.example",
                        "id 1 1",
                        "note NULL NULL");
        assertThat(cli.lines()).contains("2 of 5 fields differ (marked *)");
        assertThat(cli.lastLine())
                .isEqualTo(
                        "decide it with: syncline conflicts resolve c-1 --pick left|right|<merged.json>");
    }

    @Test
    void showOfAResolvedConflictPrintsTheDecisionAndTheResult() {
        assertThat(run("show", "c-4")).isZero();

        assertThat(cli.lines())
                .contains(
                        column("status", "resolved"),
                        column("strategy", "last-writer-wins"),
                        column("decided_at", "2024-04-30T10:00:00Z"),
                        column("decided_by", "last-writer-wins"),
                        column("decision", "right"));
        assertThat(fieldRows())
                .contains(
                        "* email ada@crm.example ada@billing.example ada@billing.example",
                        "id 4 4 4");
        assertThat(cli.out()).doesNotContain("decide it with");
    }

    @Test
    void showOfAnUnknownIdFails() {
        assertThat(run("show", "nope")).isEqualTo(1);

        assertThat(cli.err())
                .contains("no conflict with id 'nope' in " + table.qualifiedName())
                .contains("syncline conflicts list --status all");
    }

    // ---- resolve

    @Test
    void resolvePickRightPublishesOneDecisionForTheRunningJob() throws Exception {
        assertThat(run("resolve", "c-1", "--pick", "right")).isZero();

        List<ConsumerRecord<byte[], byte[]>> records = controlRecords();
        assertThat(records).hasSize(1);
        assertThat(new String(records.get(0).key(), StandardCharsets.UTF_8))
                .isEqualTo("acme/customer/1");
        ControlCommand command = ControlCommands.decode(records.get(0).value());
        assertThat(command.getCommandId()).isEqualTo("decision-c-1");
        assertThat(command.getType()).isEqualTo(ControlCommandType.CONFLICT_DECISION);
        assertThat(command.getIssuedBy()).startsWith("syncline conflicts resolve by ");
        assertThat(command.getDecision())
                .isEqualTo(
                        ConflictDecision.newBuilder()
                                .setConflictId("c-1")
                                .setTenant("acme")
                                .setEntityType("customer")
                                .setEntityId("1")
                                .setPick(ConflictPick.RIGHT)
                                .setMerged(null)
                                .build());
        assertThat(cli.lines())
                .containsExactly(
                        "published decision-c-1 to control topic "
                                + controlTopic
                                + ": conflict c-1 of acme/customer/1, pick RIGHT (apply the"
                                + " competing version, from billing)",
                        "the running job applies it: it writes the chosen version to the targets,"
                                + " releases the entity's waiting changes and records the"
                                + " conflict as resolved; check with: syncline conflicts show"
                                + " c-1");
        // The job records the decision; the CLI changes nothing in the table.
        assertThat(stored("c-1").status()).isEqualTo("open");
    }

    @Test
    void resolveWithAMergedFilePublishesTheMergedImageInTheFieldsKinds() throws Exception {
        Path merged = directory.resolve("merged.json");
        Files.writeString(
                merged,
                """
                {
                  "email": "ada@merged.example",
                  "balance": 12.75,
                  "birthday": "1990-02-04",
                  "note": null
                }
                """);

        assertThat(run("resolve", "c-1", "--pick", merged.toString())).isZero();

        List<ControlCommand> commands = CliHarness.decode(controlRecords());
        assertThat(commands).hasSize(1);
        ConflictDecision decision = commands.get(0).getDecision();
        assertThat(decision.getPick()).isEqualTo(ConflictPick.MERGED);
        Map<String, FieldValue> expected = new LinkedHashMap<>();
        // Fields the file leaves out keep the applied version's values.
        expected.put("id", new FieldValue(FieldKind.LONG, 1L));
        expected.put("email", new FieldValue(FieldKind.STRING, "ada@merged.example"));
        expected.put("balance", new FieldValue(FieldKind.DECIMAL, "12.75"));
        expected.put(
                "birthday",
                new FieldValue(FieldKind.DATE, (int) LocalDate.parse("1990-02-04").toEpochDay()));
        expected.put("note", new FieldValue(FieldKind.STRING, null));
        assertThat(decision.getMerged()).isEqualTo(expected);
        assertThat(cli.lines())
                .contains(
                        "merged image (fields "
                                + merged
                                + " leaves out keep the applied version's values):",
                        "  balance   12.75               DECIMAL",
                        "  birthday  1990-02-04          DATE",
                        "  email     ada@merged.example  STRING",
                        "  id        1                   LONG",
                        "  note      NULL                STRING");
        assertThat(cli.lines().stream().filter(l -> l.startsWith("published ")))
                .containsExactly(
                        "published decision-c-1 to control topic "
                                + controlTopic
                                + ": conflict c-1 of acme/customer/1, pick MERGED (apply the"
                                + " merged image)");
    }

    @Test
    void mergedFileNamingAFieldOfNeitherVersionIsRefused() throws Exception {
        Path merged = directory.resolve("merged.json");
        Files.writeString(merged, "{\"email\": \"ada@merged.example\", \"emial\": \"x\"}");

        assertThat(run("resolve", "c-1", "--pick", merged.toString())).isEqualTo(2);

        assertThat(cli.err())
                .contains(
                        merged
                                + ": field 'emial' is in neither version of conflict c-1; its"
                                + " fields are balance, birthday, email, id, note")
                .contains("nothing was published");
        assertThat(controlRecords()).isEmpty();
    }

    @Test
    void mergedValueThatCannotHaveTheFieldsKindIsRefused() throws Exception {
        Path merged = directory.resolve("merged.json");
        Files.writeString(merged, "{\"birthday\": \"yesterday\"}");

        assertThat(run("resolve", "c-1", "--pick", merged.toString())).isEqualTo(2);

        assertThat(cli.err())
                .contains(
                        merged
                                + ": field 'birthday' is DATE, and \"yesterday\" cannot be one;"
                                + " write an ISO date, e.g. \"2024-05-01\"");
        assertThat(controlRecords()).isEmpty();
    }

    @Test
    void pickThatIsNeitherASideNorAFileIsABadArgument() throws Exception {
        assertThat(run("resolve", "c-1", "--pick", "theirs")).isEqualTo(2);

        assertThat(cli.err()).contains("--pick 'theirs' is neither left nor right");
        assertThat(controlRecords()).isEmpty();
    }

    @Test
    void resolvingAResolvedConflictIsRefused() throws Exception {
        assertThat(run("resolve", "c-4", "--pick", "left")).isEqualTo(2);

        assertThat(cli.err())
                .contains(
                        "conflict c-4 is already resolved: decision right by last-writer-wins at"
                                + " 2024-04-30T10:00:00Z; a conflict is decided once, so nothing"
                                + " was published");
        assertThat(controlRecords()).isEmpty();
    }

    @Test
    void resolvingAnUnknownConflictFails() throws Exception {
        assertThat(run("resolve", "nope", "--pick", "left")).isEqualTo(1);

        assertThat(cli.err()).contains("no conflict with id 'nope'");
        assertThat(controlRecords()).isEmpty();
    }

    @Test
    void conflictTheJobResolvedCannotBeResolvedAgainNorReopenedByAReplayedOpenRecord()
            throws Exception {
        // What the job writes once it applied a decision of c-1, then a replay after a restart.
        upsert(
                ConflictRecord.newBuilder(ACME_CUSTOMER)
                        .setStatus(ConflictStatus.RESOLVED)
                        .setOutcome(ResolutionOutcome.DECIDED)
                        .setResult(ACME_CUSTOMER.getLeft().getAfter())
                        .setDecidedAt(Instant.parse("2024-05-01T11:00:00Z"))
                        .setDecidedBy("syncline conflicts")
                        .setDecision("left")
                        .build());
        upsert(ACME_CUSTOMER);

        assertThat(stored("c-1").status()).isEqualTo("resolved");
        assertThat(run("list")).isZero();
        assertThat(cli.listedIds()).containsExactly("c-2", "c-3");
        assertThat(run("resolve", "c-1", "--pick", "right")).isEqualTo(2);
        assertThat(cli.err())
                .contains("conflict c-1 is already resolved: decision left by syncline conflicts");
        assertThat(controlRecords()).isEmpty();
    }

    // ---- failures

    @Test
    void missingConflictsTableSaysTheJobCreatesIt() {
        POSTGRES.execute(DATABASE, "DROP TABLE " + table.qualifiedName());

        assertThat(run("list")).isEqualTo(1);

        assertThat(cli.err())
                .contains("the conflicts table " + table.qualifiedName() + " does not exist")
                .contains("the sync job creates it when it starts");
    }

    @Test
    void badConfigurationIsABadArgument() throws IOException {
        Path bad = directory.resolve("bad.yaml");
        Files.writeString(bad, "sinks: {}\n");
        config = bad;

        assertThat(run("list")).isEqualTo(2);

        assertThat(cli.err()).contains(bad.toString());
    }

    // ---- helpers

    private int run(String... args) {
        return cli.run(config, args);
    }

    /** The words of the first line of output that starts with {@code first}, after blanks. */
    private List<String> words(String first) {
        return cli.lines().stream()
                .map(String::strip)
                .filter(l -> l.startsWith(first + " "))
                .findFirst()
                .map(l -> List.of(l.split("\\s+")))
                .orElseThrow(() -> new AssertionError("no line starts with " + first));
    }

    /** The rows of the field table of {@code show}, as words joined by one space. */
    private List<String> fieldRows() {
        List<String> lines = cli.lines();
        int header =
                lines.indexOf(
                        lines.stream()
                                .filter(l -> l.strip().startsWith("FIELD "))
                                .findFirst()
                                .orElseThrow());
        List<String> rows = new ArrayList<>();
        for (String line : lines.subList(header + 1, lines.size())) {
            if (line.isBlank()) {
                break;
            }
            rows.add(String.join(" ", line.strip().split("\\s+")));
        }
        return rows;
    }

    /** A line of {@code show}'s header: the column name, then its value aligned. */
    private static String column(String name, String value) {
        return String.format("%-13s%s", name + ":", value);
    }

    private StoredConflict stored(String id) throws SQLException {
        try (ConflictsStore store =
                ConflictsStore.open(ConfigLoader.load(config).sinks().target())) {
            return store.find(id).orElseThrow();
        }
    }

    private Path writeConfig(String topic) throws IOException {
        return CliHarness.writeConfig(
                directory.resolve("syncline.yaml"),
                KAFKA.bootstrapServers(),
                topic,
                POSTGRES.jdbcUrl(DATABASE),
                POSTGRES.username(),
                POSTGRES.password());
    }

    /** Writes conflicts as the job's conflicts sink does. */
    private void upsert(ConflictRecord... conflicts) throws SQLException {
        ConflictsTableUpsert upsert = table.upsertStatement();
        try (Connection connection = POSTGRES.connect(DATABASE);
                PreparedStatement statement = connection.prepareStatement(upsert.query())) {
            for (ConflictRecord conflict : conflicts) {
                upsert.statement(statement, conflict);
                statement.executeUpdate();
            }
        }
    }

    private List<ConsumerRecord<byte[], byte[]>> controlRecords() {
        return CliHarness.controlRecords(KAFKA.bootstrapServers(), controlTopic);
    }

    private static ConflictRecord parked(
            String conflictId, String tenant, String entityType, String id, String detectedAt) {
        return ConflictRecord.newBuilder()
                .setConflictId(conflictId)
                .setTenant(tenant)
                .setEntityType(entityType)
                .setEntityId(id)
                .setStrategy("manual")
                .setStatus(ConflictStatus.OPEN)
                .setOutcome(ResolutionOutcome.PARKED)
                .setLeft(
                        version(
                                "crm",
                                tenant,
                                entityType,
                                id,
                                "2024-05-01T09:00:00Z",
                                image(id, "ada@crm.example", "12.50")))
                .setRight(
                        version(
                                "billing",
                                tenant,
                                entityType,
                                id,
                                "2024-05-01T09:00:05Z",
                                image(id, "ada@billing.example", "13.00")))
                .setDetectedAt(Instant.parse(detectedAt))
                .build();
    }

    private static Map<String, FieldValue> image(String id, String email, String balance) {
        Map<String, FieldValue> image = new LinkedHashMap<>();
        image.put("id", new FieldValue(FieldKind.LONG, Long.parseLong(id)));
        image.put("email", new FieldValue(FieldKind.STRING, email));
        image.put("balance", new FieldValue(FieldKind.DECIMAL, balance));
        image.put(
                "birthday",
                new FieldValue(FieldKind.DATE, (int) LocalDate.parse("1990-02-03").toEpochDay()));
        image.put("note", new FieldValue(FieldKind.STRING, null));
        return image;
    }

    private static ChangeEvent version(
            String source,
            String tenant,
            String entityType,
            String id,
            String committedAt,
            Map<String, FieldValue> after) {
        Instant committed = Instant.parse(committedAt);
        return ChangeEvent.newBuilder()
                .setEventId(source + "/" + tenant + "/" + entityType + "/" + id)
                .setTenant(tenant)
                .setEntityType(entityType)
                .setEntityId(id)
                .setOp(Operation.UPDATE)
                .setAfter(after)
                .setSourceCommitTime(committed)
                .setCaptureTime(committed.plusMillis(200))
                .setSourceId(source)
                .setSourcePosition("0/" + id)
                .setVersion(Long.parseLong(id))
                .build();
    }
}
