package io.syncline.jobs.savepoint;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.syncline.embedded.KafkaExtension;
import io.syncline.embedded.PostgresExtension;
import io.syncline.jobs.OperatorUids;
import io.syncline.jobs.Poll;
import io.syncline.jobs.SyncJob;
import io.syncline.jobs.config.KafkaSinkSettings;
import io.syncline.jobs.config.RuleFiles;
import io.syncline.jobs.config.SourceConfig;
import io.syncline.jobs.config.SynclineConfig;
import io.syncline.jobs.control.ControlTopicPublisher;
import io.syncline.jobs.wiring.JobEnvironments;
import io.syncline.jobs.wiring.PostgresCdcSources;
import io.syncline.jobs.wiring.RestoreCheck;
import io.syncline.jobs.wiring.SyncJobFactory;
import io.syncline.jobs.wiring.WalPosition;
import io.syncline.operators.key.EntityKeys;
import io.syncline.schema.Alert;
import io.syncline.schema.AlertState;
import io.syncline.schema.AlertStatus;
import io.syncline.schema.ChangeEvent;
import io.syncline.schema.ConflictDecision;
import io.syncline.schema.ConflictPick;
import io.syncline.schema.ConflictRecord;
import io.syncline.schema.EntityVersion;
import io.syncline.schema.ErrorRecord;
import io.syncline.schema.ResolutionOutcome;
import io.syncline.schema.RuleSetDocument;
import java.math.BigDecimal;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.apache.flink.api.common.JobStatus;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.StateRecoveryOptions;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.core.execution.SavepointFormatType;
import org.apache.flink.runtime.jobgraph.SavepointRestoreSettings;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.graph.StreamGraph;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The checked-in v1 savepoint ({@code src/test/resources/savepoints/v1}, made by {@link
 * SavepointFixture} from the job of that time) against the current job. Read with the State
 * Processor API and the current operators' state descriptors, it holds what its manifest says, and
 * resolve's entity versions, written before {@code EntityVersion} had {@code lastAppliedAt}, read
 * that field's default. Restored at parallelism 3 (it was taken at 2) into the current job plus an
 * operator v1 did not have, with no state left unclaimed, against a fresh PostgreSQL and Kafka
 * prepared as the fixture's servers stood, the job goes on from the savepoint: resolve continues
 * each entity's version vector and drops a replay of a version it applied as stale, validation
 * knows the fixture's customers as parents, the parked conflict takes its decision, the open alert
 * resolves and the open quality window closes with what it had counted. Every new change reaches
 * the change topic once and in order, and the target equals the source.
 */
class SavepointCompatibilityITCase {

    private static final Duration TIMEOUT = Duration.ofMinutes(2);
    private static final int RESTORE_PARALLELISM = 3;
    private static final Duration DEDUP_TTL = Duration.ofDays(3650);
    private static final ObjectMapper JSON = new ObjectMapper();

    /** A customer of the fixture no new change touches, whose in-force version is replayed. */
    private static final String REPLAYED = EntityKeys.of("initech", "customer", "303");

    @RegisterExtension static final PostgresExtension POSTGRES = new PostgresExtension();

    @RegisterExtension static final KafkaExtension KAFKA = new KafkaExtension();

    @RegisterExtension
    static final MiniClusterExtension FLINK =
            new MiniClusterExtension(
                    new MiniClusterResourceConfiguration.Builder()
                            .setNumberTaskManagers(1)
                            .setNumberSlotsPerTaskManager(RESTORE_PARALLELISM)
                            .build());

    @TempDir Path dir;

