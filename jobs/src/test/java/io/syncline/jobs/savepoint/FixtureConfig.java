package io.syncline.jobs.savepoint;

import io.syncline.embedded.EmbeddedPostgresServer;
import io.syncline.jobs.config.ConfigLoader;
import io.syncline.jobs.config.SynclineConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A fixture's configuration template ({@code sync.yaml}) and rule file ({@code rules.yaml}) filled
 * in with the servers and settings of one run: the job that made the savepoint and every job that
 * restores it read the same file, so they differ only where a run must.
 */
final class FixtureConfig {

    static final String TEMPLATE = "sync.yaml";
    static final String RULES = "rules.yaml";
    private static final Pattern TOKEN = Pattern.compile("@[A-Z_]+@");

    private FixtureConfig() {}

    /**
     * Writes the filled-in configuration and the rules into {@code workDir} and loads them.
     *
     * @param fixtureDir where the template and the rules are
     * @param heartbeat the heartbeat interval (the fixture's run writes one heartbeat only)
     */
    static SynclineConfig load(
            Path fixtureDir,
            Path workDir,
            EmbeddedPostgresServer postgres,
            String kafka,
            int parallelism,
            Duration heartbeat)
            throws IOException {
        Map<String, String> tokens = new LinkedHashMap<>();
        tokens.put("@PG_HOST@", postgres.host());
        tokens.put("@PG_PORT@", Integer.toString(postgres.port()));
        tokens.put("@PG_USER@", postgres.username());
        tokens.put("@PG_PASSWORD@", postgres.password());
        tokens.put("@KAFKA@", kafka);
        tokens.put("@PARALLELISM@", Integer.toString(parallelism));
        tokens.put("@HEARTBEAT@", heartbeat.toMillis() + "ms");
        tokens.put("@CHECKPOINTS@", workDir.resolve("checkpoints").toUri().toString());
        String config = Files.readString(fixtureDir.resolve(TEMPLATE));
        for (Map.Entry<String, String> token : tokens.entrySet()) {
            config = config.replace(token.getKey(), token.getValue());
        }
        Matcher unfilled = TOKEN.matcher(config);
        if (unfilled.find()) {
            throw new IllegalStateException(
                    fixtureDir.resolve(TEMPLATE) + ": no run fills in " + unfilled.group());
        }
        Files.createDirectories(workDir);
        Files.copy(fixtureDir.resolve(RULES), workDir.resolve(RULES));
        Path file = workDir.resolve(TEMPLATE);
        Files.writeString(file, config);
        return ConfigLoader.load(file);
    }
}
