package io.syncline.jobs.wiring;

import io.syncline.jobs.SyncJob;
import io.syncline.jobs.config.BackfillSettings;
import io.syncline.jobs.config.SourceConfig;
import io.syncline.jobs.config.SynclineConfig;
import io.syncline.operators.decode.TableBinding;
import io.syncline.operators.jdbc.JdbcEndpoint;
import io.syncline.operators.read.BackfillRun;
import io.syncline.operators.read.BackfillSource;
import io.syncline.operators.read.RowSelection;
import io.syncline.operators.read.SourceTable;
import io.syncline.operators.read.TableReader;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Clock;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.connector.base.DeliveryGuarantee;

/**
 * Builds the backfill job: the sync job's stages and real sinks ({@link SyncJobFactory}) over
 * bounded, key-range-partitioned JDBC reads of the chosen tables ({@link BackfillSource}), in
 * Flink's BATCH execution mode, validating with the control topic's rule sets.
 *
 * <p>Safe beside the streaming job: every row read carries a commit time {@code commitTimeLag}
 * before its read, so in the targets' version guard a streamed change committed after that wins
 * over it, and one committed before was visible to the read (see {@link TableReader}).
 */
public final class BackfillJobs {

    private static final DateTimeFormatter RUN_TIME =
            DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'").withZone(ZoneOffset.UTC);

    private BackfillJobs() {}

    /**
     * What to backfill.
     *
     * @param tenant only this tenant's rows, or null for every tenant
     * @param entityTypes only tables of these entity types; empty for every table
     * @param where a SQL condition on the tables' columns, or null
     */
    public record Request(String tenant, List<String> entityTypes, String where) {

        public Request {
            entityTypes = List.copyOf(entityTypes);
        }

        /** Everything: every table, every tenant. */
        public static final Request ALL = new Request(null, List.of(), null);
    }

    /**
     * A backfill ready to run: its id, the tables read per source, and how many rows they held when
     * counted.
     */
    public record Plan(
            String runId,
            SynclineConfig config,
            BackfillSettings settings,
            Map<String, BackfillRun> runs,
            long rows) {

        public Plan {
            runs = Map.copyOf(runs);
        }
    }

    /**
     * Chooses the tables of {@code request}, checks that each source answers and that the selection
     * is valid SQL there, and counts its rows.
     *
     * @throws IllegalArgumentException for an unknown entity type or tenant, naming the known ones
     * @throws IllegalStateException for a source that cannot be read or SQL it refuses, with the
     *     database's message
     */
    public static Plan plan(
            SynclineConfig config, BackfillSettings settings, Request request, Clock clock) {
        checkRequest(config, request);
        // The time says when; the suffix keeps two runs started in one second apart.
        String runId =
                "backfill-"
                        + RUN_TIME.format(clock.instant())
                        + "-"
                        + Integer.toHexString(0x1000 + ThreadLocalRandom.current().nextInt(0xf000));
        RowSelection selection =
                new RowSelection(request.tenant(), request.where(), List.of(), null, null);
        Map<String, BackfillRun> runs = new LinkedHashMap<>();
        long rows = 0;
        for (SourceConfig source : config.sources()) {
            List<DiscoveredTable> discovered = chosen(source, request);
            if (discovered.isEmpty()) {
                continue;
            }
            JdbcEndpoint database =
                    new JdbcEndpoint(
                            source.jdbcUrl(),
                            source.username(),
                            source.password(),
                            "syncline-" + runId);
            List<BackfillRun.Table> tables = new ArrayList<>();
            List<TableBinding> bindings = PostgresCdcSources.bindings(discovered);
            for (int i = 0; i < discovered.size(); i++) {
                SourceTable table =
                        new SourceTable(source.id(), bindings.get(i), discovered.get(i).columns());
                tables.add(new BackfillRun.Table(table, database));
                rows += count(source, database, table, selection);
            }
            runs.put(
                    source.id(),
                    new BackfillRun(
                            runId,
                            tables,
                            selection,
                            settings.chunkSize(),
                            settings.rowsPerSplit(),
                            settings.commitTimeLag()));
        }
        return new Plan(runId, config, settings, runs, rows);
    }