    @Test
    void theV1SavepointHoldsWhatItsManifestSaysReadWithTheCurrentDescriptors() throws Exception {
        Path fixture = fixture();
        FixtureManifest manifest = FixtureManifest.read(fixture);
        SynclineConfig config = load(fixture);
        SavepointStates states = states(fixture.resolve(SavepointFixture.SAVEPOINT_DIR));
        String sourceId = manifest.sourceId();

        assertThat(manifest.maxParallelism()).isEqualTo(128);
        assertThat(states.maxParallelisms()).isNotEmpty().containsOnly(manifest.maxParallelism());

        Map<String, EntityVersion> versions = states.entityVersions();
        assertThat(versions.keySet())
                .containsExactlyInAnyOrderElementsOf(
                        manifest.entities().stream().map(FixtureManifest.Entity::key).toList());
        Map<String, Set<String>> seenEventIds = states.seenEventIds(DEDUP_TTL);
        for (FixtureManifest.Entity entity : manifest.entities()) {
            EntityVersion version = versions.get(entity.key());
            assertThat(version.getAppliedVersion())
                    .as(entity.key())
                    .isEqualTo(entity.appliedVersion());
            assertThat(version.getCounts())
                    .as(entity.key())
                    .containsEntry(sourceId, entity.vectorClock());
            assertThat(version.getSeen())
                    .as(entity.key())
                    .containsEntry(sourceId, entity.sourceVersion());
            assertThat(version.getChange().getEventId())
                    .isEqualTo(entity.eventIds().get(entity.eventIds().size() - 1));
            // Written before the field existed: Avro fills in its default.
            assertThat(version.getLastAppliedAt()).as(entity.key()).isEqualTo(Instant.EPOCH);
            assertThat(seenEventIds.get(entity.key()))
                    .as(entity.key())
                    .containsAll(entity.eventIds());
        }

        FixtureManifest.OpenConflict parked = manifest.openConflict();
        assertThat(states.openConflicts())
                .containsOnlyKeys(parked.entityKey())
                .extractingByKey(parked.entityKey())
                .satisfies(
                        conflict -> {
                            assertThat(conflict.getConflictId()).isEqualTo(parked.conflictId());
                            assertThat(conflict.getRight().getEventId())
                                    .isEqualTo(parked.replayedEventId());
                        });

        Map<String, Set<String>> existing = states.existingEntities();
        for (String tenant : FixtureWorkload.TENANTS) {
            assertThat(existing.get(tenant))
                    .as("entities validation knows of tenant %s", tenant)
                    .containsExactlyInAnyOrderElementsOf(
                            manifest.entities().stream()
                                    .filter(entity -> entity.key().startsWith(tenant + "/"))
                                    .filter(entity -> !entity.deleted())
                                    .map(entity -> entity.key().substring(tenant.length() + 1))
                                    .toList());
        }

        assertThat(states.ruleSetsInForce())
                .isNotEmpty()
                .extracting(RuleSetDocument::getVersion)
                .containsOnly(manifest.ruleSetVersion());

        FixtureManifest.FiringAlert firing = manifest.firingAlert();
        assertThat(states.alertConditions())
                .containsOnlyKeys(firing.condition())
                .extractingByKey(firing.condition())
                .extracting(AlertState::getOpen)
                .satisfies(
                        alert -> {
                            assertThat(alert.getAlertId()).isEqualTo(firing.alertId());
                            assertThat(alert.getStatus()).isEqualTo(AlertStatus.FIRING);
                        });

        SourceConfig source = config.sources().get(0);
        assertThat(
                        states.streamOffsets(
                                OperatorUids.source(sourceId),
                                PostgresCdcSources.create(
                                                source,
                                                List.of(),
                                                Set.copyOf(config.tenants()),
                                                new WalPosition(0, Instant.EPOCH),
                                                config.observability().heartbeat())
                                        .getSplitSerializer()))
                .containsExactly(manifest.offsetLsn());
        assertThat(manifest.offsetLsn()).isLessThanOrEqualTo(manifest.walLsnAtSavepoint());
    }

