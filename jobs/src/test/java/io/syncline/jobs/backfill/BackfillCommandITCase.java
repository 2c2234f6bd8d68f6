package io.syncline.jobs.backfill;

import static org.assertj.core.api.Assertions.assertThat;

import io.syncline.embedded.KafkaExtension;
import io.syncline.embedded.PostgresExtension;
import io.syncline.jobs.CliRun;
import io.syncline.jobs.faults.SequencedWorkload;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code syncline backfill} as an operator runs it, on a local Flink in this JVM: progress lines
 * and a summary, the target equal to the source; and mistakes named with their fix.
 */
class BackfillCommandITCase {

    @RegisterExtension static final PostgresExtension POSTGRES = new PostgresExtension();

    @RegisterExtension static final KafkaExtension KAFKA = new KafkaExtension();

    @TempDir Path dir;

    @Test
    void backfillsPrintingProgressAndASummary() throws Exception {
        try (SequencedWorkload workload =
                new SequencedWorkload("backfill_cli", POSTGRES.server(), KAFKA.server())) {
            workload.load(60_000);
            Path config = config(workload);

            CliRun run =
                    CliRun.of(
                            "backfill",
                            "-c",
                            config.toString(),
                            "--tenant",
                            "acme",
                            "--where",
                            "id > 100",
                            "--chunk-size",
                            "1000",
                            "--web-ui-port",
                            String.valueOf(freePort()));

            System.out.println(run.out());
            assertThat(run.exitCode()).as(run.err()).isZero();
            assertThat(run.out())
                    .contains("rows in accounts_backfill_cli:public.accounts")
                    .containsPattern("Backfill backfill-\\S+: 19,967 rows in")
                    .containsPattern("[\\d,]+ / 19,967 rows \\(\\d+%\\), [\\d,]+ rows/s, ETA")
                    .containsPattern("Backfill backfill-\\S+ done in \\S+: 19,967 rows counted");
            assertThat(workload.targetRows())
                    .containsExactlyElementsOf(
                            workload.sourceRows().stream()
                                    .filter(row -> row.get(1).equals("acme"))
                                    .filter(row -> Long.parseLong(row.get(0)) > 100)
                                    .toList());
        }
    }

    @Test
    void anUnknownEntityTypeOrBadSqlIsNamedWithTheFix() throws Exception {
        try (SequencedWorkload workload =
                new SequencedWorkload("backfill_cli_bad", POSTGRES.server(), KAFKA.server())) {
            Path config = config(workload);

            CliRun unknown = CliRun.of("backfill", "-c", config.toString(), "--entity", "order");
            CliRun badSql =
                    CliRun.of("backfill", "-c", config.toString(), "--where", "no_such_column > 1");

            assertThat(unknown.exitCode()).isEqualTo(2);
            assertThat(unknown.err())
                    .contains("unknown entity type 'order' in --entity;")
                    .contains("has: account");
            assertThat(badSql.exitCode()).isEqualTo(1);
            assertThat(badSql.err())
                    .contains("cannot count the rows of public.accounts")
                    .contains("no_such_column")
                    .contains("check --where 'no_such_column > 1' against the table");
        }
    }

    private Path config(SequencedWorkload workload) throws Exception {
        Path file = dir.resolve("syncline.yaml");
        Files.writeString(
                file,
                workload.yaml(
                        dir.resolve("checkpoints"),
                        2,
                        "observability: {enabled: false}\nbackfill: {rowsPerSplit: 5000}\n"));
        return file;
    }

    private static int freePort() throws Exception {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