    /**
     * The backfill job of {@code plan}: its sinks are the sync job's. The Kafka topics are written
     * at least once, not in transactions: Flink 1.20's KafkaSink aborts its own transaction when a
     * BATCH writer task ends, before the committer task commits it (FLINK-37622, fixed only in the
     * connector for Flink 2.0), so exactly-once would deliver nothing. A region restarted after a
     * failure can repeat rows on the topics (re-reads, marked {@code resync} with the run's id);
     * the target tables stay exact, guarded by version.
     */
    public static SyncJob create(Plan plan, Clock clock) {
        SynclineConfig config = plan.config();
        SyncJob sync = SyncJobFactory.create(config, DeliveryGuarantee.AT_LEAST_ONCE);
        List<SyncJob.ChangeSource> sources = new ArrayList<>();
        plan.runs()
                .forEach(
                        (sourceId, run) ->
                                sources.add(
                                        new SyncJob.ChangeSource(
                                                "backfill-" + sourceId,
                                                new BackfillSource(run, clock))));
        return sync.withSources(
                sources,
                BackfillControl.ruleSets(config.sinks().kafka(), config.security().control()));
    }

    /**
     * The Flink configuration of a backfill: the sync job's, in BATCH execution mode, without
     * checkpoints (a failed batch job restarts the failed region instead) and at the backfill's
     * parallelism.
     */
    public static Configuration configuration(Plan plan) {
        return JobEnvironments.batch(
                plan.config(),
                plan.config().job().name() + " " + plan.runId(),
                plan.settings().parallelism());
    }

    private static void checkRequest(SynclineConfig config, Request request) {
        Set<String> known = new LinkedHashSet<>();
        config.sources().forEach(s -> s.tables().forEach(t -> known.add(t.entityType())));
        for (String entityType : request.entityTypes()) {
            if (!known.contains(entityType)) {
                throw new IllegalArgumentException(
                        "unknown entity type '"
                                + entityType
                                + "' in --entity; the configuration "
                                + config.file()
                                + " has: "
                                + String.join(", ", known));
            }
        }
        if (request.tenant() != null
                && !config.tenants().isEmpty()
                && !config.tenants().contains(request.tenant())) {
            throw new IllegalArgumentException(
                    "tenant '"
                            + request.tenant()
                            + "' in --tenant is not in the configuration's tenants ("
                            + String.join(", ", config.tenants())
                            + "); the sync job would reject its rows");
        }
    }

    private static List<DiscoveredTable> chosen(SourceConfig source, Request request) {
        if (source.tables().stream()
                .noneMatch(
                        t ->
                                request.entityTypes().isEmpty()
                                        || request.entityTypes().contains(t.entityType()))) {
            return List.of();
        }
        return TableDiscovery.discover(source).stream()
                .filter(
                        t ->
                                request.entityTypes().isEmpty()
                                        || request.entityTypes().contains(t.mapping().entityType()))
                .toList();
    }

    private static long count(
            SourceConfig source, JdbcEndpoint database, SourceTable table, RowSelection selection) {
        try (Connection connection = database.connect()) {
            return new TableReader(table, "count")
                    .sample(connection, selection, Long.MAX_VALUE)
                    .rows();
        } catch (SQLException e) {
            throw new IllegalStateException(
                    "cannot count the rows of "
                            + table.binding().qualifiedName()
                            + " in source '"
                            + source.id()
                            + "' at "
                            + database.dependency()
                            + ": "
                            + e.getMessage()
                            + (selection.where() != null
                                    ? "; check --where '"
                                            + selection.where()
                                            + "' against the table"
                                    : "; check that the source is up and reachable"),
                    e);
        }
    }
}