    @Test
    void restoresIntoTheCurrentJobWithAnAddedOperatorAtAnotherParallelism() throws Exception {
        Path fixture = fixture();
        FixtureManifest manifest = FixtureManifest.read(fixture);
        SynclineConfig config = load(fixture);
        SourceConfig sourceConfig = config.sources().get(0);
        KafkaSinkSettings kafka = config.sinks().kafka();
        Path savepoint = fixture.resolve(SavepointFixture.SAVEPOINT_DIR);
        EntityVersion replayed = states(savepoint).entityVersions().get(REPLAYED);

        POSTGRES.createDatabase(manifest.sourceDatabase());
        POSTGRES.createDatabase(manifest.targetDatabase());
        POSTGRES.execute(manifest.sourceDatabase(), FixtureWorkload.SCHEMA.toArray(String[]::new));
        JsonNode tables = JSON.readTree(fixture.resolve(SavepointFixture.TABLES_FILE).toFile());
        try (Connection source = POSTGRES.connect(manifest.sourceDatabase());
                Connection target = POSTGRES.connect(manifest.targetDatabase())) {
            load(tables, "source.", source);
            // The savepoint's positions and versions are LSNs of the server it was taken on: this
            // one must be past them, as that server would be, or resolve would take the new
            // changes for stale ones and PostgreSQL would skip those before the restored position.
            advanceWalPast(source, manifest.walLsnAtSavepoint());
            createSlot(source, sourceConfig.slotName());

            SyncJob job = SyncJobFactory.create(config);
            load(tables, "target.", target);
            fillControlTopic(kafka, fixture, manifest.controlTopicEndOffset());
            Configuration restore = new Configuration();
            restore.set(StateRecoveryOptions.SAVEPOINT_PATH, savepoint.toString());
            RestoreCheck.verify(config, restore);

            StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
            JobEnvironments.configure(env, config);
            env.getConfig().disableGenericTypes();
            job.build(env);
            DeliveryAudit.attach(env);
            StreamGraph graph = env.getStreamGraph();
            // allowNonRestoredState = false: every v1 operator's state must find its uid.
            graph.setSavepointRestoreSettings(
                    SavepointRestoreSettings.forPath(savepoint.toString(), false));
            Instant restoredAfter = Instant.now();
            JobClient client = env.executeAsync(graph);
            try {
                Poll.until(
                        TIMEOUT,
                        "the restored job to run",
                        () -> client.getJobStatus().get() == JobStatus.RUNNING);

                SourceWriter writer = new SourceWriter(source);
                writeNewChanges(writer);
                try (ControlTopicPublisher publisher = new ControlTopicPublisher(kafka)) {
                    publisher.publishReplay(
                            SavepointFixture.asDecoded(replayed.getChange()),
                            "savepoint-test-replay",
                            1,
                            "SavepointCompatibilityITCase");
                    FixtureManifest.OpenConflict parked = manifest.openConflict();
                    String[] key = parked.entityKey().split("/");
                    publisher.publishDecision(
                            ConflictDecision.newBuilder()
                                    .setConflictId(parked.conflictId())
                                    .setTenant(key[0])
                                    .setEntityType(key[1])
                                    .setEntityId(key[2])
                                    .setPick(ConflictPick.LEFT)
                                    .build(),
                            "SavepointCompatibilityITCase");
                }
                awaitTargetEqualsSource(source, target);

                assertNewChangesOnceInOrderAfterTheRestoredVersions(
                        manifest, new FixtureTopics(KAFKA.bootstrapServers()), kafka, writer);
                assertRestoredStateDecided(manifest, kafka, target);

                String v2Savepoint =
                        client.stopWithSavepoint(
                                        false,
                                        dir.resolve("v2").toUri().toString(),
                                        SavepointFormatType.CANONICAL)
                                .get(2, TimeUnit.MINUTES);
                assertV2SavepointHoldsTheNewField(v2Savepoint, writer, restoredAfter);
            } finally {
                if (!client.getJobStatus().get().isGloballyTerminalState()) {
                    Poll.cancel(client);
                }
            }
        }
    }

    private static void awaitTargetEqualsSource(Connection source, Connection target)
            throws Exception {
        try {
            Poll.until(
                    TIMEOUT,
                    "the target to equal the source",
                    () -> FixtureTables.targetEqualsSource(source, target));
        } catch (AssertionError timedOut) {
            for (String table : FixtureWorkload.TABLES) {
                assertThat(FixtureTables.rows(target, table, "NOT _syncline_deleted"))
                        .as("target %s", table)
                        .containsExactlyElementsOf(FixtureTables.rows(source, table, "true"));
            }
            throw timedOut;
        }
    }

    /**
     * Per entity: updates of fixture entities (customers, a contract, the parked account), a
     * delete, new customers, and new contracts whose customers only the restored validation state
     * knows.
     */
    private static void writeNewChanges(SourceWriter writer) throws SQLException {
        writer.update("customers", 102, Map.of("tier", "gold"));
        writer.update("customers", 103, Map.of("name", "Customer 103 AG"));
        writer.update("customers", 201, Map.of("tier", "platinum"));
        writer.update("customers", 305, Map.of("tier", "silver"));
        writer.update("contracts", 251, Map.of("amount", new BigDecimal("175.00")));
        writer.update("accounts", 191, Map.of("credit_limit", new BigDecimal("3000.00")));
        writer.delete("customers", 206);
        writer.insert("contracts", 154, "acme", contract(105));
        writer.insert("contracts", 354, "initech", contract(302));
        for (String tenant : List.of("acme", "globex")) {
            long id = FixtureWorkload.base(tenant) + 7;
            Map<String, Object> customer = new LinkedHashMap<>();
            customer.put("name", "Customer " + id);
            customer.put("tier", "bronze");
            writer.insert("customers", id, tenant, customer);
            writer.update("customers", id, Map.of("tier", "silver"));
        }
        writer.update("customers", 102, Map.of("name", "Customer 102 GmbH"));
    }

    private static Map<String, Object> contract(long customerId) {
        Map<String, Object> columns = new LinkedHashMap<>();
        columns.put("customer_id", customerId);
        columns.put("amount", new BigDecimal("300.00"));
        columns.put("status", "draft");
        return columns;
    }

