package io.syncline.jobs;

import static org.assertj.core.api.Assertions.assertThat;

import io.syncline.jobs.cli.SynclineCli;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.Optional;
import picocli.CommandLine;

/**
 * One run of the {@code syncline} command line in this JVM, as its main would run it, with what it
 * printed.
 *
 * @param exitCode the exit code main would exit with
 * @param out what it printed on standard output
 * @param err what it printed on standard error
 */
public record CliRun(int exitCode, String out, String err) {

    /** Runs {@code syncline <args>}. */
    public static CliRun of(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine commandLine = SynclineCli.commandLine();
        commandLine.setOut(new PrintWriter(out, true));
        commandLine.setErr(new PrintWriter(err, true));
        int code = commandLine.execute(args);
        return new CliRun(code, out.toString(), err.toString());
    }

    /** The value of the {@code label: value} line the cluster commands print for {@code label}. */
    public String value(String label) {
        Optional<String> line = out.lines().filter(l -> l.startsWith(label + ":")).findFirst();
        assertThat(line).as("a '%s:' line in:%n%s", label, out).isPresent();
        return line.get().substring(label.length() + 1).strip();
    }
}
