package io.syncline.jobs.resync;

import static org.assertj.core.api.Assertions.assertThat;

import io.syncline.embedded.KafkaExtension;
import io.syncline.embedded.PostgresExtension;
import io.syncline.jobs.CliRun;
import io.syncline.jobs.Poll;
import io.syncline.jobs.TopicReader;
import io.syncline.jobs.config.ConfigLoader;
import io.syncline.jobs.faults.SequencedWorkload;
import io.syncline.schema.ChangeEvent;
import io.syncline.schema.Operation;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Re-sync requests served by the running sync job (MiniCluster, parallelism 2, real PostgreSQL and
 * Kafka) while it streams: {@code syncline resync} for one tenant repairs that tenant's drifted
 * target rows and re-delivers its rows, and no other tenant's; an id the source does not hold is
 * deleted from the target; a request the job cannot serve fails with the reason.
 */
class ResyncITCase {

    @RegisterExtension static final PostgresExtension POSTGRES = new PostgresExtension();

    @RegisterExtension static final KafkaExtension KAFKA = new KafkaExtension();

    @RegisterExtension
    static final MiniClusterExtension FLINK =
            new MiniClusterExtension(
                    new MiniClusterResourceConfiguration.Builder()
                            .setNumberTaskManagers(1)
                            .setNumberSlotsPerTaskManager(2)
                            .build());

    private static final Logger LOG = LoggerFactory.getLogger(ResyncITCase.class);
    private static final Duration TIMEOUT = Duration.ofMinutes(2);
    private static final long EXTRA_ID = 1_000_000L;

    @TempDir Path dir;

    @Test
    void aResyncOfOneTenantRepairsItsRowsWhileTheJobStreamsAndLeavesTheOthersAlone()
            throws Exception {
        try (SequencedWorkload workload =
                new SequencedWorkload("resync", POSTGRES.server(), KAFKA.server())) {
            workload.write(300);
            Path config = config(workload);
            JobClient job = start(config);
            try {
                workload.awaitTargetEqualsSource(TIMEOUT);
                // Drift in the target for two tenants: rows lost, columns changed, an extra row.
                Map<String, List<Long>> drifted = driftTarget(workload);

                long lastIdBefore =
                        workload.sourceRows().stream()
                                .mapToLong(row -> Long.parseLong(row.get(0)))
                                .max()
                                .orElseThrow();
                workload.startWriting(20);
                CliRun acme =
                        CliRun.of(
                                "resync",
                                "-c",
                                config.toString(),
                                "--tenant",
                                "acme",
                                "--entity",
                                "account",
                                "--wait",
                                "2m");
                CliRun extra =
                        CliRun.of(
                                "resync",
                                "-c",
                                config.toString(),
                                "--tenant",
                                "acme",
                                "--entity",
                                "account",
                                "--id",
                                Long.toString(EXTRA_ID),
                                "--id",
                                "3");
                workload.stopWriting();
                LOG.info("syncline resync printed:\n{}{}{}", acme.out(), extra.out(), acme.err());

                assertThat(acme.exitCode()).as(acme.out() + acme.err()).isZero();
                assertThat(acme.out())
                        .contains("published re-sync r-")
                        .contains("(account of tenant acme, every row)")
                        .containsPattern("served: [0-9,]+ rows re-read, 0 deletes");
                assertThat(extra.exitCode()).as(extra.out() + extra.err()).isZero();
                assertThat(extra.out()).contains("served: 1 row re-read, 1 delete of ids");

                Poll.until(
                        TIMEOUT,
                        "acme's target rows to equal its source rows",
                        () ->
                                tenantRows(workload.targetRows(), "acme")
                                        .equals(tenantRows(workload.sourceRows(), "acme")));
                assertThat(liveTargetIds(workload)).doesNotContain(EXTRA_ID);

                // Globex's drift that no streamed change repaired is still there: not re-synced.
                Map<Long, List<String>> source = byId(workload.sourceRows());
                Map<Long, List<String>> target = byId(workload.targetRows());
                List<Long> untouched =
                        drifted.get("globex").stream()
                                .filter(id -> source.get(id).get(2).equals(seqAtDrift.get(id)))
                                .toList();
                assertThat(untouched).isNotEmpty();
                assertThat(untouched)
                        .allSatisfy(id -> assertThat(target.get(id)).isNotEqualTo(source.get(id)));

                List<ChangeEvent> resent = resyncedChanges(workload);
                assertThat(resent).isNotEmpty();
                assertThat(resent).extracting(ChangeEvent::getTenant).containsOnly("acme");
                Set<String> resentIds =
                        resent.stream()
                                .filter(c -> c.getOp() != Operation.DELETE)
                                .map(ChangeEvent::getEntityId)
                                .collect(Collectors.toSet());
                assertThat(resentIds)
                        .containsAll(
                                tenantRows(workload.sourceRows(), "acme").stream()
                                        .map(row -> row.get(0))
                                        .filter(id -> Long.parseLong(id) <= lastIdBefore)
                                        .toList());
            } finally {
                Poll.cancel(job);
            }
        }
    }