    /**
     * The new changes, each once and in order, and nothing else; each fixture entity's version
     * vector goes on from the savepoint's count, its applied version above the savepoint's.
     */
    private static void assertNewChangesOnceInOrderAfterTheRestoredVersions(
            FixtureManifest manifest,
            FixtureTopics topics,
            KafkaSinkSettings kafka,
            SourceWriter writer) {
        Map<String, List<SourceWriter.Written>> written = writer.written();
        int count = written.values().stream().mapToInt(List::size).sum();
        List<ChangeEvent> changes =
                topics.read(
                        kafka.changeTopic(),
                        ChangeEvent.getDecoder(),
                        read -> read.size() >= count,
                        TIMEOUT);
        SequenceVerdict verdict = SequenceVerdict.of(changes, written);
        System.out.println("FAULT-RESULT savepoint-v1 " + verdict);
        verdict.assertExactlyOnceInOrder();
        assertThat(changes)
                .as("only the new changes: the replay of %s is stale", REPLAYED)
                .extracting(EntityKeys::of)
                .allMatch(written::containsKey)
                .hasSize(count);

        Map<String, ChangeEvent> firstOf = new LinkedHashMap<>();
        changes.forEach(change -> firstOf.putIfAbsent(EntityKeys.of(change), change));
        Set<String> fixtureKeys =
                manifest.entities().stream()
                        .map(FixtureManifest.Entity::key)
                        .collect(Collectors.toSet());
        firstOf.forEach(
                (key, first) -> {
                    long restored =
                            fixtureKeys.contains(key) ? manifest.entity(key).vectorClock() : 0;
                    assertThat(first.getVectorClock())
                            .as("version vector of %s's first change after the restore", key)
                            .containsEntry(manifest.sourceId(), restored + 1);
                    if (fixtureKeys.contains(key)) {
                        assertThat(first.getVersion())
                                .as("applied version of %s", key)
                                .isGreaterThan(manifest.entity(key).appliedVersion());
                    }
                });
        assertThat(firstOf.keySet())
                .as("fixture entities changed after the restore")
                .containsAll(
                        List.of(
                                "acme/customer/102",
                                "initech/customer/305",
                                "globex/contract/251",
                                "acme/account/191"));
    }

    /**
     * The restored state decided: the replay was stale, the parked conflict took its decision, the
     * open alert resolved, the open window closed with its count, and no new change waited for a
     * parent or was rejected.
     */
    private static void assertRestoredStateDecided(
            FixtureManifest manifest, KafkaSinkSettings kafka, Connection target) throws Exception {
        FixtureTopics topics = new FixtureTopics(KAFKA.bootstrapServers());
        String decided = manifest.openConflict().conflictId();
        List<ConflictRecord> conflicts =
                topics.read(
                        kafka.conflictTopic(),
                        ConflictRecord.getDecoder(),
                        read ->
                                read.stream().anyMatch(c -> c.getConflictId().equals(decided))
                                        && read.stream()
                                                .anyMatch(
                                                        c ->
                                                                EntityKeys.of(c.getRight())
                                                                        .equals(REPLAYED)),
                        TIMEOUT);
        assertThat(conflicts)
                .filteredOn(c -> c.getConflictId().equals(decided))
                .singleElement()
                .satisfies(c -> assertThat(c.getOutcome()).isEqualTo(ResolutionOutcome.DECIDED));
        assertThat(conflicts)
                .filteredOn(c -> EntityKeys.of(c.getRight()).equals(REPLAYED))
                .singleElement()
                .satisfies(c -> assertThat(c.getOutcome()).isEqualTo(ResolutionOutcome.LOST));

        String alertId = manifest.firingAlert().alertId();
        List<Alert> alerts =
                topics.read(
                        kafka.alertTopic(),
                        Alert.getDecoder(),
                        read -> read.stream().anyMatch(a -> a.getAlertId().equals(alertId)),
                        TIMEOUT);
        assertThat(alerts)
                .filteredOn(a -> a.getAlertId().equals(alertId))
                .extracting(Alert::getStatus)
                .containsExactly(AlertStatus.RESOLVED);

        FixtureManifest.OpenWindow window = manifest.openWindow();
        Poll.until(
                TIMEOUT,
                "the quality row of the window open in the savepoint",
                () -> validatedIn(target, window) != null);
        assertThat(validatedIn(target, window)).isEqualTo(window.validated());

        assertThat(
                        topics.read(
                                kafka.errorTopic(),
                                ErrorRecord.getDecoder(),
                                read -> true,
                                Duration.ofSeconds(1)))
                .extracting(ErrorRecord::getCode)
                .as("errors after the restore")
                .isEmpty();
    }

