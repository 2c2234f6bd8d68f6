package io.syncline.jobs.cli;

import io.syncline.jobs.config.ConfigLoader;
import io.syncline.jobs.config.ConfigPreflight;
import io.syncline.jobs.config.SourceConfig;
import io.syncline.jobs.config.SynclineConfig;
import java.nio.file.Path;
import java.util.List;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code syncline validate-config}: checks a configuration without running anything. */
@Command(
        name = "validate-config",
        description =
                "Check a configuration file, and that its databases, tables and broker are"
                        + " reachable.")
final class ValidateConfigCommand implements Callable<Integer> {

    @Parameters(index = "0", description = "The YAML configuration file.")
    Path config;

    @Option(
            names = "--offline",
            description = "Check the file only; do not connect to the databases and the broker.")
    boolean offline;

    @Spec picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        SynclineConfig loaded = ConfigLoader.load(config);
        if (!offline) {
            ConfigPreflight.check(loaded);
        }
        spec.commandLine()
                .getOut()
                .printf(
                        "%s is valid: %d source(s), %d table(s), %s%s%n",
                        config,
                        loaded.sources().size(),
                        loaded.sources().stream().mapToInt(s -> s.tables().size()).sum(),
                        loaded.validation().rules() == null
                                ? "no validation rules"
                                : "rule set version " + loaded.validation().rules().getVersion(),
                        offline ? " (not connected: --offline)" : ", all systems reachable");
        spec.commandLine().getOut().println(conflictPolicies(loaded));
        return 0;
    }

    /** One line: each named entity type's conflict policy, and the bidirectional sources. */
    static String conflictPolicies(SynclineConfig config) {
        StringBuilder line = new StringBuilder("conflicts: ");
        new TreeMap<>(config.consistency().entities())
                .forEach(
                        (entityType, policy) ->
                                line.append(entityType)
                                        .append(' ')
                                        .append(policy.name())
                                        .append(", "));
        line.append("other entity types last-writer-wins");
        List<String> peers =
                config.sources().stream()
                        .filter(SourceConfig::writeBack)
                        .map(SourceConfig::id)
                        .toList();
        if (!peers.isEmpty()) {
            line.append("; written back to ").append(String.join(", ", peers));
        }
        return line.toString();
    }
}