    @Test
    void aKeyRangeReadsOnlyItsRowsAndAnUnknownEntityTypeIsRefused() throws Exception {
        try (SequencedWorkload workload =
                new SequencedWorkload("resync_bad", POSTGRES.server(), KAFKA.server())) {
            workload.write(10);
            Path config = config(workload);
            JobClient job = start(config);
            try {
                CliRun unknown =
                        CliRun.of(
                                "resync",
                                "-c",
                                config.toString(),
                                "--tenant",
                                "acme",
                                "--entity",
                                "invoice");
                assertThat(unknown.exitCode()).isEqualTo(2);
                assertThat(unknown.err())
                        .contains("entity type 'invoice' is not mapped")
                        .contains("[account]");

                CliRun range =
                        CliRun.of(
                                "resync",
                                "-c",
                                config.toString(),
                                "--tenant",
                                "acme",
                                "--entity",
                                "account",
                                "--from",
                                "1",
                                "--to",
                                "5",
                                "--wait",
                                "2m");
                long inRange =
                        tenantRows(workload.sourceRows(), "acme").stream()
                                .filter(row -> Long.parseLong(row.get(0)) <= 5)
                                .count();
                assertThat(range.exitCode()).as(range.out() + range.err()).isZero();
                assertThat(range.out())
                        .contains("(account of tenant acme, keys 1..5)")
                        .contains("served: " + inRange + (inRange == 1 ? " row" : " rows"));
            } finally {
                Poll.cancel(job);
            }
        }
    }

    /** Each drifted row's sequence number when the drift was made. */
    private final Map<Long, String> seqAtDrift = new HashMap<>();

    /**
     * Deletes, changes and adds rows in the target for acme and globex; returns the drifted ids per
     * tenant.
     */
    private Map<String, List<Long>> driftTarget(SequencedWorkload workload) throws Exception {
        Map<String, List<Long>> drifted = new HashMap<>();
        for (List<String> row : workload.sourceRows()) {
            long id = Long.parseLong(row.get(0));
            String tenant = row.get(1);
            if ((tenant.equals("acme") || tenant.equals("globex")) && id % 7 == 0) {
                drifted.computeIfAbsent(tenant, t -> new ArrayList<>()).add(id);
                seqAtDrift.put(id, row.get(2));
            }
        }
        try (Connection target = POSTGRES.connect(workload.targetDb());
                Statement statement = target.createStatement()) {
            for (List<Long> ids : drifted.values()) {
                for (int i = 0; i < ids.size(); i++) {
                    statement.execute(
                            i % 2 == 0
                                    ? "DELETE FROM accounts WHERE id = " + ids.get(i)
                                    : "UPDATE accounts SET balance = balance + 1 WHERE id = "
                                            + ids.get(i));
                }
            }
            statement.execute(
                    "INSERT INTO accounts (id, tenant_id, seq, balance, _syncline_version,"
                            + " _syncline_deleted) VALUES ("
                            + EXTRA_ID
                            + ", 'acme', 1, 1.00, 1, false)");
        }
        return drifted;
    }

    private static List<List<String>> tenantRows(List<List<String>> rows, String tenant) {
        return rows.stream().filter(row -> row.get(1).equals(tenant)).toList();
    }

    private static Map<Long, List<String>> byId(List<List<String>> rows) {
        return rows.stream().collect(Collectors.toMap(row -> Long.parseLong(row.get(0)), r -> r));
    }

    private static List<Long> liveTargetIds(SequencedWorkload workload) throws Exception {
        List<Long> ids = new ArrayList<>();
        try (Connection target = POSTGRES.connect(workload.targetDb());
                Statement statement = target.createStatement();
                ResultSet rows =
                        statement.executeQuery(
                                "SELECT id FROM accounts WHERE NOT _syncline_deleted")) {
            while (rows.next()) {
                ids.add(rows.getLong(1));
            }
        }
        return ids;
    }

    private static List<ChangeEvent> resyncedChanges(SequencedWorkload workload) throws Exception {
        try (TopicReader reader =
                new TopicReader(KAFKA.server().bootstrapServers(), workload.changeTopic())) {
            List<ConsumerRecord<byte[], byte[]>> records =
                    reader.readUntil(read -> false, Duration.ofSeconds(5), Duration.ZERO);
            List<ChangeEvent> resynced = new ArrayList<>();
            for (ConsumerRecord<byte[], byte[]> record : records) {
                ChangeEvent change =
                        ChangeEvent.getDecoder().decode(ByteBuffer.wrap(record.value()));
                if (change.getResync() != null) {
                    resynced.add(change);
                }
            }
            return resynced;
        }
    }

    private Path config(SequencedWorkload workload) throws Exception {
        Path file = dir.resolve("syncline.yaml");
        Files.writeString(
                file,
                workload.yaml(dir.resolve("checkpoints"), 2, "observability: {enabled: false}"));
        return file;
    }

    private static JobClient start(Path file) throws Exception {
        return SequencedWorkload.startSyncJob(ConfigLoader.load(file));
    }
}
