package io.syncline.jobs.cli;

import io.syncline.jobs.config.ConfigLoader;
import io.syncline.jobs.config.ConfigPreflight;
import io.syncline.jobs.config.SynclineConfig;
import java.nio.file.Path;
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
        return 0;
    }
}
