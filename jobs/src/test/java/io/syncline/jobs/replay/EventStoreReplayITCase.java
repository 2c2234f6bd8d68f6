package io.syncline.jobs.replay;

import static org.assertj.core.api.Assertions.assertThat;

import io.syncline.embedded.KafkaExtension;
import io.syncline.embedded.PostgresExtension;
import io.syncline.jobs.CliRun;
import io.syncline.jobs.Poll;
import io.syncline.jobs.TableRows;
import io.syncline.jobs.TopicReader;
import io.syncline.jobs.config.ConfigLoader;
import io.syncline.jobs.config.SynclineConfig;
import io.syncline.jobs.wiring.JobEnvironments;
import io.syncline.jobs.wiring.SyncJobFactory;
import io.syncline.operators.sink.EventStorePartitions;
import io.syncline.schema.ChangeEvent;
import java.math.BigDecimal;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.stream.Collectors;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The event store end to end: the sync job at parallelism 2 on a MiniCluster over inserts, updates
 * and deletes of customers and contracts of three tenants appends every delivered change exactly
 * once to the event topic, in the partition of its entity type and tenant; {@code syncline replay}
 * then rebuilds, into new tables, the targets row for row (versions and tombstones included), their
 * state as of a time mid-run, and one tenant's rows.
 */
class EventStoreReplayITCase {

    private static final Logger LOG = LoggerFactory.getLogger(EventStoreReplayITCase.class);

    private static final Duration TIMEOUT = Duration.ofMinutes(2);

    private static final List<String> TENANTS = List.of("acme", "globex", "initech");

    @RegisterExtension static final PostgresExtension POSTGRES = new PostgresExtension();

    @RegisterExtension static final KafkaExtension KAFKA = new KafkaExtension();

    @RegisterExtension
    static final MiniClusterExtension FLINK =
            new MiniClusterExtension(
                    new MiniClusterResourceConfiguration.Builder()
                            .setNumberTaskManagers(1)
                            .setNumberSlotsPerTaskManager(2)
                            .build());

    @TempDir Path dir;

    private final Random random = new Random(11);
    private final List<Long> liveCustomers = new ArrayList<>();
    private final List<Long> liveContracts = new ArrayList<>();
    private final Map<Long, String> tenantOf = new java.util.HashMap<>();
    private long nextId = 1;
    private int changes;

    @Test
    void replaysEqualTheTargetItsStateAsOfATimeAndOneTenantsRows() throws Exception {
        String name = "replay";
        Path config = config(name, "events-" + name);
        SynclineConfig loaded = ConfigLoader.load(config);
        try (Connection source = POSTGRES.server().connect(sourceDb(name));
                Connection target = POSTGRES.server().connect(targetDb(name))) {
            for (int i = 0; i < 30; i++) {
                insert(source, i % 2 == 0 ? "customers" : "contracts");
            }
            JobClient job = start(loaded);
            // The snapshot first, so that no streamed change is merged into a snapshot read.
            awaitTargetEqualsSource(source, target);
            writeChanges(source, 150);
            awaitTargetEqualsSource(source, target);

            // Nothing is committed in the source until the snapshot is taken: the targets hold
            // exactly the changes committed up to asOf.
            Instant asOf = Instant.now();
            List<List<String>> customersAsOf = all(target, "customers");
            List<List<String>> contractsAsOf = all(target, "contracts");
            // Commit times are stored in milliseconds: a change committed in asOf's millisecond
            // would count as committed at or before it. The next ones come later.
            Poll.until(
                    TIMEOUT,
                    "the clock past asOf's millisecond",
                    () -> Instant.now().isAfter(asOf.plusMillis(2)));

            writeChanges(source, 150);
            awaitTargetEqualsSource(source, target);
            List<ChangeEvent> stored = awaitEventStore(loaded);
            Poll.cancel(job);

            assertThat(stored).as("every delivered change in the event store").hasSize(changes);
            assertThat(stored.stream().map(ChangeEvent::getEventId).collect(Collectors.toSet()))
                    .as("each once")
                    .hasSize(changes);

            CliRun customers = replay(config, "--entity", "customer", "--target", "customers_all");
            CliRun contracts = replay(config, "--entity", "contract", "--target", "contracts_all");
            assertThat(all(target, "customers_all")).isEqualTo(all(target, "customers"));
            assertThat(all(target, "contracts_all")).isEqualTo(all(target, "contracts"));
            assertThat(customers.out())
                    .contains("into public.customers_all (created)")
                    .containsPattern("Replay done in \\S+: [\\d,]+ records read, 0 unreadable")
                    .contains("customer/acme", "customer/globex", "customer/initech")
                    .contains(
                            "public.customers_all: "
                                    + count(target, "customers", "true")
                                    + " rows, "
                                    + count(target, "customers", "_syncline_deleted")
                                    + " of them tombstones");
            assertThat(contracts.out()).doesNotContain("customer/");

            replay(
                    config,
                    "--entity",
                    "customer",
                    "--as-of",
                    asOf.toString(),
                    "--target",
                    "c_asof");
            replay(
                    config,
                    "--entity",
                    "contract",
                    "--as-of",
                    asOf.toString(),
                    "--target",
                    "k_asof");
            assertThat(customersAsOf)
                    .as("the state as of mid-run is not the final one")
                    .isNotEqualTo(all(target, "customers"));
            assertThat(all(target, "c_asof")).isEqualTo(customersAsOf);
            assertThat(all(target, "k_asof")).isEqualTo(contractsAsOf);

            CliRun acme =
                    replay(
                            config,
                            "--entity",
                            "customer",
                            "--tenant",
                            "acme",
                            "--target",
                            "customers_acme");
            assertThat(acme.out()).contains("1 partition,").doesNotContain("customer/globex");
            // A tombstone has no tenant left: which tenant a row was of, the workload knows.
            assertThat(all(target, "customers_acme"))
                    .isNotEmpty()
                    .isEqualTo(
                            all(target, "customers").stream()
                                    .filter(
                                            row ->
                                                    tenantOf.get(Long.parseLong(row.get(0)))
                                                            .equals("acme"))
                                    .toList());
        }
    }

