package io.syncline.jobs.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code syncline resume}: starts the sync job on a Flink cluster from a savepoint or retained
 * checkpoint, e.g. to roll back to the previous version after an upgrade.
 */
@Command(
        name = "resume",
        description =
                "Start the sync job on the Flink cluster from a savepoint or retained checkpoint:"
                        + " after stop --savepoint, after a failed job, or to roll back an"
                        + " upgrade (with the old jar and configuration).",
        sortOptions = false)
final class ResumeCommand extends StartCommand {

    @Option(
            names = "--from",
            required = true,
            paramLabel = "<savepoint>",
            description =
                    "The savepoint, or a retained checkpoint's chk-<n> directory, to start from.")
    String from;

    @Override
    String from() {
        return from;
    }
}
