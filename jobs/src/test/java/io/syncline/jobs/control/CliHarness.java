package io.syncline.jobs.control;

import static org.assertj.core.api.Assertions.assertThat;

import io.syncline.jobs.cli.SynclineCli;
import io.syncline.operators.control.ControlCommands;
import io.syncline.schema.ControlCommand;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Properties;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import picocli.CommandLine;

/**
 * What the ITCases of the {@code syncline} commands on the job's own tables share: running a
 * subcommand as the real command line does and keeping what it printed, the job configuration they
 * run with, and reading what they published on the control topic.
 */
final class CliHarness {

    private final String command;
    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    /** Runs the subcommands of {@code syncline <command>}, e.g. {@code errors}. */
    CliHarness(String command) {
        this.command = command;
    }

    /**
     * Runs {@code syncline <command> <args[0]> --config=<config> <args[1..]>} as the real command
     * line does, keeping only this run's output.
     *
     * @return the exit code
     */
    int run(Path config, String... args) {
        out.getBuffer().setLength(0);
        err.getBuffer().setLength(0);
        CommandLine commandLine = SynclineCli.commandLine();
        commandLine.setOut(new PrintWriter(out, true));
        commandLine.setErr(new PrintWriter(err, true));
        List<String> withConfig = new ArrayList<>(List.of(command, args[0]));
        withConfig.add("--config=" + config);
        withConfig.addAll(Arrays.asList(args).subList(1, args.length));
        return commandLine.execute(withConfig.toArray(String[]::new));
    }

    /** What the last run printed on standard output. */
    String out() {
        return out.toString();
    }

    /** What the last run printed on standard error. */
    String err() {
        return err.toString();
    }

    List<String> lines() {
        return out().lines().toList();
    }

    String lastLine() {
        List<String> lines = lines();
        return lines.get(lines.size() - 1);
    }

    /** The ids in the table {@code list} printed. */
    List<String> listedIds() {
        List<String> lines = lines();
        return lines.subList(1, lines.size() - 1).stream()
                .map(line -> line.split("\\s+")[0])
                .toList();
    }

    /**
     * Writes to {@code file} a job configuration with one source, the brokers and control topic
     * given, and the target database at {@code targetUrl}.
     */
    static Path writeConfig(
            Path file,
            String bootstrapServers,
            String controlTopic,
            String targetUrl,
            String username,
            String password)
            throws IOException {
        Files.writeString(
                file,
                """
                sources:
                  - id: crm
                    hostname: localhost
                    database: crm
                    username: syncline
                    tables:
                      - table: public.customers
                        entityType: customer
                        tenantColumn: tenant_id
                sinks:
                  kafka:
                    bootstrapServers: %s
                    controlTopic: %s
                  target:
                    url: %s
                    username: %s
                    password: %s
                """
                        .formatted(bootstrapServers, controlTopic, targetUrl, username, password));
        return file;
    }

    /**
     * Everything committed on the control topic, read as the job reads it ({@code read_committed});
     * its end offset says how much there is, so no waiting.
     */
    static List<ConsumerRecord<byte[], byte[]>> controlRecords(
            String bootstrapServers, String controlTopic) {
        Properties properties = new Properties();
        properties.setProperty(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        properties.setProperty(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        properties.setProperty(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        TopicPartition partition = new TopicPartition(controlTopic, 0);
        try (KafkaConsumer<byte[], byte[]> consumer =
                new KafkaConsumer<>(
                        properties, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
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

    static List<ControlCommand> decode(List<ConsumerRecord<byte[], byte[]>> records) {
        return records.stream().map(r -> ControlCommands.decode(r.value())).toList();
    }
}
