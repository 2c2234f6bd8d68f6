package io.syncline.jobs.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** The command line's exit codes and messages for good and bad configurations. */
class SynclineCliTest {

    private static final Path EXAMPLE = Paths.get("../deploy/config/syncline.yaml");

    @TempDir Path dir;

    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    /** Copies the example's rule files next to the configurations the tests write. */
    @BeforeEach
    void copyRuleFiles() throws IOException {
        for (String name : new String[] {"rules.yaml", "customer.schema.json"}) {
            Files.copy(EXAMPLE.resolveSibling(name), dir.resolve(name));
        }
    }

    private int run(String... args) {
        CommandLine commandLine = SynclineCli.commandLine();
        commandLine.setOut(new PrintWriter(out, true));
        commandLine.setErr(new PrintWriter(err, true));
        return commandLine.execute(args);
    }

    @Test
    void missingFileExitsWithBadConfigAndNamesTheFile() {
        Path missing = dir.resolve("nope.yaml");

        assertThat(run("validate-config", missing.toString())).isEqualTo(SynclineCli.BAD_CONFIG);
        assertThat(err.toString()).contains(missing.toString()).doesNotContain("Exception");
    }

    @Test
    void unknownKeyExitsWithBadConfigAndSuggestsTheKnownOne() throws IOException {
        Path file = dir.resolve("typo.yaml");
        Files.writeString(
                file,
                Files.readString(EXAMPLE)
                        .replace("bootstrapServers:", "bootstrapServer:")
                        .replace("${CRM_DB_PASSWORD}", "x")
                        .replace("${TARGET_DB_PASSWORD}", "x"));

        assertThat(run("validate-config", "--offline", file.toString()))
                .isEqualTo(SynclineCli.BAD_CONFIG);
        assertThat(err.toString())
                .contains(file.toString(), "sinks.kafka", "bootstrapServer", "bootstrapServers");
    }

    @Test
    void validFileValidatesOffline() throws IOException {
        Path file = dir.resolve("good.yaml");
        Files.writeString(
                file,
                Files.readString(EXAMPLE)
                        .replace("${CRM_DB_PASSWORD}", "x")
                        .replace("${TARGET_DB_PASSWORD}", "x"));

        assertThat(run("validate-config", "--offline", file.toString())).isZero();
        assertThat(out.toString())
                .contains("is valid: 1 source(s), 2 table(s), rule set version 1")
                .contains(
                        "conflicts: contract manual, customer vector-clock/field-merge, other"
                                + " entity types last-writer-wins");
    }

    @Test
    void unreachableDatabaseAndBrokerFailRunWithBadConfig() throws IOException {
        int closedPort;
        try (ServerSocket socket = new ServerSocket(0)) {
            closedPort = socket.getLocalPort();
        }
        Path file = dir.resolve("unreachable.yaml");
        Files.writeString(
                file,
                Files.readString(EXAMPLE)
                        .replace("${CRM_DB_HOST:-localhost}", "127.0.0.1")
                        .replace("port: 5432", "port: " + closedPort)
                        .replace("${KAFKA_BOOTSTRAP:-localhost:9092}", "127.0.0.1:" + closedPort)
                        .replace("${TARGET_DB_HOST:-localhost}:5432", "127.0.0.1:" + closedPort)
                        .replace("${CRM_DB_PASSWORD}", "x")
                        .replace("${TARGET_DB_PASSWORD}", "x"));

        assertThat(run("run", "--config", file.toString())).isEqualTo(SynclineCli.BAD_CONFIG);
        assertThat(err.toString())
                .contains("sources[0]", "sinks.kafka.bootstrapServers", "sinks.target.url")
                .contains("127.0.0.1:" + closedPort);
    }
}
