package io.syncline.jobs.config;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Optional;
import java.util.function.Function;

/**
 * Loads the YAML configuration file into a validated {@link SynclineConfig}, or fails with every
 * problem in the file at once, each naming the path inside the file, the bad value and the fix.
 *
 * <p>{@code ${VAR}} and {@code ${VAR:-default}} in values are replaced from the environment first.
 * Durations are written {@code 500ms}, {@code 5s}, {@code 2m}, {@code 1h}, {@code 1d} or in
 * ISO-8601 ({@code PT5S}). Unknown keys are errors, so that a misspelt setting is not silently
 * replaced by its default. The defaults, for what the file leaves out:
 *
 * <ul>
 *   <li>{@code job}: name {@code syncline}, parallelism 1;
 *   <li>{@code checkpoints}: interval 10s (at least 100ms), timeout 10m, minPause 0s, directory
 *       {@code file://<java.io.tmpdir>/syncline/checkpoints};
 *   <li>{@code restart}: initialBackoff 1s, maxBackoff 1m, backoffMultiplier 2.0 (above 1),
 *       resetBackoffThreshold 1h, jitterFactor 0.1 (0 to 1);
 *   <li>{@code tenants}: empty, accepting every tenant;
 *   <li>{@code sources[]}: type {@code postgres}, port 5432, password empty, slotName and
 *       publication {@code syncline_<id>}, startup {@code initial}; each table needs table,
 *       entityType and exactly one of tenantColumn and tenant; primaryKey defaults to the table's
 *       primary key constraint and targetTable to the table's name without its schema;
 *   <li>{@code sinks.kafka}: changeTopic {@code syncline.changes}, errorTopic {@code
 *       syncline.errors}, transactionalIdPrefix the job name, transactionTimeout 5m (longer than
 *       the checkpoint interval, at most 15m), no extra properties;
 *   <li>{@code sinks.target}: password empty, schema {@code public}, createTables true, batchSize
 *       500 (1 to 100000), batchInterval 200ms, retry maxRetries 5 (0 to 100), initialBackoff
 *       200ms, maxBackoff 10s, multiplier 2 (at least 1), jitter 0.1 (0 to 1), circuitBreaker
 *       openFor 30s, failureThreshold 10;
 *   <li>{@code tls} (of each source, of {@code sinks.target} and of {@code sinks.kafka}): absent
 *       means plaintext; a PostgreSQL {@code tls} block's mode defaults to verify-full; files are
 *       relative to this file; TLS 1.3 only (see docs/security/tls.md);
 *   <li>{@code backfill}: chunkSize 1000 rows per query (1 to 100000), rowsPerSplit 50000 rows per
 *       key range, parallelism the job's (each reader subtask holds one connection per source
 *       database, so it is also the connection pool's size), commitTimeLag 10s (above 0).
 * </ul>
 *
 * <p>Required: at least one source, each with an id, hostname, database, username and at least one
 * table; {@code sinks.kafka.bootstrapServers}; {@code sinks.target.url} and username.
 */
public final class ConfigLoader {

    private static final String MISSING_FILE_FIX =
            "create it or pass --config with the right path; see deploy/config/syncline.yaml";

    private ConfigLoader() {}

    /**
     * Loads the file, with placeholders replaced from the process environment.
     *
     * @throws ConfigException listing every problem found
     */
    public static SynclineConfig load(Path file) {
        return load(file, System::getenv);
    }

    /**
     * Loads the file, with placeholders replaced from the given environment ({@code Map::get} will
     * do); it returns {@code null} for unset variables.
     *
     * @throws ConfigException listing every problem found
     */
    public static SynclineConfig load(Path file, Function<String, String> environment) {
        Problems problems = new Problems();
        Optional<String> text = read(file, problems);
        Optional<JsonNode> tree = text.flatMap(t -> YamlTreeReader.read(t, environment, problems));
        if (tree.isEmpty()) {
            // Binding nothing would only add "is required" for everything.
            problems.throwIfAny(file);
        }
        SynclineConfig config = ConfigBinder.bind(file, tree.orElseThrow(), problems);
        problems.throwIfAny(file);
        return config;
    }

    private static Optional<String> read(Path file, Problems problems) {
        String where = " (" + file.toAbsolutePath().normalize() + ")";
        if (Files.isDirectory(file)) {
            problems.add(
                    "",
                    "is a directory, not a configuration file" + where + "; " + MISSING_FILE_FIX);
            return Optional.empty();
        }
        try {
            return Optional.of(Files.readString(file, StandardCharsets.UTF_8));
        } catch (NoSuchFileException e) {
            problems.add(
                    "", "the configuration file does not exist" + where + "; " + MISSING_FILE_FIX);
        } catch (AccessDeniedException e) {
            problems.add(
                    "",
                    "the configuration file cannot be read: permission denied"
                            + where
                            + "; make it readable by this user (chmod o+r), or "
                            + MISSING_FILE_FIX);
        } catch (CharacterCodingException e) {
            problems.add(
                    "", "the configuration file is not UTF-8 text" + where + "; save it as UTF-8");
        } catch (IOException e) {
            problems.add(
                    "",
                    "the configuration file cannot be read: "
                            + e
                            + where
                            + "; "
                            + MISSING_FILE_FIX);
        }
        return Optional.empty();
    }
}
