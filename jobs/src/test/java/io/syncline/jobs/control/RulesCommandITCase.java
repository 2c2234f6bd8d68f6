package io.syncline.jobs.control;

import static org.assertj.core.api.Assertions.assertThat;

import io.syncline.embedded.KafkaExtension;
import io.syncline.jobs.cli.RulesCommand;
import io.syncline.jobs.config.ConfigException;
import io.syncline.operators.control.ControlCommands;
import io.syncline.schema.ControlCommand;
import io.syncline.schema.ControlCommandType;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code syncline rules publish} against a real Kafka control topic. */
class RulesCommandITCase {

    @RegisterExtension static final KafkaExtension KAFKA = new KafkaExtension();

    @TempDir Path directory;

    private Path config;
    private String controlTopic;
    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    @BeforeEach
    void writeConfig(TestInfo test) throws IOException {
        controlTopic = "rules-cli." + test.getTestMethod().orElseThrow().getName();
        config =
                CliHarness.writeConfig(
                        directory.resolve("syncline.yaml"),
                        KAFKA.bootstrapServers(),
                        controlTopic,
                        "jdbc:postgresql://localhost:5432/warehouse",
                        "syncline",
                        "unused");
    }

    @Test
    void publishPutsTheRuleSetOnTheControlTopicUnderItsVersion() throws IOException {
        String rules = "version: 1\nentities: {}\n";
        Path file = directory.resolve("rules.yaml");
        Files.writeString(file, rules);

        assertThat(run("publish", file.toString(), "--config", config.toString())).isZero();

        assertThat(out.toString())
                .isEqualTo("published rule set version 1 to " + controlTopic + "\n");
        List<ConsumerRecord<byte[], byte[]>> records = controlRecords();
        assertThat(records).hasSize(1);
        assertThat(new String(records.get(0).key(), StandardCharsets.UTF_8)).isEqualTo("rules-v1");
        ControlCommand command = ControlCommands.decode(records.get(0).value());
        assertThat(command.getType()).isEqualTo(ControlCommandType.RULE_SET);
        assertThat(command.getCommandId()).isEqualTo("rules-v1");
        assertThat(command.getIssuedBy()).startsWith("syncline rules publish by ");
        assertThat(command.getRuleSet().getVersion()).isEqualTo(1);
        assertThat(command.getRuleSet().getRules()).isEqualTo(rules);
    }

    @Test
    void ruleFileThatDoesNotParseIsReportedAndNothingIsPublished() throws IOException {
        Path file = directory.resolve("broken.yaml");
        Files.writeString(file, "version: one\nentities: [\n");

        assertThat(run("publish", file.toString(), "--config", config.toString())).isEqualTo(2);

        assertThat(err.toString()).contains(file.toString());
        assertThat(out.toString()).isEmpty();
        assertThat(topicExists()).isFalse();
    }

    @Test
    void missingRuleFileIsReported() {
        Path file = directory.resolve("nope.yaml");

        assertThat(run("publish", file.toString(), "--config", config.toString())).isEqualTo(2);

        assertThat(err.toString()).contains("nope.yaml").contains("does not exist");
    }

    @Test
    void publishWithoutConfigIsABadArgument() throws IOException {
        Path file = directory.resolve("rules.yaml");
        Files.writeString(file, "version: 1\nentities: {}\n");

        assertThat(run("publish", file.toString())).isEqualTo(2);

        assertThat(err.toString()).contains("--config");
    }

    private int run(String... args) {
        CommandLine commandLine = new CommandLine(new RulesCommand());
        // As SynclineCli.commandLine() does.
        commandLine.setExecutionExceptionHandler(
                (e, cmd, parseResult) -> {
                    if (e instanceof ConfigException) {
                        cmd.getErr().println(e.getMessage());
                        return 2;
                    }
                    cmd.getErr().println("syncline: " + e.getMessage());
                    return 1;
                });
        commandLine.setOut(new PrintWriter(out, true));
        commandLine.setErr(new PrintWriter(err, true));
        return commandLine.execute(args);
    }

    private boolean topicExists() {
        try (KafkaConsumer<byte[], byte[]> consumer = consumer()) {
            return consumer.listTopics(Duration.ofSeconds(10)).containsKey(controlTopic);
        }
    }

    /** Everything on the control topic: its end offset says how much there is, so no waiting. */
    private List<ConsumerRecord<byte[], byte[]>> controlRecords() {
        TopicPartition partition = new TopicPartition(controlTopic, 0);
        try (KafkaConsumer<byte[], byte[]> consumer = consumer()) {
            consumer.assign(List.of(partition));
            consumer.seekToBeginning(List.of(partition));
            long end = consumer.endOffsets(List.of(partition)).get(partition);
            List<ConsumerRecord<byte[], byte[]>> records = new ArrayList<>();
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (records.size() < end && System.nanoTime() < deadline) {
                consumer.poll(Duration.ofMillis(200)).forEach(records::add);
            }
            assertThat(records).as("records on " + controlTopic).hasSize((int) end);
            return records;
        }
    }

    private static KafkaConsumer<byte[], byte[]> consumer() {
        Properties properties = new Properties();
        properties.setProperty(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, KAFKA.bootstrapServers());
        properties.setProperty(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        return new KafkaConsumer<>(
                properties, new ByteArrayDeserializer(), new ByteArrayDeserializer());
    }
}
