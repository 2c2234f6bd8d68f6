package io.syncline.jobs.config;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.Function;

/** Loads configuration text from a file, as {@code syncline} does, for the binder's tests. */
final class ConfigFiles {

    /** The least {@code sinks:} section a configuration loads with, for tests of other sections. */
    static final String SINKS =
            """
            sinks:
              kafka:
                bootstrapServers: kafka:9092
              target:
                url: jdbc:postgresql://localhost:5432/warehouse
                username: syncline
            """;

    private ConfigFiles() {}

    /** {@code yaml} written to {@code syncline.yaml} in {@code directory} and loaded. */
    static SynclineConfig load(Path directory, String yaml) {
        return load(directory, yaml, name -> null);
    }

    /** {@code yaml} loaded with {@code environment} giving the values of {@code ${NAME}}. */
    static SynclineConfig load(Path directory, String yaml, Function<String, String> environment) {
        Path file = directory.resolve("syncline.yaml");
        try {
            Files.writeString(file, yaml);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return ConfigLoader.load(file, environment);
    }

    /** The problems of {@code yaml}, which must have some. */
    static ConfigException failure(Path directory, String yaml) {
        try {
            load(directory, yaml);
        } catch (ConfigException e) {
            return e;
        }
        throw new AssertionError("expected a ConfigException");
    }

    /** The message of the problem at {@code path}. */
    static String problem(ConfigException e, String path) {
        return e.problems().stream()
                .filter(p -> p.path().equals(path))
                .map(ConfigProblem::message)
                .findFirst()
                .orElseThrow(() -> new AssertionError("no problem at " + path + " in\n" + e));
    }
}