    /**
     * The v2 savepoint: entities changed after the restore carry when resolve applied them, the
     * others still the default; the added operator's state is in it, under its uid.
     */
    private void assertV2SavepointHoldsTheNewField(
            String v2Savepoint, SourceWriter writer, Instant restoredAfter) throws Exception {
        SavepointStates states = states(Path.of(java.net.URI.create(v2Savepoint)));
        Map<String, EntityVersion> versions = states.entityVersions();
        Set<String> changed = writer.written().keySet();
        assertThat(versions)
                .hasEntrySatisfying(
                        "acme/customer/104",
                        untouched ->
                                assertThat(untouched.getLastAppliedAt()).isEqualTo(Instant.EPOCH));
        for (String key : changed) {
            assertThat(versions.get(key).getLastAppliedAt())
                    .as("when %s was last applied", key)
                    .isAfterOrEqualTo(restoredAfter.minusSeconds(1));
        }
        Map<String, Long> audited =
                states.values(DeliveryAudit.UID, DeliveryAudit.lastVersionState(), Types.LONG);
        assertThat(audited).containsOnlyKeys(changed);
        changed.forEach(
                key ->
                        assertThat(audited.get(key))
                                .as("version the audit saw last of %s", key)
                                .isEqualTo(versions.get(key).getAppliedVersion()));
    }

    private static Long validatedIn(Connection target, FixtureManifest.OpenWindow window)
            throws SQLException {
        try (PreparedStatement query =
                target.prepareStatement(
                        "SELECT validated FROM quality_metrics WHERE tenant = ? AND entity_type = ?"
                                + " AND window_start = ?")) {
            query.setString(1, window.tenant());
            query.setString(2, window.entityType());
            query.setObject(
                    3,
                    Instant.ofEpochMilli(window.startMillis()).atOffset(java.time.ZoneOffset.UTC));
            try (ResultSet row = query.executeQuery()) {
                return row.next() ? row.getLong(1) : null;
            }
        }
    }

    private static void load(JsonNode tables, String prefix, Connection connection)
            throws SQLException {
        for (Iterator<Map.Entry<String, JsonNode>> it = tables.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> table = it.next();
            if (table.getKey().startsWith(prefix)) {
                FixtureTables.load(
                        connection,
                        table.getKey().substring(prefix.length()),
                        table.getValue().toString());
            }
        }
    }

    /** Switches WAL segments until the server's position is past {@code lsn}. */
    private static void advanceWalPast(Connection source, long lsn) throws SQLException {
        try (Statement statement = source.createStatement()) {
            while (SavepointFixture.currentWalLsn(source) <= lsn) {
                // A switch needs something written in the current segment.
                statement.execute("SELECT pg_logical_emit_message(false, 'syncline', 'advance')");
                statement.execute("SELECT pg_switch_wal()");
            }
        }
    }

    /** The slot as the fixture's server had it, created here: it starts at the position now. */
    private static void createSlot(Connection source, String slot) throws SQLException {
        try (PreparedStatement create =
                source.prepareStatement(
                        "SELECT pg_create_logical_replication_slot(?, 'pgoutput')")) {
            create.setString(1, slot);
            create.execute();
        }
    }

    /**
     * The control topic up to where the savepoint's control source goes on reading: it held the
     * replay and rule set 2; rule set 2 stands in for both (nothing reads them again).
     */
    private static void fillControlTopic(KafkaSinkSettings kafka, Path fixture, long commands)
            throws Exception {
        RuleSetDocument rules = RuleFiles.read(fixture.resolve(SavepointFixture.RULES_V2_FILE));
        try (ControlTopicPublisher publisher = new ControlTopicPublisher(kafka)) {
            for (long i = 0; i < commands; i++) {
                publisher.publishRuleSet(rules, "SavepointCompatibilityITCase");
            }
        }
    }

    private SynclineConfig load(Path fixture) throws Exception {
        return FixtureConfig.load(
                fixture,
                dir.resolve("work"),
                POSTGRES.server(),
                KAFKA.bootstrapServers(),
                RESTORE_PARALLELISM,
                Duration.ofSeconds(1));
    }

    private static SavepointStates states(Path savepoint) throws Exception {
        return new SavepointStates(
                StreamExecutionEnvironment.getExecutionEnvironment(), savepoint.toString());
    }

    private static Path fixture() throws Exception {
        return Path.of(
                        SavepointCompatibilityITCase.class
                                .getResource("/savepoints/v1/" + FixtureManifest.FILE)
                                .toURI())
                .getParent();
    }
}
