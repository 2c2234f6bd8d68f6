package io.syncline.jobs.cli;

import io.syncline.jobs.config.SynclineConfig;
import io.syncline.jobs.control.ControlTopicPublisher;
import io.syncline.jobs.control.ErrorsStore;
import io.syncline.jobs.control.ErrorsStore.ErrorFilter;
import io.syncline.jobs.control.ErrorsStore.StoredError;
import io.syncline.jobs.control.SigningKey;
import io.syncline.operators.errors.ErrorsTable;
import io.syncline.schema.ControlCommandType;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;
import picocli.CommandLine.Command;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.TypeConversionException;

/**
 * {@code syncline errors}: works through the errors table in the target database: lists and shows
 * errors, replays the changes of fixed ones through the running job (via the control topic), and
 * discards those that need nothing more.
 */
@Command(
        name = "errors",
        description =
                "List, show, replay or discard the errors the sync job stored in the target"
                        + " database's errors table.",
        subcommands = {
            ErrorsCommand.ListErrors.class,
            ErrorsCommand.ShowErrors.class,
            ErrorsCommand.ReplayErrors.class,
            ErrorsCommand.DiscardErrors.class
        })
public final class ErrorsCommand extends CommandGroup {

    /** Rows updated per transaction by replay and discard. */
    static final int BATCH = 500;

    private static final int MESSAGE_WIDTH = 60;

    public ErrorsCommand() {
        super("list, show, replay or discard");
    }

    /** Which errors to work on; the parts combine with AND, repeated values with OR. */
    static final class Selectors {
        @Option(
                names = "--id",
                split = ",",
                paramLabel = "<id>",
                description = "An error id (repeatable, or comma-separated).")
        List<String> ids = new ArrayList<>();

        @Option(
                names = "--code",
                split = ",",
                paramLabel = "<code>",
                description = "An error code, e.g. TENANT_MISSING (repeatable).")
        List<String> codes = new ArrayList<>();

        @Option(
                names = "--tenant",
                split = ",",
                paramLabel = "<tenant>",
                description = "A tenant (repeatable).")
        List<String> tenants = new ArrayList<>();

        @Option(
                names = "--since",
                paramLabel = "<time>",
                converter = SinceConverter.class,
                description =
                        "Errors raised at or after this time: an ISO instant"
                                + " (2024-05-01T12:00:00Z) or a date (2024-05-01, from its start,"
                                + " UTC).")
        Instant since;

        @Option(
                names = "--until",
                paramLabel = "<time>",
                converter = UntilConverter.class,
                description =
                        "Errors raised before this time: an ISO instant, or a date (up to its"
                                + " end, UTC).")
        Instant until;

        ErrorFilter filter(String status) {
            return new ErrorFilter(ids, codes, tenants, status, since, until);
        }
    }

    /** The common part of the subcommands: load the configuration, open the errors table. */
    abstract static class ErrorsSubcommand extends TableSubcommand<ErrorsStore> {

        ErrorsSubcommand() {
            super(
                    "errors",
                    "errorsTable",
                    ErrorsStore::open,
                    "nothing was changed by the failed statement, run the command again once the"
                            + " database is back");
        }
    }

    @Command(
            name = "list",
            description = "List errors as a table, oldest first, with a count.",
            sortOptions = false)
    static final class ListErrors extends ErrorsSubcommand {

        @Mixin Selectors selectors;

        @Option(
                names = "--status",
                defaultValue = ErrorsTable.OPEN,
                paramLabel = "<status>",
                description = "open, replayed, discarded or all (default: ${DEFAULT-VALUE}).")
        String status;

        @Mixin LimitOption limit;

        @Override
        void checkArguments() {
            checkListArguments(status, ErrorsTable.STATUSES, limit);
        }

        @Override
        int run(SynclineConfig config, ErrorsStore store) throws SQLException {
            ErrorFilter filter = selectors.filter(status.equals("all") ? null : status);
            List<StoredError> errors = store.list(filter, limit.value);
            int total = errors.size() < limit.value ? errors.size() : store.count(filter);
            if (!errors.isEmpty()) {
                printErrors(errors);
            }
            printCount(errors.size(), total, status, "error");
            return 0;
        }

        private void printErrors(List<StoredError> errors) {
            List<String> header =
                    List.of("ID", "TIME", "TENANT", "ENTITY", "CODE", "LEVEL", "STATUS", "MESSAGE");
            List<List<String>> rows = new ArrayList<>();
            rows.add(header);
            for (StoredError error : errors) {
                rows.add(
                        List.of(
                                error.errorId(),
                                time(error.errorTime()),
                                orDash(error.tenant()),
                                entity(error),
                                error.code(),
                                Integer.toString(error.escalationLevel()),
                                error.status(),
                                truncate(oneLine(error.message()))));
            }
            printTable(rows);
        }

