package io.syncline.jobs.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code syncline submit}: starts the sync job on a Flink cluster. */
@Command(
        name = "submit",
        description =
                "Check the configuration, upload the job jar to the Flink cluster and start the"
                        + " sync job (from a savepoint with --from); waits until it runs and"
                        + " prints its id and web UI page.",
        sortOptions = false)
final class SubmitCommand extends StartCommand {

    @Option(
            names = "--from",
            paramLabel = "<savepoint>",
            description = "Start from this savepoint or retained checkpoint (chk-<n> directory).")
    String from;

    @Override
    String from() {
        return from;
    }
}
