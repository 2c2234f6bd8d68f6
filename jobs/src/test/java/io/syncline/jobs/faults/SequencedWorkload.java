package io.syncline.jobs.faults;

import static org.assertj.core.api.Assertions.assertThat;

import io.syncline.embedded.EmbeddedKafkaBroker;
import io.syncline.embedded.EmbeddedPostgresServer;
import io.syncline.jobs.Poll;
import io.syncline.jobs.TopicReader;
import io.syncline.jobs.config.SynclineConfig;
import io.syncline.jobs.wiring.JobEnvironments;
import io.syncline.jobs.wiring.SyncJobFactory;
import io.syncline.schema.ChangeEvent;
import io.syncline.schema.FieldValue;
import io.syncline.schema.Operation;
import java.io.IOException;
import java.math.BigDecimal;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The fault-tolerance suite's workload: accounts whose every change carries a per-entity sequence
 * number ({@code seq}: 1 on insert, one more on each update), written by a background writer that
 * keeps going through source outages. At the end the source itself says what each entity's history
 * was, so a commit whose outcome a crash left unknown needs no guessing: the change topic must
 * hold, per account, every sequence number from its first sighting to its last exactly once and in
 * order (then its delete, if it was deleted), and the target table must equal the source.
 */
public final class SequencedWorkload implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(SequencedWorkload.class);

    /** The tenants the accounts belong to. */
    public static final List<String> TENANTS = List.of("acme", "globex", "initech");

    private static final String COLUMNS = "id, tenant_id, seq, balance";

    private final String name;
    private final EmbeddedPostgresServer postgres;
    private final EmbeddedPostgresServer target;
    private final EmbeddedKafkaBroker kafka;
    private final Random random = new Random(11);
    private final Map<Long, Long> deleted = new ConcurrentHashMap<>();
    private final AtomicLong nextId = new AtomicLong(1);
    private final AtomicLong writes = new AtomicLong();
    private final AtomicLong writeFailures = new AtomicLong();
    private final AtomicBoolean writing = new AtomicBoolean();
    private final List<Long> ids = new ArrayList<>();
    private Thread writer;

    /**
     * Creates the source database {@code src_<name>} with an empty {@code accounts} table and an
     * empty target database {@code tgt_<name>}.
     */
    public SequencedWorkload(
            String name, EmbeddedPostgresServer postgres, EmbeddedKafkaBroker kafka) {
        this(name, postgres, postgres, kafka);
    }

    public String sourceDb() {
        return "src_" + name;
    }

    public String targetDb() {
        return "tgt_" + name;
    }

    public String changeTopic() {
        return "changes-" + name;
    }

    public String errorTopic() {
        return "errors-" + name;
    }

    /**
     * A job config over this workload: one source, the change, error and control topics, the target
     * database, checkpoints every second under {@code checkpoints}; {@code extra} is appended as
     * further top-level sections (e.g. {@code observability:}).
     */
    public String yaml(Path checkpoints, int parallelism, String extra) {
        return """
                job:
                  name: faults-%1$s
                  parallelism: %2$d
                checkpoints:
                  interval: 1s
                  directory: %3$s
                restart:
                  initialBackoff: 200ms
                  maxBackoff: 2s
                tenants: [%4$s]
                sources:
                  - id: accounts_%1$s
                    hostname: %5$s
                    port: %6$d
                    database: %7$s
                    username: %8$s
                    password: %9$s
                    tables:
                      - table: public.accounts
                        entityType: account
                        tenantColumn: tenant_id
                sinks:
                  kafka:
                    bootstrapServers: %10$s
                    changeTopic: %11$s
                    errorTopic: %12$s
                    controlTopic: control-%1$s
                    transactionalIdPrefix: faults-%1$s
                  target:
                    url: %13$s
                    username: %8$s
                    password: %9$s
                    batchInterval: 100ms
                %14$s
                """
                .formatted(
                        name,
                        parallelism,
                        checkpoints.toUri(),
                        String.join(", ", TENANTS),
                        postgres.host(),
                        postgres.port(),
                        sourceDb(),
                        postgres.username(),
                        postgres.password(),
                        kafka.bootstrapServers(),
                        changeTopic(),
                        errorTopic(),
                        target.jdbcUrl(targetDb()),
                        extra);
    }

    /**
     * Inserts {@code count} accounts at once (sequence number 1), which the background writer then
     * updates like the accounts it created.
     */
    public void load(int count) throws SQLException {
        long first = nextId.getAndAdd(count);
        try (Connection source = postgres.connect(sourceDb());
                PreparedStatement statement =
                        source.prepareStatement(
                                "INSERT INTO accounts SELECT i, (ARRAY['"
                                        + String.join("', '", TENANTS)
                                        + "'])[(i % 3 + 1)::int], 1, (i % 100000) / 100.0"
                                        + " FROM generate_series(?, ?) i")) {
            statement.setLong(1, first);
            statement.setLong(2, first + count - 1);
            statement.executeUpdate();
        }
        synchronized (ids) {
            for (long id = first; id < first + count; id++) {
                ids.add(id);
            }
        }
    }

    /**
     * Writes {@code count} changes now: new accounts and updates of existing ones.
     *
     * @throws SQLException if the source is unreachable
     */
    public void write(int count) throws SQLException {
        try (Connection source = postgres.connect(sourceDb())) {
            for (int i = 0; i < count; i++) {
                writeOne(source);
            }
        }
    }

    /**
     * Starts writing in the background, {@code perSecond} changes a second, until {@link
     * #stopWriting()}. While the source is down the writer retries every 200 ms; a commit whose
     * outcome the outage left unknown is settled by the source's own rows at the end.
     */
    public synchronized void startWriting(int perSecond) {
        if (!writing.compareAndSet(false, true)) {
            throw new IllegalStateException("already writing");
        }
        long pauseNanos = 1_000_000_000L / perSecond;
        writer =
                new Thread(
                        () -> {
                            Connection source = null;
                            while (writing.get()) {
                                long next = System.nanoTime() + pauseNanos;
                                try {
                                    if (source == null) {
                                        source = postgres.connect(sourceDb());
                                    }
                                    writeOne(source);
                                } catch (SQLException e) {
                                    writeFailures.incrementAndGet();
                                    closeQuietly(source);
                                    source = null;
                                    next = System.nanoTime() + 200_000_000L;
                                }
                                sleepUntil(next);
                            }
                            closeQuietly(source);
                        },
                        "workload-" + name);
        writer.setDaemon(true);
        writer.start();
    }

    /** Stops the background writer and waits for its last write. */
    public synchronized void stopWriting() throws InterruptedException {
        writing.set(false);
        if (writer != null) {
            writer.join();
            writer = null;
        }
    }

    /** Changes the writer made that the source confirmed. */
    public long writes() {
        return writes.get();
    }

    /** Writes that failed, e.g. while the source was down. */
    public long writeFailures() {
        return writeFailures.get();
    }

    private void writeOne(Connection source) throws SQLException {
        long id;
        boolean insert;
        synchronized (ids) {
            insert = ids.size() < 20 || random.nextInt(10) < 3;
            id = insert ? nextId.getAndIncrement() : ids.get(random.nextInt(ids.size()));
        }
        BigDecimal balance = BigDecimal.valueOf(random.nextInt(10_000_000), 2);
        if (insert) {
            try (PreparedStatement statement =
                    source.prepareStatement("INSERT INTO accounts VALUES (?, ?, 1, ?)")) {
                statement.setLong(1, id);
                statement.setString(2, TENANTS.get((int) (id % TENANTS.size())));
                statement.setBigDecimal(3, balance);
                statement.executeUpdate();
            }
            synchronized (ids) {
                ids.add(id);
            }
        } else {
            try (PreparedStatement statement =
                    source.prepareStatement(
                            "UPDATE accounts SET seq = seq + 1, balance = ? WHERE id = ?")) {
                statement.setBigDecimal(1, balance);
                statement.setLong(2, id);
                statement.executeUpdate();
            }
        }
        writes.incrementAndGet();
    }

    /**
     * Deletes {@code count} accounts now (not while the background writer runs).
     *
     * @throws SQLException if the source is unreachable
     */
    public void delete(int count) throws SQLException {
        try (Connection source = postgres.connect(sourceDb());
                PreparedStatement statement =
                        source.prepareStatement(
                                "DELETE FROM accounts WHERE id = ? RETURNING seq")) {
            for (int i = 0; i < count; i++) {
                long id;
                synchronized (ids) {
                    id = ids.remove(random.nextInt(ids.size()));
                }
                statement.setLong(1, id);
                try (ResultSet result = statement.executeQuery()) {
                    if (result.next()) {
                        deleted.put(id, result.getLong(1));
                    }
                }
            }
        }
    }

    /** Waits until the target's accounts equal the source's, row for row. */
    public void awaitTargetEqualsSource(Duration timeout) throws Exception {
        try {
            Poll.until(
                    timeout,
                    "target accounts of " + name + " to equal the source",
                    () -> sourceRows().equals(targetRows()));
        } catch (AssertionError timedOut) {
            assertThat(targetRows()).as("target accounts").containsExactlyElementsOf(sourceRows());
            throw timedOut;
        }
    }

    /** The source's accounts, ordered by id. */
    public List<List<String>> sourceRows() throws SQLException {
        return rows(postgres, sourceDb(), "TRUE");
    }

    /** The target's live accounts, ordered by id. */
    public List<List<String>> targetRows() throws SQLException {
        return rows(target, targetDb(), "NOT _syncline_deleted");
    }

    /** How many live accounts the target holds; 0 before the job created its table. */
    public int targetRowCount() throws SQLException {
        try (Connection connection = target.connect(targetDb());
                Statement statement = connection.createStatement();
                ResultSet result =
                        statement.executeQuery(
                                "SELECT count(*) FROM accounts WHERE NOT _syncline_deleted")) {
            result.next();
            return result.getInt(1);
        } catch (SQLException e) {
            if ("42P01".equals(e.getSQLState())) {
                return 0;
            }
            throw e;
        }
    }

    private static List<List<String>> rows(
            EmbeddedPostgresServer server, String database, String filter) throws SQLException {
        List<List<String>> rows = new ArrayList<>();
        try (Connection connection = server.connect(database);
                Statement statement = connection.createStatement();
                ResultSet result =
                        statement.executeQuery(
                                "SELECT "
                                        + COLUMNS
                                        + " FROM accounts WHERE "
                                        + filter
                                        + " ORDER BY id")) {
            while (result.next()) {
                rows.add(
                        List.of(
                                result.getString(1),
                                result.getString(2),
                                result.getString(3),
                                result.getString(4)));
            }
        } catch (SQLException e) {
            if ("42P01".equals(e.getSQLState())) {
                return rows; // the target table is created by the job's first write
            }
            throw e;
        }
        return rows;
    }

    /**
     * Reads the change topic until every account's last change (its last sequence number, then its
     * delete) is there, and 3 s more so that duplicates show up, and counts, per account, what is
     * lost, duplicated and out of order. Call once the target equals the source and nothing is
     * writing.
     */
    public Verdict verify(Duration timeout) throws SQLException, IOException {
        Map<Long, Long> lastSeq = new LinkedHashMap<>();
        for (List<String> row : sourceRows()) {
            lastSeq.put(Long.parseLong(row.get(0)), Long.parseLong(row.get(2)));
        }
        lastSeq.putAll(deleted);
        List<ChangeEvent> changes = new ArrayList<>();
        Set<Long> pending = new HashSet<>(lastSeq.keySet());
        try (TopicReader reader = new TopicReader(kafka.bootstrapServers(), changeTopic())) {
            List<ConsumerRecord<byte[], byte[]>> records =
                    reader.readUntil(
                            read -> {
                                decodeNew(read, changes);
                                changes.forEach(
                                        change -> {
                                            long id = Long.parseLong(change.getEntityId());
                                            boolean last =
                                                    deleted.containsKey(id)
                                                            ? change.getOp() == Operation.DELETE
                                                            : lastSeq.get(id) != null
                                                                    && Verdict.seq(change)
                                                                            == lastSeq.get(id);
                                            if (last) {
                                                pending.remove(id);
                                            }
                                        });
                                return pending.isEmpty();
                            },
                            timeout,
                            Duration.ofSeconds(3));
            decodeNew(records, changes);
        }
        return Verdict.of(changes, lastSeq, deleted.keySet());
    }

    /** Decodes the records of {@code records} not yet in {@code decoded} into it. */
    public static void decodeNew(
            List<ConsumerRecord<byte[], byte[]>> records, List<ChangeEvent> decoded) {
        try {
            for (int i = decoded.size(); i < records.size(); i++) {
                decoded.add(
                        ChangeEvent.getDecoder().decode(ByteBuffer.wrap(records.get(i).value())));
            }
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    @Override
    public void close() throws InterruptedException {
        stopWriting();
    }

    private static void sleepUntil(long nanos) {
        long wait = nanos - System.nanoTime();
        if (wait > 0) {
            try {
                Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private static void closeQuietly(Connection connection) {
        if (connection != null) {
            try {
                connection.close();
            } catch (SQLException e) {
                LOG.debug("Closing a broken source connection", e);
            }
        }
    }

    /**
     * Starts the sync job of {@code config} on the test's MiniCluster, with generic types off so a
     * Kryo fallback fails loudly.
     */
    public static JobClient startSyncJob(SynclineConfig config) throws Exception {
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        JobEnvironments.configure(env, config);
        env.getConfig().disableGenericTypes();
        SyncJobFactory.create(config).build(env);
        return env.executeAsync(config.job().name());
    }

    /** The replication slot of {@link #yaml}'s source: Syncline's default for its id. */
    public String slotName() {
        return "syncline_accounts_" + name;
    }

    /**
     * What the change topic held against the source's history.
     *
     * @param changes change events read for the workload's accounts
     * @param entities accounts in the source's history (live and deleted)
     * @param lost sequence numbers (and deletes) the source made that the topic does not hold
     * @param duplicated changes the topic holds more than once (same sequence number or event id)
     * @param outOfOrder changes that came after a later change of the same account
     */
    public record Verdict(
            long changes, long entities, long lost, long duplicated, long outOfOrder) {

        /**
         * @param changes the change topic's events, in topic order
         * @param lastSeq each entity's last sequence number in the source (live or deleted)
         * @param deleted the entities deleted in the source
         */
        public static Verdict of(
                List<ChangeEvent> changes, Map<Long, Long> lastSeq, Set<Long> deleted) {
            Map<Long, List<ChangeEvent>> byAccount = new LinkedHashMap<>();
            Set<String> eventIds = new HashSet<>();
            long duplicated = 0;
            for (ChangeEvent change : changes) {
                if (!eventIds.add(change.getEventId())) {
                    duplicated++;
                    continue;
                }
                byAccount
                        .computeIfAbsent(
                                Long.parseLong(change.getEntityId()), k -> new ArrayList<>())
                        .add(change);
            }
            long lost = 0;
            long outOfOrder = 0;
            for (Map.Entry<Long, Long> account : lastSeq.entrySet()) {
                List<ChangeEvent> history = byAccount.getOrDefault(account.getKey(), List.of());
                long last = account.getValue();
                // A snapshot read stands for the history before it; streamed accounts start at 1.
                long first =
                        !history.isEmpty() && history.get(0).getOp() == Operation.READ
                                ? seq(history.get(0))
                                : 1;
                Set<Long> seen = new HashSet<>();
                long previous = Long.MIN_VALUE;
                boolean deleteSeen = false;
                for (ChangeEvent change : history) {
                    if (change.getOp() == Operation.DELETE) {
                        if (deleteSeen) {
                            duplicated++;
                        }
                        deleteSeen = true;
                        continue;
                    }
                    long seq = seq(change);
                    if (deleteSeen || seq < previous) {
                        outOfOrder++;
                    }
                    if (!seen.add(seq)) {
                        duplicated++;
                    }
                    previous = Math.max(previous, seq);
                }
                for (long seq = first; seq <= last; seq++) {
                    if (!seen.contains(seq)) {
                        lost++;
                    }
                }
                if (deleted.contains(account.getKey()) && !deleteSeen) {
                    lost++;
                }
            }
            return new Verdict(changes.size(), lastSeq.size(), lost, duplicated, outOfOrder);
        }

        /** The sequence number of a change: its {@code seq} column. */
        public static long seq(ChangeEvent change) {
            Map<String, FieldValue> image =
                    change.getAfter() != null ? change.getAfter() : change.getBefore();
            FieldValue seq = image.get("seq");
            return ((Number) seq.getValue()).longValue();
        }

        /** Asserts nothing was lost, duplicated or reordered. */
        public void assertExactlyOnceInOrder() {
            assertThat(lost).as("lost changes (%s)", this).isZero();
            assertThat(duplicated).as("duplicated changes (%s)", this).isZero();
            assertThat(outOfOrder).as("changes out of order (%s)", this).isZero();
        }
    }

    /**
     * Like {@link #SequencedWorkload(String, EmbeddedPostgresServer, EmbeddedKafkaBroker)}, with
     * the target database {@code tgt_<name>} on {@code target}, a server of its own that a test may
     * crash apart from the source.
     */
    public SequencedWorkload(
            String name,
            EmbeddedPostgresServer postgres,
            EmbeddedPostgresServer target,
            EmbeddedKafkaBroker kafka) {
        this.name = name;
        this.postgres = postgres;
        this.target = target;
        this.kafka = kafka;
        postgres.createDatabase(sourceDb());
        target.createDatabase(targetDb());
        postgres.execute(
                sourceDb(),
                "CREATE TABLE accounts (id BIGINT PRIMARY KEY, tenant_id TEXT NOT NULL,"
                        + " seq BIGINT NOT NULL, balance NUMERIC(12,2) NOT NULL)",
                "ALTER TABLE accounts REPLICA IDENTITY FULL");
    }
}
