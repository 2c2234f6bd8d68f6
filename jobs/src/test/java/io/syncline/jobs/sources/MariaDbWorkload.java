package io.syncline.jobs.sources;

import static org.assertj.core.api.Assertions.assertThat;

import io.syncline.embedded.EmbeddedMariaDbServer;
import io.syncline.jobs.Poll;
import io.syncline.jobs.TableRows;
import io.syncline.jobs.TopicReader;
import io.syncline.jobs.faults.SequencedWorkload;
import io.syncline.jobs.faults.SequencedWorkload.Verdict;
import io.syncline.schema.ChangeEvent;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
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
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Accounts in a MariaDB database whose every change carries a per-entity sequence number ({@code
 * seq}: 1 on insert, one more on each update), written by a background writer, so the change topic
 * can be checked for every change exactly once and in order, and the target compared row for row.
 */
final class MariaDbWorkload implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(MariaDbWorkload.class);

    /** The configured tenants; rows of others are errors. */
    static final List<String> TENANTS = List.of("acme", "globex");

    private static final String SOURCE_COLUMNS =
            "id, tenant_id, seq, balance, DATE_FORMAT(updated_at, '%Y-%m-%d %H:%i:%s.%f')";
    private static final String TARGET_COLUMNS =
            "id, tenant_id, seq, balance, to_char(updated_at, 'YYYY-MM-DD HH24:MI:SS.US')";

    private final String name;
    private final EmbeddedMariaDbServer mariadb;
    private final Random random = new Random(7);
    private final Map<Long, Long> deleted = new ConcurrentHashMap<>();
    private final List<Long> ids = new ArrayList<>();
    private final AtomicLong nextId = new AtomicLong(1);
    private final AtomicLong writes = new AtomicLong();
    private final AtomicBoolean writing = new AtomicBoolean();
    private Thread writer;

    /** Creates the database {@code shop_<name>} with an empty {@code accounts} table. */
    MariaDbWorkload(String name, EmbeddedMariaDbServer mariadb) {
        this.name = name;
        this.mariadb = mariadb;
        mariadb.createDatabase(database());
        mariadb.execute(
                database(),
                "CREATE TABLE accounts (id BIGINT PRIMARY KEY, tenant_id VARCHAR(20) NOT NULL,"
                        + " seq BIGINT NOT NULL, balance DECIMAL(12,2) NOT NULL,"
                        + " updated_at DATETIME(3) NOT NULL)");
    }

    String database() {
        return "shop_" + name;
    }

    /** Inserts {@code count} accounts, one transaction each. */
    void insert(int count) throws SQLException {
        try (Connection connection = mariadb.connect(database())) {
            for (int i = 0; i < count; i++) {
                insert(connection, TENANTS.get(i % TENANTS.size()));
            }
        }
    }

    /** Inserts an account of {@code tenant} (any tenant), returning its id. */
    long insertOf(String tenant) throws SQLException {
        try (Connection connection = mariadb.connect(database())) {
            return insert(connection, tenant);
        }
    }

    /** Updates {@code count} random live accounts, one transaction each. */
    void update(int count) throws SQLException {
        try (Connection connection = mariadb.connect(database())) {
            for (int i = 0; i < count; i++) {
                update(connection);
            }
        }
    }

    /** Deletes {@code count} random live accounts, one transaction each. */
    void delete(int count) throws SQLException {
        try (Connection connection = mariadb.connect(database())) {
            for (int i = 0; i < count; i++) {
                delete(connection);
            }
        }
    }

    /** Starts a writer that inserts, updates and deletes about {@code perSecond} times a second. */
    void startWriting(int perSecond) {
        writing.set(true);
        long pauseNanos = 1_000_000_000L / perSecond;
        writer =
                new Thread(
                        () -> {
                            try (Connection connection = mariadb.connect(database())) {
                                long next = System.nanoTime();
                                while (writing.get()) {
                                    int dice = random.nextInt(10);
                                    if (dice < 3) {
                                        insert(connection, TENANTS.get(dice % TENANTS.size()));
                                    } else if (dice < 9) {
                                        update(connection);
                                    } else {
                                        delete(connection);
                                    }
                                    next += pauseNanos;
                                    long wait = next - System.nanoTime();
                                    if (wait > 0) {
                                        // Paces the writer; nothing waits for a result here.
                                        Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000));
                                    }
                                }
                            } catch (SQLException e) {
                                LOG.error("Writer of {} failed", name, e);
                            } catch (InterruptedException e) {
                                Thread.currentThread().interrupt();
                            }
                        },
                        "mariadb-writer-" + name);
        writer.start();
    }

    void stopWriting() throws InterruptedException {
        writing.set(false);
        if (writer != null) {
            writer.join();
            writer = null;
        }
    }

    /** Source changes made so far. */
    long writes() {
        return writes.get();
    }

    void awaitWrites(long more, Duration timeout) throws Exception {
        long target = writes() + more;
        Poll.until(timeout, more + " more source changes", () -> writes() >= target);
    }

    private synchronized long insert(Connection connection, String tenant) throws SQLException {
        long id = nextId.getAndIncrement();
        try (PreparedStatement insert =
                connection.prepareStatement("INSERT INTO accounts VALUES (?, ?, 1, ?, NOW(3))")) {
            insert.setLong(1, id);
            insert.setString(2, tenant);
            insert.setBigDecimal(3, java.math.BigDecimal.valueOf(random.nextInt(100_000), 2));
            insert.executeUpdate();
        }
        if (TENANTS.contains(tenant)) {
            ids.add(id);
        }
        writes.incrementAndGet();
        return id;
    }

    private synchronized void update(Connection connection) throws SQLException {
        if (ids.isEmpty()) {
            return;
        }
        long id = ids.get(random.nextInt(ids.size()));
        try (PreparedStatement update =
                connection.prepareStatement(
                        "UPDATE accounts SET seq = seq + 1, balance = balance + ?,"
                                + " updated_at = NOW(3) WHERE id = ?")) {
            update.setBigDecimal(1, java.math.BigDecimal.valueOf(random.nextInt(1_000), 2));
            update.setLong(2, id);
            update.executeUpdate();
        }
        writes.incrementAndGet();
    }

    private synchronized void delete(Connection connection) throws SQLException {
        if (ids.size() < 10) {
            return;
        }
        long id = ids.remove(random.nextInt(ids.size()));
        long seq =
                Long.parseLong(
                        TableRows.query(connection, "SELECT seq FROM accounts WHERE id = " + id)
                                .get(0)
                                .get(0));
        try (PreparedStatement delete =
                connection.prepareStatement("DELETE FROM accounts WHERE id = ?")) {
            delete.setLong(1, id);
            delete.executeUpdate();
        }
        deleted.put(id, seq);
        writes.incrementAndGet();
    }

    /** The configured tenants' accounts in the source, by id, as text. */
    List<List<String>> sourceRows() throws SQLException {
        try (Connection connection = mariadb.connect(database())) {
            return TableRows.query(
                    connection,
                    "SELECT "
                            + SOURCE_COLUMNS
                            + " FROM accounts WHERE tenant_id IN ('acme', 'globex') ORDER BY id");
        }
    }

    /** The live accounts in the target table, by id, as text. */
    static List<List<String>> targetRows(Connection target) throws SQLException {
        try {
            return TableRows.query(
                    target,
                    "SELECT "
                            + TARGET_COLUMNS
                            + " FROM accounts WHERE NOT _syncline_deleted ORDER BY id");
        } catch (SQLException e) {
            if ("42P01".equals(e.getSQLState())) {
                return List.of(); // not created yet
            }
            throw e;
        }
    }

    /**
     * What the change topic holds against the source's history: per account, every sequence number
     * from its first sighting to its last exactly once and in order, then its delete.
     */
    Verdict verify(String bootstrapServers, String changeTopic, Duration timeout)
            throws SQLException {
        Map<Long, Long> lastSeq = new LinkedHashMap<>();
        for (List<String> row : sourceRows()) {
            lastSeq.put(Long.parseLong(row.get(0)), Long.parseLong(row.get(2)));
        }
        lastSeq.putAll(deleted);
        Set<Long> pending = new HashSet<>(lastSeq.keySet());
        List<ChangeEvent> changes = new ArrayList<>();
        try (TopicReader reader = new TopicReader(bootstrapServers, changeTopic)) {
            List<ConsumerRecord<byte[], byte[]>> records =
                    reader.readUntil(
                            read -> {
                                SequencedWorkload.decodeNew(read, changes);
                                for (ChangeEvent change : changes) {
                                    long id = Long.parseLong(change.getEntityId());
                                    boolean last =
                                            deleted.containsKey(id)
                                                    ? change.getOp()
                                                            == io.syncline.schema.Operation.DELETE
                                                    : lastSeq.get(id) != null
                                                            && Verdict.seq(change)
                                                                    == lastSeq.get(id);
                                    if (last) {
                                        pending.remove(id);
                                    }
                                }
                                return pending.isEmpty();
                            },
                            timeout,
                            Duration.ofSeconds(3));
            SequencedWorkload.decodeNew(records, changes);
        }
        return Verdict.of(changes, lastSeq, deleted.keySet());
    }

    /** Asserts that {@code target} holds exactly the source's accounts of configured tenants. */
    void assertTargetEqualsSource(Connection target) throws SQLException {
        assertThat(targetRows(target))
                .as("target accounts")
                .containsExactlyElementsOf(sourceRows());
    }

    @Override
    public void close() throws InterruptedException {
        stopWriting();
    }
}