    @Test
    void mistakesAreNamedWithTheirFix() throws Exception {
        Path config = config("replay_bad", "events-never-written");

        CliRun unknown = run(config, "--entity", "order", "--target", "x");
        CliRun noEntity = run(config, "--target", "x");
        CliRun badTime =
                run(config, "--entity", "customer", "--as-of", "2026-13-01", "--target", "x");
        CliRun backwards =
                run(
                        config,
                        "--entity",
                        "customer",
                        "--from",
                        "2026-11-26T08:00:00Z",
                        "--to",
                        "2026-11-26T07:00:00Z",
                        "--target",
                        "x");
        CliRun both =
                run(
                        config,
                        "--entity",
                        "customer",
                        "--from",
                        "2026-11-26T07:00:00Z",
                        "--as-of",
                        "2026-11-26T08:00:00Z",
                        "--target",
                        "x");
        CliRun otherEntitysTable = run(config, "--entity", "customer", "--target", "contracts");
        CliRun noTopic = run(config, "--entity", "customer", "--target", "x");

        assertThat(unknown.exitCode()).isEqualTo(2);
        assertThat(unknown.err())
                .contains("unknown entity type 'order'")
                .contains("has: customer, contract");
        assertThat(noEntity.exitCode()).isEqualTo(2);
        assertThat(noEntity.err())
                .contains(
                        "--entity is needed: --target names one table, and the configuration has"
                                + " several entity types: customer, contract");
        assertThat(badTime.exitCode()).isEqualTo(2);
        assertThat(badTime.err())
                .contains(
                        "'2026-13-01' is not an ISO-8601 instant; write e.g. 2026-11-26T07:30:00Z");
        assertThat(backwards.exitCode()).isEqualTo(2);
        assertThat(backwards.err())
                .contains(
                        "--from 2026-11-26T08:00:00Z is after --to 2026-11-26T07:00:00Z; the window"
                                + " must start before it ends");
        assertThat(both.exitCode()).isEqualTo(2);
        assertThat(both.err())
                .contains("--as-of replays everything up to a time; leave out --from");
        assertThat(otherEntitysTable.exitCode()).isEqualTo(2);
        assertThat(otherEntitysTable.err())
                .contains(
                        "the table contracts is the target of entity type 'contract', not of"
                                + " 'customer'; replay into customers or a new table");
        assertThat(noTopic.exitCode()).isEqualTo(1);
        assertThat(noTopic.err())
                .contains(
                        "the event topic events-never-written does not exist at "
                                + KAFKA.bootstrapServers()
                                + ", so there is nothing to replay from;");
    }