        /** The entity without its tenant, which has a column of its own. */
        private static String entity(StoredError error) {
            String key = error.entityKey();
            if (key == null) {
                return orDash(error.entityType());
            }
            String prefix = error.tenant() + "/";
            return error.tenant() != null && key.startsWith(prefix)
                    ? key.substring(prefix.length())
                    : key;
        }

        private static String truncate(String message) {
            return message.length() <= MESSAGE_WIDTH
                    ? message
                    : message.substring(0, MESSAGE_WIDTH - 3) + "...";
        }
    }

    @Command(
            name = "show",
            description = "Print every column of errors, and their change.",
            sortOptions = false)
    static final class ShowErrors extends ErrorsSubcommand {

        @Parameters(arity = "1..*", paramLabel = "<id>", description = "Error ids.")
        List<String> ids;

        @Override
        int run(SynclineConfig config, ErrorsStore store) throws SQLException {
            Map<String, StoredError> found =
                    store.list(ErrorFilter.ids(ids), ids.size()).stream()
                            .collect(Collectors.toMap(StoredError::errorId, Function.identity()));
            int missing = 0;
            boolean first = true;
            for (String id : ids) {
                StoredError error = found.get(id);
                if (error == null) {
                    err().println(
                                    "syncline: no error with id '"
                                            + id
                                            + "' in "
                                            + store.table().qualifiedName()
                                            + "; list them with: syncline errors list --status all");
                    missing++;
                    continue;
                }
                if (!first) {
                    out().println();
                }
                first = false;
                print(error);
            }
            return missing == 0 ? 0 : SynclineCli.FAILED;
        }

        private void print(StoredError error) {
            Map<String, Object> columns = new LinkedHashMap<>();
            columns.put(ErrorsTable.ERROR_ID, error.errorId());
            columns.put(ErrorsTable.ERROR_TIME, error.errorTime());
            columns.put(ErrorsTable.STATUS, error.status());
            columns.put(ErrorsTable.STATUS_CHANGED_AT, error.statusChangedAt());
            columns.put(ErrorsTable.STATUS_NOTE, error.statusNote());
            columns.put(ErrorsTable.REPLAY_COUNT, error.replayCount());
            columns.put(ErrorsTable.STAGE, error.stage());
            columns.put(ErrorsTable.ERROR_CLASS, error.errorClass());
            columns.put(ErrorsTable.CODE, error.code());
            columns.put(ErrorsTable.ESCALATION_LEVEL, error.escalationLevel());
            columns.put(ErrorsTable.MESSAGE, error.message());
            columns.put(ErrorsTable.FIELD, error.field());
            columns.put(ErrorsTable.ENTITY_KEY, error.entityKey());
            columns.put(ErrorsTable.TENANT, error.tenant());
            columns.put(ErrorsTable.ENTITY_TYPE, error.entityType());
            columns.put(ErrorsTable.SOURCE_ID, error.sourceId());
            columns.put(ErrorsTable.SOURCE_POSITION, error.sourcePosition());
            columns.put(ErrorsTable.RULE_SET_VERSION, error.ruleSetVersion());
            columns.put(ErrorsTable.PAYLOAD, error.payload());
            columns.put(ErrorsTable.CHANGE, changeText(error));
            printColumns(columns);
        }

        private static String changeText(StoredError error) {
            if (error.change() != null) {
                return error.change().toString();
            }
            if (error.changeProblem() != null) {
                return "(" + error.changeProblem() + ")";
            }
            return "(none: the input never became a change)";
        }
    }

    /** What replay and discard share: the selection, --all, --dry-run and --note. */
    abstract static class StatusChange extends ErrorsSubcommand {

        @Mixin Selectors selectors;

        @Option(
                names = "--all",
                description = "Select every open error (instead of --id, --code, ...).")
        boolean all;

        @Option(names = "--dry-run", description = "Print what would be done, and do nothing.")
        boolean dryRun;

        @Option(
                names = "--note",
                paramLabel = "<text>",
                description = "Why, stored as the errors' status note.")
        String note;

