package io.syncline.jobs.cli;

import java.util.Objects;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** A command that only groups subcommands: run without one, it is a usage error naming them. */
abstract class CommandGroup implements Runnable {

    @Option(
            names = {"-h", "--help"},
            usageHelp = true,
            description = "Show this help and exit.")
    boolean help;

    @Spec CommandSpec spec;

    private final String subcommands;

    /**
     * @param subcommands the subcommands as the usage error lists them, e.g. "list or show"
     */
    CommandGroup(String subcommands) {
        this.subcommands = Objects.requireNonNull(subcommands, "subcommands");
    }

    @Override
    public final void run() {
        throw new ParameterException(spec.commandLine(), "name a subcommand: " + subcommands);
    }
}