    /** Runs {@code syncline replay -c config options}, which must succeed. */
    private static CliRun replay(Path config, String... options) {
        CliRun run = run(config, options);
        assertThat(run.exitCode()).as(run.err()).isZero();
        return run;
    }

    /** Runs {@code syncline replay -c config options} and logs what it printed. */
    private static CliRun run(Path config, String... options) {
        List<String> args = new ArrayList<>(List.of("replay", "-c", config.toString()));
        args.addAll(List.of(options));
        CliRun run = CliRun.of(args.toArray(String[]::new));
        LOG.info("syncline {} printed:\n{}{}", String.join(" ", args), run.out(), run.err());
        return run;
    }

    private JobClient start(SynclineConfig config) throws Exception {
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        JobEnvironments.configure(env, config);
        env.getConfig().disableGenericTypes();
        SyncJobFactory.create(config).build(env);
        return env.executeAsync(config.job().name());
    }

    /**
     * Reads the event topic until it holds every change made, and a little longer; checks that each
     * record is stamped with its commit time and in the partition of its tenant's entity type.
     */
    private List<ChangeEvent> awaitEventStore(SynclineConfig config) throws Exception {
        List<ChangeEvent> stored = new ArrayList<>();
        Set<String> misplaced = new HashSet<>();
        try (TopicReader reader =
                new TopicReader(KAFKA.bootstrapServers(), config.sinks().kafka().eventTopic())) {
            for (ConsumerRecord<byte[], byte[]> record :
                    reader.readUntil(
                            read -> read.size() >= changes, TIMEOUT, Duration.ofSeconds(2))) {
                ChangeEvent change =
                        ChangeEvent.getDecoder().decode(ByteBuffer.wrap(record.value()));
                assertThat(record.timestamp())
                        .as("timestamp of %s", change.getEventId())
                        .isEqualTo(change.getSourceCommitTime().toEpochMilli());
                if (record.partition()
                        != EventStorePartitions.of(change.getTenant(), change.getEntityType(), 2)) {
                    misplaced.add(change.getEventId());
                }
                stored.add(change);
            }
        }
        assertThat(misplaced)
                .as("events outside their entity type's and tenant's partition")
                .isEmpty();
        assertThat(KAFKA.server().batchCompression(config.sinks().kafka().eventTopic()))
                .as("the event topic's batches, by compression (eventStore.compression)")
                .containsOnlyKeys(config.eventStore().compression());
        return stored;
    }

    private void awaitTargetEqualsSource(Connection source, Connection target) throws Exception {
        Poll.until(
                TIMEOUT,
                "the targets to equal the source",
                () ->
                        live(source, "customers", "true")
                                        .equals(live(target, "customers", "NOT _syncline_deleted"))
                                && live(source, "contracts", "true")
                                        .equals(
                                                live(
                                                        target,
                                                        "contracts",
                                                        "NOT _syncline_deleted")));
    }

    private static List<List<String>> live(Connection connection, String table, String filter)
            throws SQLException {
        return TableRows.query(
                connection,
                "SELECT id, tenant_id, name, amount FROM "
                        + table
                        + " WHERE "
                        + filter
                        + " ORDER BY id");
    }

    /** Every row of a target table, version and tombstone flag included. */
    private static List<List<String>> all(Connection target, String table) throws SQLException {
        return TableRows.query(target, "SELECT * FROM " + table + " ORDER BY id");
    }

    private static long count(Connection target, String table, String filter) throws SQLException {
        return Long.parseLong(
                TableRows.query(target, "SELECT count(*) FROM " + table + " WHERE " + filter)
                        .get(0)
                        .get(0));
    }

    /** {@code count} random inserts, updates and deletes of customers and contracts, one each. */
    private void writeChanges(Connection source, int count) throws SQLException {
        for (int i = 0; i < count; i++) {
            int dice = random.nextInt(10);
            if (dice < 3 || liveCustomers.isEmpty()) {
                insert(source, "customers");
            } else if (dice < 5) {
                insert(source, "contracts");
            } else if (dice < 7) {
                update(source, "customers", pick(liveCustomers));
            } else if (dice < 8 && !liveContracts.isEmpty()) {
                update(source, "contracts", pick(liveContracts));
            } else if (dice < 9) {
                delete(source, "customers", liveCustomers);
            } else if (!liveContracts.isEmpty()) {
                delete(source, "contracts", liveContracts);
            } else {
                update(source, "customers", pick(liveCustomers));
            }
        }
    }

