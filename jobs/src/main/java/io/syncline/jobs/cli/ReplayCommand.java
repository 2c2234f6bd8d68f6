package io.syncline.jobs.cli;

import io.syncline.jobs.config.ConfigLoader;
import io.syncline.jobs.config.SynclineConfig;
import io.syncline.jobs.wiring.EventStoreReplays;
import io.syncline.operators.replay.ReplayFilter;
import io.syncline.operators.replay.ReplaySelection;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import org.apache.flink.api.common.JobExecutionResult;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.PipelineOptions;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code syncline replay}: rebuilds one entity type's target table, or a new one, from the event
 * store as a bounded job, and prints what it read and wrote. Not {@code syncline errors replay},
 * which sends failed changes through the sync job again.
 */
@Command(
        name = "replay",
        description =
                "Rebuild a target table (or a new one) from the event store: the changes of one"
                        + " entity type delivered to the targets, committed at their source within"
                        + " --from/--to or up to --as-of, written through the version-guarded"
                        + " upsert. (To send failed changes through the job again, use 'errors"
                        + " replay'.)")
final class ReplayCommand implements Callable<Integer> {

    @Spec CommandSpec spec;

    @Option(
            names = {"-c", "--config"},
            required = true,
            paramLabel = "<file>",
            description = "The YAML configuration file of the sync job that wrote the event store.")
    Path config;

    @Option(
            names = "--from",
            paramLabel = "<time>",
            converter = InstantConverter.class,
            description =
                    "Changes committed at their source at or after this ISO-8601 instant"
                            + " (default: the beginning of the event store).")
    Instant from;

    @Option(
            names = "--to",
            paramLabel = "<time>",
            converter = InstantConverter.class,
            description =
                    "Changes committed at their source at or before this ISO-8601 instant"
                            + " (default: now).")
    Instant to;

    @Option(
            names = "--as-of",
            paramLabel = "<time>",
            converter = InstantConverter.class,
            description =
                    "The state as of this ISO-8601 instant: every change committed at or before"
                            + " it. Instead of --from and --to.")
    Instant asOf;

    @Option(
            names = "--tenant",
            paramLabel = "<tenant>",
            description =
                    "Only this tenant's changes; reads only its partition (default: every"
                            + " tenant).")
    String tenant;

    @Option(
            names = "--entity",
            paramLabel = "<entity type>",
            description =
                    "The entity type whose changes go into the table (needed when the"
                            + " configuration has more than one).")
    String entity;

    @Option(
            names = "--target",
            required = true,
            paramLabel = "<table>",
            description =
                    "The table to write, in sinks.target.schema: the entity type's target table"
                            + " or a new one, created with its columns if missing.")
    String target;

    @Option(
            names = "--parallelism",
            paramLabel = "<n>",
            description =
                    "Readers and writers, at most one per partition read (default:"
                            + " job.parallelism).")
    Integer parallelism;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        if (parallelism != null && parallelism < 1) {
            throw new ParameterException(spec.commandLine(), "--parallelism must be at least 1");
        }
        SynclineConfig loaded = ConfigLoader.load(config);
        // Commit times are in milliseconds.
        ReplaySelection selection = selection(loaded, Instant.now().truncatedTo(ChronoUnit.MILLIS));
        EventStoreReplays.Plan plan;
        try {
            plan = EventStoreReplays.plan(loaded, selection, target, parallelism);
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), e.getMessage());
        }
        if (!loaded.eventStore().enabled()) {
            out.printf(
                    "Note: eventStore.enabled is false; %s holds only what the sync job appended"
                            + " while it was on%n",
                    plan.topic());
        }
        out.printf(
                "Replay of %s from %s into %s (%s): %s, %,d offsets to read (records and"
                        + " transaction markers), parallelism %d%n",
                EventStoreReplays.describe(selection),
                plan.topic(),
                tableName(plan),
                plan.created() ? "created" : "exists; newer versions win",
                TableSubcommand.plural(plan.start().size(), "partition"),
                plan.records(),
                plan.parallelism());
        if (plan.start().isEmpty()) {
            out.println("Nothing to replay: no partition holds events of the window.");
            printRows(out, plan);
            return 0;
        }
        Configuration flink = EventStoreReplays.configuration(plan);
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(flink);
        env.setParallelism(plan.parallelism());
        EventStoreReplays.build(env, plan);
        long started = System.nanoTime();
        JobExecutionResult result = env.execute(flink.get(PipelineOptions.NAME));
        Duration took = Duration.ofNanos(System.nanoTime() - started);
        Map<String, Object> accumulators = result.getAllAccumulatorResults();
        Map<String, Long> applied = new TreeMap<>();
        accumulators.forEach(
                (name, value) -> {
                    if (name.startsWith(ReplayFilter.APPLIED_PREFIX)) {
                        applied.put(
                                name.substring(ReplayFilter.APPLIED_PREFIX.length()), (Long) value);
                    }
                });
        out.printf(
                "Replay done in %s: %,d records read, %,d unreadable (in the errors table), %,d"
                        + " events applied%n",
                BackfillProgress.duration(took),
                count(accumulators, ReplayFilter.SCANNED_ACCUMULATOR),
                count(accumulators, ReplayFilter.UNREADABLE_ACCUMULATOR),
                applied.values().stream().mapToLong(Long::longValue).sum());
        applied.forEach(
                (entityAndTenant, events) ->
                        out.printf("  %-40s %,d events%n", entityAndTenant, events));
        printRows(out, plan);
        return 0;
    }

    /** The events to apply, from the options; {@code now} is the end of a window left open. */
    ReplaySelection selection(SynclineConfig loaded, Instant now) {
        if (asOf != null && (from != null || to != null)) {
            throw new ParameterException(
                    spec.commandLine(),
                    "--as-of replays everything up to a time; leave out --from and --to, or give"
                            + " them without --as-of");
        }
        Instant end = asOf != null ? asOf : to != null ? to : now;
        if (from != null && from.isAfter(end)) {
            throw new ParameterException(
                    spec.commandLine(),
                    "--from "
                            + from
                            + " is after "
                            + (to != null ? "--to " : "now, the default --to, ")
                            + end
                            + "; the window must start before it ends");
        }
        return new ReplaySelection(from, end, tenant, entityType(loaded));
    }

    private String entityType(SynclineConfig loaded) {
        if (entity != null) {
            return entity;
        }
        Set<String> known = EventStoreReplays.entityTypes(loaded);
        if (known.size() == 1) {
            return known.iterator().next();
        }
        throw new ParameterException(
                spec.commandLine(),
                "--entity is needed: --target names one table, and the configuration has"
                        + " several entity types: "
                        + String.join(", ", new ArrayList<>(known)));
    }

    private void printRows(PrintWriter out, EventStoreReplays.Plan plan) {
        EventStoreReplays.RowCount rows =
                EventStoreReplays.rowsOf(plan.config().sinks().target(), plan.target());
        out.printf(
                "%s: %,d rows, %,d of them tombstones of deleted entities%n",
                tableName(plan), rows.rows(), rows.tombstones());
    }

    private static String tableName(EventStoreReplays.Plan plan) {
        return plan.target().schema() + "." + plan.target().table();
    }

    private static long count(Map<String, Object> accumulators, String name) {
        return accumulators.get(name) instanceof Long count ? count : 0L;
    }
}
