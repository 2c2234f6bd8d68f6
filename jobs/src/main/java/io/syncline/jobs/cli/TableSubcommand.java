package io.syncline.jobs.cli;

import io.syncline.jobs.config.ConfigLoader;
import io.syncline.jobs.config.SynclineConfig;
import io.syncline.jobs.config.TargetSettings;
import io.syncline.jobs.control.TableStore;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.sql.SQLException;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.Callable;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * The common part of the subcommands that work on one of the job's own tables in the target
 * database ({@code syncline errors ...}, {@code syncline conflicts ...}): load the configuration,
 * open the table's store, and say what to do when the database cannot be reached, the table does
 * not exist yet or a statement fails.
 *
 * @param <S> the table's store
 */
abstract class TableSubcommand<S extends TableStore<?>> implements Callable<Integer> {

    @Mixin ConfigOption configOption;

    @Spec CommandSpec spec;

    private final String tableKind;
    private final String tableSetting;
    private final StoreOpener<S> opener;
    private final String retryAdvice;

    /**
     * @param tableKind what messages call the table: "the {@code tableKind} table"
     * @param tableSetting the setting under {@code sinks.target} that names the table
     * @param opener connects to the table in the target database
     * @param retryAdvice what a failed statement's message ends with
     */
    TableSubcommand(
            String tableKind, String tableSetting, StoreOpener<S> opener, String retryAdvice) {
        this.tableKind = Objects.requireNonNull(tableKind, "tableKind");
        this.tableSetting = Objects.requireNonNull(tableSetting, "tableSetting");
        this.opener = Objects.requireNonNull(opener, "opener");
        this.retryAdvice = Objects.requireNonNull(retryAdvice, "retryAdvice");
    }

    @Override
    public final Integer call() {
        checkArguments();
        SynclineConfig config = ConfigLoader.load(configOption.config);
        TargetSettings target = config.sinks().target();
        S store;
        try {
            store = opener.open(target);
        } catch (SQLException e) {
            err().println(
                            "syncline: cannot connect to PostgreSQL at "
                                    + target.url()
                                    + " as user '"
                                    + target.username()
                                    + "': "
                                    + e.getMessage()
                                    + "; is PostgreSQL running and reachable from here? check"
                                    + " sinks.target.url, username and password in "
                                    + configOption.config);
            return SynclineCli.FAILED;
        }
        try (store) {
            if (!store.tableExists()) {
                err().println(
                                "syncline: the "
                                        + tableKind
                                        + " table "
                                        + store.qualifiedName()
                                        + " does not exist in "
                                        + target.url()
                                        + "; the sync job creates it when it starts, so run"
                                        + " the job first, or check sinks.target.schema and"
                                        + " sinks.target."
                                        + tableSetting
                                        + " in "
                                        + configOption.config);
                return SynclineCli.FAILED;
            }
            return run(config, store);
        } catch (SQLException e) {
            err().println(
                            "syncline: the "
                                    + tableKind
                                    + " table "
                                    + store.qualifiedName()
                                    + " at "
                                    + target.url()
                                    + " failed: "
                                    + e.getMessage()
                                    + "; "
                                    + retryAdvice);
            return SynclineCli.FAILED;
        }
    }

    /** Checks the arguments before anything connects; throws {@link ParameterException}. */
    void checkArguments() {}

    abstract int run(SynclineConfig config, S store) throws SQLException;

    /**
     * Checks the arguments of a list subcommand: {@code status} must be one of {@code statuses} or
     * "all", and the limit at least 1.
     */
    void checkListArguments(String status, List<String> statuses, LimitOption limit) {
        if (!status.equals("all") && !statuses.contains(status)) {
            throw new ParameterException(
                    spec.commandLine(),
                    "--status '"
                            + status
                            + "' is not a status; use "
                            + String.join(", ", statuses)
                            + " or all");
        }
        if (limit.value < 1) {
            throw new ParameterException(spec.commandLine(), "--limit must be at least 1");
        }
    }

    PrintWriter out() {
        return spec.commandLine().getOut();
    }

    /** Prints {@code rows} as columns two spaces apart; the first row is the header. */
    void printTable(List<List<String>> rows) {
        printTable(out(), rows);
    }

    /** Prints {@code rows} to {@code out} as columns two spaces apart. */
    static void printTable(PrintWriter out, List<List<String>> rows) {
        int columns = rows.stream().mapToInt(List::size).max().orElse(0);
        int[] widths = new int[columns];
        for (List<String> row : rows) {
            for (int i = 0; i < row.size(); i++) {
                widths[i] = Math.max(widths[i], row.get(i).length());
            }
        }
        for (List<String> row : rows) {
            StringBuilder line = new StringBuilder();
            for (int i = 0; i < row.size(); i++) {
                String cell = row.get(i);
                line.append(cell);
                if (i < row.size() - 1) {
                    line.append(" ".repeat(widths[i] - cell.length() + 2));
                }
            }
            out.println(line.toString().stripTrailing());
        }
    }

    /** Prints one line a column: its name, then its value aligned with the others; null as -. */
    void printColumns(Map<String, ?> columns) {
        int width = columns.keySet().stream().mapToInt(String::length).max().orElse(0) + 2;
        columns.forEach(
                (name, value) ->
                        out().println(
                                        name
                                                + ":"
                                                + " ".repeat(width - name.length() - 1)
                                                + (value == null ? "-" : value)));
    }

    /**
     * The last line of {@code list}: how many {@code noun}s of {@code status} ("all": of any) there
     * are, and whether {@code --limit} left some of them out.
     */
    void printCount(int listed, int total, String status, String noun) {
        String what = (status.equals("all") ? "" : status + " ") + noun + (total == 1 ? "" : "s");
        out().println(
                        listed == total
                                ? total + " " + what
                                : "showing "
                                        + listed
                                        + " of "
                                        + total
                                        + " "
                                        + what
                                        + "; narrow the selection or raise --limit");
    }

    PrintWriter err() {
        return spec.commandLine().getErr();
    }

    static String plural(int count, String noun) {
        return count + " " + noun + (count == 1 ? "" : "s");
    }

    static String orDash(String value) {
        return value == null || value.isEmpty() ? "-" : value;
    }

    /** Connects to a table in the target database. */
    @FunctionalInterface
    interface StoreOpener<S> {
        S open(TargetSettings target) throws SQLException;
    }

    /** {@code --limit}, how many rows a list subcommand shows at most. */
    static final class LimitOption {
        @Option(
                names = "--limit",
                defaultValue = "100",
                paramLabel = "<n>",
                description = "Show at most this many (default: ${DEFAULT-VALUE}).")
        int value;
    }

    /** {@code --config}, which every subcommand needs for the target database and the brokers. */
    static final class ConfigOption {
        @Option(
                names = {"-h", "--help"},
                usageHelp = true,
                description = "Show this help and exit.")
        boolean help;

        @Option(
                names = {"-c", "--config"},
                required = true,
                description = "The YAML configuration file of the job.")
        Path config;
    }
}