    private long pick(List<Long> ids) {
        return ids.get(random.nextInt(ids.size()));
    }

    private void insert(Connection source, String table) throws SQLException {
        long id = nextId++;
        String tenant = TENANTS.get(random.nextInt(TENANTS.size()));
        try (PreparedStatement insert =
                source.prepareStatement("INSERT INTO " + table + " VALUES (?, ?, ?, ?)")) {
            insert.setLong(1, id);
            insert.setString(2, tenant);
            insert.setString(3, table + " " + id);
            insert.setBigDecimal(4, BigDecimal.valueOf(random.nextInt(1_000_000), 2));
            insert.executeUpdate();
        }
        (table.equals("customers") ? liveCustomers : liveContracts).add(id);
        tenantOf.put(id, tenant);
        changes++;
    }

    private void update(Connection source, String table, long id) throws SQLException {
        try (PreparedStatement update =
                source.prepareStatement("UPDATE " + table + " SET amount = ? WHERE id = ?")) {
            update.setBigDecimal(1, BigDecimal.valueOf(random.nextInt(1_000_000), 2));
            update.setLong(2, id);
            update.executeUpdate();
        }
        changes++;
    }

    private void delete(Connection source, String table, List<Long> live) throws SQLException {
        long id = live.remove(random.nextInt(live.size()));
        try (PreparedStatement delete =
                source.prepareStatement("DELETE FROM " + table + " WHERE id = ?")) {
            delete.setLong(1, id);
            delete.executeUpdate();
        }
        changes++;
    }

    private static String sourceDb(String name) {
        return "src_" + name;
    }

    private static String targetDb(String name) {
        return "tgt_" + name;
    }

    private Path config(String name, String eventTopic) throws Exception {
        POSTGRES.server().createDatabase(sourceDb(name));
        POSTGRES.server().createDatabase(targetDb(name));
        for (String table : List.of("customers", "contracts")) {
            POSTGRES.server()
                    .execute(
                            sourceDb(name),
                            "CREATE TABLE "
                                    + table
                                    + " (id BIGINT PRIMARY KEY, tenant_id TEXT NOT NULL, name TEXT,"
                                    + " amount NUMERIC(12,2))",
                            "ALTER TABLE " + table + " REPLICA IDENTITY FULL");
        }
        Path file = dir.resolve(name + ".yaml");
        Files.writeString(
                file,
                """
                job:
                  name: it-%1$s
                  parallelism: 2
                checkpoints:
                  interval: 1s
                  directory: %2$s
                restart:
                  initialBackoff: 200ms
                  maxBackoff: 2s
                tenants: [%3$s]
                sources:
                  - id: crm_%1$s
                    hostname: %4$s
                    port: %5$d
                    database: %6$s
                    username: %7$s
                    password: %8$s
                    tables:
                      - table: public.customers
                        entityType: customer
                        tenantColumn: tenant_id
                      - table: public.contracts
                        entityType: contract
                        tenantColumn: tenant_id
                sinks:
                  kafka:
                    bootstrapServers: %9$s
                    changeTopic: changes-%1$s
                    errorTopic: errors-%1$s
                    controlTopic: control-%1$s
                    conflictTopic: conflicts-%1$s
                    auditTopic: audit-%1$s
                    eventTopic: %10$s
                    transactionalIdPrefix: it-%1$s
                  target:
                    url: %11$s
                    username: %7$s
                    password: %8$s
                    batchInterval: 100ms
                observability:
                  enabled: false
                security:
                  audit:
                    enabled: false
                """
                        .formatted(
                                name,
                                dir.resolve("checkpoints-" + name).toUri(),
                                String.join(", ", TENANTS),
                                POSTGRES.server().host(),
                                POSTGRES.server().port(),
                                sourceDb(name),
                                POSTGRES.server().username(),
                                POSTGRES.server().password(),
                                KAFKA.bootstrapServers(),
                                eventTopic,
                                POSTGRES.server().jdbcUrl(targetDb(name))));
        return file;
    }
}