        @Override
        void checkArguments() {
            boolean selects = selectors.filter(null).selectsSome();
            if (!selects && !all) {
                throw new ParameterException(
                        spec.commandLine(),
                        "name errors with --id, --code, --tenant or --since/--until; to select"
                                + " every open error pass --all");
            }
            if (selects && all) {
                throw new ParameterException(
                        spec.commandLine(),
                        "--all selects every open error: leave out --id, --code, --tenant,"
                                + " --since and --until, or leave out --all");
            }
        }

        /** The open errors selected, oldest first; reports named ids that are not open. */
        List<StoredError> selectOpen(ErrorsStore store) throws SQLException {
            List<StoredError> open =
                    store.list(selectors.filter(ErrorsTable.OPEN), Integer.MAX_VALUE);
            if (!selectors.ids.isEmpty()) {
                Set<String> selected =
                        open.stream().map(StoredError::errorId).collect(Collectors.toSet());
                List<String> others =
                        selectors.ids.stream().filter(id -> !selected.contains(id)).toList();
                Map<String, String> statusOf =
                        store.list(ErrorFilter.ids(others), others.size()).stream()
                                .collect(
                                        Collectors.toMap(
                                                StoredError::errorId, StoredError::status));
                for (String id : others) {
                    String status = statusOf.get(id);
                    out().println(
                                    "skipped "
                                            + id
                                            + ": "
                                            + (status == null
                                                    ? "no such error"
                                                    : status.equals(ErrorsTable.OPEN)
                                                            ? "not selected by the other options"
                                                            : "it is " + status + ", not open"));
                }
            }
            return open;
        }

        String note(String action) {
            return note != null ? note : action + " by " + System.getProperty("user.name");
        }
    }

    @Command(
            name = "replay",
            description =
                    "Send the changes of open errors through the running job again (via the"
                            + " control topic), after the data or the rules were fixed, and mark"
                            + " them replayed. A replayed change that fails again re-opens its"
                            + " error.",
            sortOptions = false)
    static final class ReplayErrors extends StatusChange {

        @Mixin SigningOptions signing;

        @Override
        int run(SynclineConfig config, ErrorsStore store) throws SQLException {
            // Before anything is selected or marked: a key that cannot sign stops it all.
            SigningKey key = dryRun ? null : signing.key(config, ControlCommandType.REPLAY);
            List<StoredError> selected = selectOpen(store);
            List<StoredError> replayable =
                    selected.stream().filter(e -> e.change() != null).toList();
            List<StoredError> withoutChange =
                    selected.stream()
                            .filter(e -> e.change() == null && e.changeProblem() == null)
                            .toList();
            List<StoredError> undecodable =
                    selected.stream().filter(e -> e.changeProblem() != null).toList();
            if (dryRun) {
                for (StoredError error : replayable) {
                    out().println(
                                    "would replay "
                                            + error.errorId()
                                            + " ("
                                            + error.code()
                                            + ", "
                                            + orDash(error.entityKey())
                                            + ")");
                }
            }
            int replayed = dryRun ? 0 : replay(config, store, replayable, key);
            for (StoredError error : withoutChange) {
                out().println(
                                "skipped "
                                        + error.errorId()
                                        + " ("
                                        + error.code()
                                        + "): it has no change to replay");
            }
            for (StoredError error : undecodable) {
                out().println("skipped " + error.errorId() + ": " + error.changeProblem());
            }
            String topic = config.sinks().kafka().controlTopic();
            if (dryRun) {
                out().println(
                                "dry run: would replay "
                                        + plural(replayable.size(), "error")
                                        + " to control topic "
                                        + topic
                                        + "; nothing was published or marked");
            } else {
                out().println(
                                "replayed "
                                        + plural(replayed, "error")
                                        + " to control topic "
                                        + topic
                                        + (replayed < replayable.size()
                                                ? "; "
                                                        + (replayable.size() - replayed)
                                                        + " were no longer open"
                                                : ""));
            }
            if (!withoutChange.isEmpty()) {
                out().println(
                                "skipped "
                                        + plural(withoutChange.size(), "error")
                                        + " without a change: the input never became a change"
                                        + " (e.g. a decode error), so there is nothing to"
                                        + " replay; correct the source row, a new change will"
                                        + " follow, then discard these errors");
            }
            if (!undecodable.isEmpty()) {
                out().println(
                                "skipped "
                                        + plural(undecodable.size(), "error")
                                        + " whose stored change this version cannot decode;"
                                        + " replay them with the version that stored them, or"
                                        + " correct the source rows");
            }
            return 0;
        }

