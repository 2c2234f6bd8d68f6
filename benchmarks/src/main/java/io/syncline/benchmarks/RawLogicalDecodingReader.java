package io.syncline.benchmarks;

import io.syncline.embedded.EmbeddedPostgresServer;
import java.nio.ByteBuffer;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import org.postgresql.Driver;
import org.postgresql.PGConnection;
import org.postgresql.PGProperty;
import org.postgresql.replication.PGReplicationStream;

/**
 * The baseline of CDC reads: the same WAL read through a logical replication slot with {@code
 * pgoutput} straight from pgjdbc's replication stream, with no Flink and no Debezium, counting the
 * insert, update and delete messages.
 */
final class RawLogicalDecodingReader {

    private static final String SLOT = "bench_raw";

    private final EmbeddedPostgresServer postgres;
    private final String publication;

    RawLogicalDecodingReader(EmbeddedPostgresServer postgres, String publication) {
        this.postgres = postgres;
        this.publication = publication;
    }

    /** Creates the slot, so that it keeps every change written from now on. */
    void createSlot() {
        postgres.execute(
                BenchEnvironment.SOURCE_DATABASE,
                "SELECT pg_create_logical_replication_slot('" + SLOT + "', 'pgoutput')");
    }

    /**
     * Reads the slot until {@code expected} row changes arrived.
     *
     * @return the changes per second read
     */
    double read(long expected, Duration timeout) throws SQLException, InterruptedException {
        Properties properties = new Properties();
        PGProperty.USER.set(properties, postgres.username());
        PGProperty.PASSWORD.set(properties, postgres.password());
        PGProperty.ASSUME_MIN_SERVER_VERSION.set(properties, "10");
        PGProperty.REPLICATION.set(properties, "database");
        PGProperty.PREFER_QUERY_MODE.set(properties, "simple");
        long changes = 0;
        long startNanos = System.nanoTime();
        try (Connection connection =
                new Driver()
                        .connect(postgres.jdbcUrl(BenchEnvironment.SOURCE_DATABASE), properties)) {
            PGReplicationStream stream =
                    connection
                            .unwrap(PGConnection.class)
                            .getReplicationAPI()
                            .replicationStream()
                            .logical()
                            .withSlotName(SLOT)
                            .withSlotOption("proto_version", 1)
                            .withSlotOption("publication_names", publication)
                            .withStatusInterval(1, TimeUnit.SECONDS)
                            .start();
            long deadline = startNanos + timeout.toNanos();
            while (changes < expected) {
                ByteBuffer message = stream.readPending();
                if (message == null) {
                    if (System.nanoTime() > deadline) {
                        throw new IllegalStateException(
                                "raw logical decoding read only " + changes + " of " + expected);
                    }
                    TimeUnit.MICROSECONDS.sleep(200);
                    continue;
                }
                byte type = message.get(message.position());
                if (type == 'I' || type == 'U' || type == 'D') {
                    changes++;
                }
            }
            stream.close();
        }
        double seconds = (System.nanoTime() - startNanos) / 1e9;
        dropSlot();
        return changes / seconds;
    }

    /** Drops the slot once its walsender has let go of it. */
    private void dropSlot() throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (true) {
            try {
                postgres.execute(
                        BenchEnvironment.SOURCE_DATABASE,
                        "SELECT pg_drop_replication_slot('" + SLOT + "')");
                return;
            } catch (IllegalStateException stillActive) {
                if (System.nanoTime() > deadline) {
                    throw stillActive;
                }
                TimeUnit.MILLISECONDS.sleep(100);
            }
        }
    }
}