        private int replay(
                SynclineConfig config, ErrorsStore store, List<StoredError> errors, SigningKey key)
                throws SQLException {
            if (errors.isEmpty()) {
                return 0;
            }
            String issuedBy = "syncline errors replay by " + SigningOptions.issuer(key);
            String note = note("replayed");
            int replayed = 0;
            try (ControlTopicPublisher publisher =
                    new ControlTopicPublisher(config.sinks().kafka(), Clock.systemUTC(), key)) {
                for (int from = 0; from < errors.size(); from += BATCH) {
                    List<String> ids =
                            errors.subList(from, Math.min(errors.size(), from + BATCH)).stream()
                                    .map(StoredError::errorId)
                                    .toList();
                    List<String> commands = new ArrayList<>();
                    List<StoredError> marked;
                    try {
                        // Marked and published in one transaction: a failed publish marks nothing.
                        marked =
                                store.markReplayed(
                                        ids,
                                        note,
                                        batch -> {
                                            for (StoredError error : batch) {
                                                commands.add(
                                                        publisher.publishReplay(
                                                                error.change(),
                                                                error.errorId(),
                                                                error.replayCount(),
                                                                issuedBy));
                                            }
                                            publisher.flush();
                                        });
                    } catch (SQLException | RuntimeException e) {
                        if (replayed > 0) {
                            out().println(
                                            "replayed "
                                                    + plural(replayed, "error")
                                                    + " before the failure; the others are still"
                                                    + " open");
                        }
                        throw e;
                    }
                    for (int i = 0; i < marked.size(); i++) {
                        out().println(
                                        "replayed "
                                                + marked.get(i).errorId()
                                                + " as "
                                                + commands.get(i));
                    }
                    replayed += marked.size();
                }
            }
            return replayed;
        }
    }

    @Command(
            name = "discard",
            description =
                    "Mark open errors discarded: nothing more will be done about them, for"
                            + " example because the source row was corrected and a new change"
                            + " delivered.",
            sortOptions = false)
    static final class DiscardErrors extends StatusChange {

        @Override
        int run(SynclineConfig config, ErrorsStore store) throws SQLException {
            List<StoredError> selected = selectOpen(store);
            if (dryRun) {
                for (StoredError error : selected) {
                    out().println(
                                    "would discard "
                                            + error.errorId()
                                            + " ("
                                            + error.code()
                                            + ", "
                                            + orDash(error.entityKey())
                                            + ")");
                }
                out().println(
                                "dry run: would discard "
                                        + plural(selected.size(), "error")
                                        + "; nothing was marked");
                return 0;
            }
            String note = note("discarded");
            int discarded = 0;
            for (int from = 0; from < selected.size(); from += BATCH) {
                List<String> ids =
                        selected.subList(from, Math.min(selected.size(), from + BATCH)).stream()
                                .map(StoredError::errorId)
                                .toList();
                for (StoredError error : store.markDiscarded(ids, note)) {
                    out().println("discarded " + error.errorId());
                    discarded++;
                }
            }
            out().println("discarded " + plural(discarded, "error"));
            return 0;
        }
    }

    // ---- formatting and parsing

    private static String time(Instant instant) {
        return instant == null ? "-" : instant.truncatedTo(ChronoUnit.SECONDS).toString();
    }

    private static String oneLine(String text) {
        return text.replaceAll("\\s+", " ").strip();
    }

    /**
     * An ISO instant, an ISO date-time with offset, or a date (UTC; its start, or with {@code
     * endOfDay} the start of the next day).
     */
    static Instant parseTime(String value, boolean endOfDay) {
        try {
            return Instant.parse(value);
        } catch (DateTimeParseException notInstant) {
            try {
                return OffsetDateTime.parse(value).toInstant();
            } catch (DateTimeParseException notOffsetDateTime) {
                try {
                    LocalDate date = LocalDate.parse(value);
                    return (endOfDay ? date.plusDays(1) : date)
                            .atStartOfDay()
                            .toInstant(ZoneOffset.UTC);
                } catch (DateTimeParseException notDate) {
                    throw new TypeConversionException(
                            "'"
                                    + value
                                    + "' is not a time; use an ISO instant (2024-05-01T12:00:00Z)"
                                    + " or a date (2024-05-01, UTC)");
                }
            }
        }
    }

    static final class SinceConverter implements ITypeConverter<Instant> {
        @Override
        public Instant convert(String value) {
            return parseTime(value, false);
        }
    }

    static final class UntilConverter implements ITypeConverter<Instant> {
        @Override
        public Instant convert(String value) {
            return parseTime(value, true);
        }
    }
}
