package io.syncline.jobs.reconcile;

import io.syncline.jobs.config.SourceConfig;
import io.syncline.jobs.config.SynclineConfig;
import io.syncline.jobs.config.TableMapping;
import io.syncline.jobs.config.TargetSettings;
import io.syncline.jobs.wiring.DiscoveredTable;
import io.syncline.jobs.wiring.SyncJobFactory;
import io.syncline.jobs.wiring.TableDiscovery;
import io.syncline.operators.protect.EntityProtection;
import io.syncline.operators.retry.Sleeper;
import io.syncline.operators.sink.SqlIdentifiers;
import io.syncline.operators.sink.TargetColumn;
import io.syncline.operators.sink.TargetTable;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

/**
 * Reconciles the sources of a configuration with the target database: finds the tenants of each
 * configured table, compares each tenant's entity type with a {@link RangeReconciler}, and checks
 * the differences again after a settle delay, so that changes still travelling through the sync job
 * are not reported.
 */
public final class Reconciliation {

    private static final DateTimeFormatter RUN_ID_TIME =
            DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'").withZone(ZoneOffset.UTC);

    /**
     * Which tenants and entity types to reconcile; an empty set selects all of them.
     *
     * @param tenants tenants, besides the configuration's allow-list of tenants
     */
    public record Scope(Set<String> tenants, Set<String> entityTypes) {
        public static final Scope ALL = new Scope(Set.of(), Set.of());

        public Scope {
            tenants = Set.copyOf(tenants);
            entityTypes = Set.copyOf(entityTypes);
        }
    }

    private final SynclineConfig config;
    private final Scope scope;
    private final ReconcileSettings settings;
    private final Sleeper sleeper;
    private final Clock clock;
    private final Consumer<String> progressOut;
    private final Duration progressEvery;

    /**
     * @param progressOut receives a progress line every {@code progressEvery} while ranges are
     *     compared
     */
    public Reconciliation(
            SynclineConfig config,
            Scope scope,
            ReconcileSettings settings,
            Sleeper sleeper,
            Clock clock,
            Consumer<String> progressOut,
            Duration progressEvery) {
        this.config = Objects.requireNonNull(config, "config");
        this.scope = Objects.requireNonNull(scope, "scope");
        this.settings = Objects.requireNonNull(settings, "settings");
        this.sleeper = Objects.requireNonNull(sleeper, "sleeper");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.progressOut = Objects.requireNonNull(progressOut, "progressOut");
        this.progressEvery = Objects.requireNonNull(progressEvery, "progressEvery");
    }

    /** A new run id: the UTC start time and a random suffix, e.g. {@code 20261126T010203Z-3fa2}. */
    public static String newRunId(Instant startedAt) {
        return RUN_ID_TIME.format(startedAt)
                + "-"
                + String.format("%04x", ThreadLocalRandom.current().nextInt(0x10000));
    }

    /** Compares every selected tenant's entity type. */
    public ReconcileRun run() throws InterruptedException {
        Instant startedAt = clock.instant();
        TargetSettings target = config.sinks().target();
        Duration queryTimeout = Duration.ofHours(1);
        List<WorkerConnections> opened = new ArrayList<>();
        ExecutorService pool = Executors.newFixedThreadPool(settings.parallelism(), threads());
        ScheduledExecutorService ticker =
                Executors.newSingleThreadScheduledExecutor(
                        runnable -> {
                            Thread thread = new Thread(runnable, "reconcile-progress");
                            thread.setDaemon(true);
                            return thread;
                        });
        try {
            WorkerConnections targetConnections =
                    new WorkerConnections(
                            target.url(), target.username(), target.password(), queryTimeout);
            opened.add(targetConnections);
            List<Unit> units = new ArrayList<>();
            for (SourceConfig source : config.sources()) {
                WorkerConnections sourceConnections =
                        new WorkerConnections(
                                source.jdbcUrl(),
                                source.username(),
                                source.password(),
                                queryTimeout);
                opened.add(sourceConnections);
                for (DiscoveredTable table : discover(source)) {
                    if (scope.entityTypes().isEmpty()
                            || scope.entityTypes().contains(table.mapping().entityType())) {
                        units.addAll(units(source, sourceConnections, targetConnections, table));
                    }
                }
            }
            ReconcileProgress progress = new ReconcileProgress(System::nanoTime);
            // Every side is counted at once, on the pool.
            List<CompletableFuture<Long>> sourceCounts = new ArrayList<>();
            List<CompletableFuture<Long>> targetCounts = new ArrayList<>();
            for (Unit unit : units) {
                sourceCounts.add(CompletableFuture.supplyAsync(unit.source()::count, pool));
                targetCounts.add(CompletableFuture.supplyAsync(unit.target()::count, pool));
            }
            List<long[]> counts = new ArrayList<>();
            for (int i = 0; i < units.size(); i++) {
                long sourceRows = join(sourceCounts.get(i));
                long targetRows = join(targetCounts.get(i));
                counts.add(new long[] {sourceRows, targetRows});
                progress.addTotal(sourceRows + targetRows);
            }
            long everyMillis = Math.max(1, progressEvery.toMillis());
            ticker.scheduleAtFixedRate(
                    () -> progressOut.accept(progress.line()),
                    everyMillis,
                    everyMillis,
                    TimeUnit.MILLISECONDS);
            // Every tenant's entity type is started before any is waited for, so that the pool
            // stays busy across them.
            List<RangeReconciler> reconcilers = new ArrayList<>();
            for (int i = 0; i < units.size(); i++) {
                Unit unit = units.get(i);
                RangeReconciler reconciler =
                        new RangeReconciler(
                                unit.source(),
                                unit.target(),
                                unit.columns(),
                                settings,
                                pool,
                                progress);
                reconcilers.add(reconciler);
                reconciler.start(counts.get(i)[0], counts.get(i)[1]);
            }
            List<List<Difference>> candidates = new ArrayList<>();
            for (RangeReconciler reconciler : reconcilers) {
                candidates.add(reconciler.await());
            }
            ticker.shutdownNow();
            progressOut.accept(progress.line());
            boolean anyCandidate = candidates.stream().anyMatch(list -> !list.isEmpty());
            if (anyCandidate && !settings.settle().isZero()) {
                progressOut.accept(
                        "checking "
                                + candidates.stream().mapToInt(List::size).sum()
                                + " differences again in "
                                + settings.settle().toMillis()
                                + " ms, once changes in flight have settled");
                sleeper.sleep(settings.settle());
            }
            List<UnitResult> results = new ArrayList<>();
            for (int i = 0; i < units.size(); i++) {
                Unit unit = units.get(i);
                List<Difference> persisting =
                        settings.settle().isZero()
                                ? candidates.get(i)
                                : reconcilers.get(i).recheck(candidates.get(i));
                results.add(
                        new UnitResult(
                                unit.tenant(),
                                unit.entityType(),
                                counts.get(i)[0],
                                counts.get(i)[1],
                                persisting));
            }
            return new ReconcileRun(
                    newRunId(startedAt),
                    startedAt,
                    clock.instant(),
                    results,
                    progress.hashedRows(),
                    progress.rehashedRows());
        } finally {
            ticker.shutdownNow();
            pool.shutdownNow();
            opened.forEach(WorkerConnections::close);
        }
    }

    private static long join(CompletableFuture<Long> count) throws InterruptedException {
        try {
            return count.get();
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException runtime) {
                throw runtime;
            }
            throw new IllegalStateException(e.getCause());
        }
    }

    private static List<DiscoveredTable> discover(SourceConfig source) {
        try {
            return TableDiscovery.discover(source);
        } catch (IllegalStateException e) {
            // Discovery's message names the problem; a failed connection also needs the settings.
            throw new ReconcileException(
                    e.getCause() instanceof SQLException
                            ? e.getMessage()
                                    + "; is the source database running and reachable from here?"
                                    + " check sources["
                                    + source.id()
                                    + "] hostname, port, database, username and password"
                            : e.getMessage(),
                    e);
        }
    }

    private List<Unit> units(
            SourceConfig source,
            WorkerConnections sourceConnections,
            WorkerConnections targetConnections,
            DiscoveredTable table) {
        TableMapping mapping = table.mapping();
        TargetSettings targetSettings = config.sinks().target();
        TargetTable targetTable = SyncJobFactory.targetTableOf(targetSettings, table);
        Set<String> targetColumns = targetColumns(targetConnections, targetTable);
        EntityProtection protection = config.security().classification().of(mapping.entityType());
        // Encrypted columns hold another ciphertext on every write: they cannot be compared.
        List<String> columns =
                table.columns().stream()
                        .map(TargetColumn::name)
                        .filter(targetColumns::contains)
                        .filter(column -> !protection.of(column).encrypt())
                        .toList();
        Map<String, TargetColumn> byName = new HashMap<>();
        table.columns().forEach(c -> byName.put(c.name(), c));
        List<TargetColumn> keyColumns = table.primaryKey().stream().map(byName::get).toList();
        String sourceTable = SqlIdentifiers.qualified(mapping.schemaName(), mapping.tableName());
        String live = SqlIdentifiers.quote(TargetTable.DELETED_COLUMN) + " = FALSE";
        List<Unit> units = new ArrayList<>();
        if (mapping.tenantColumn() == null) {
            if (selected(mapping.tenant())) {
                units.add(
                        new Unit(
                                mapping.tenant(),
                                mapping.entityType(),
                                columns,
                                new PostgresTableSide(
                                        sourceConnections,
                                        sourceTable,
                                        keyColumns,
                                        columns,
                                        "TRUE",
                                        List.of()),
                                new PostgresTableSide(
                                        targetConnections,
                                        targetTable.qualifiedName(),
                                        keyColumns,
                                        columns,
                                        live,
                                        List.of())));
            }
            return units;
        }
        String tenantColumn = SqlIdentifiers.quote(mapping.tenantColumn());
        Set<String> tenants = new TreeSet<>();
        tenants.addAll(tenants(sourceConnections, sourceTable, tenantColumn, "TRUE"));
        tenants.addAll(tenants(targetConnections, targetTable.qualifiedName(), tenantColumn, live));
        String byTenant = tenantColumn + "::text = ?";
        for (String tenant : tenants) {
            if (!selected(tenant)) {
                continue;
            }
            units.add(
                    new Unit(
                            tenant,
                            mapping.entityType(),
                            columns,
                            new PostgresTableSide(
                                    sourceConnections,
                                    sourceTable,
                                    keyColumns,
                                    columns,
                                    byTenant,
                                    List.of(tenant)),
                            new PostgresTableSide(
                                    targetConnections,
                                    targetTable.qualifiedName(),
                                    keyColumns,
                                    columns,
                                    byTenant + " AND " + live,
                                    List.of(tenant))));
        }
        return units;
    }

    private boolean selected(String tenant) {
        return (config.tenants().isEmpty() || config.tenants().contains(tenant))
                && (scope.tenants().isEmpty() || scope.tenants().contains(tenant));
    }

    private static Set<String> targetColumns(WorkerConnections target, TargetTable table) {
        Set<String> columns = new HashSet<>();
        try (PreparedStatement query =
                target.get()
                        .prepareStatement(
                                "SELECT a.attname FROM pg_attribute a WHERE a.attrelid ="
                                        + " to_regclass(?) AND a.attnum > 0 AND NOT"
                                        + " a.attisdropped")) {
            query.setString(1, table.qualifiedName());
            try (ResultSet rows = query.executeQuery()) {
                while (rows.next()) {
                    columns.add(rows.getString(1));
                }
            }
        } catch (SQLException e) {
            throw cannotConnect(target, "sinks.target url, username and password", e);
        }
        if (columns.isEmpty()) {
            throw new ReconcileException(
                    "the target table "
                            + table.qualifiedName()
                            + " does not exist at "
                            + target.url()
                            + "; the sync job creates it when it starts (sinks.target.createTables),"
                            + " so run the job first, or check sinks.target.schema and the"
                            + " table's targetTable");
        }
        return columns;
    }

    private static List<String> tenants(
            WorkerConnections connections, String table, String tenantColumn, String filter) {
        List<String> tenants = new ArrayList<>();
        try (PreparedStatement query =
                connections
                        .get()
                        .prepareStatement(
                                "SELECT DISTINCT "
                                        + tenantColumn
                                        + "::text FROM "
                                        + table
                                        + " WHERE "
                                        + filter
                                        + " AND "
                                        + tenantColumn
                                        + " IS NOT NULL")) {
            try (ResultSet rows = query.executeQuery()) {
                while (rows.next()) {
                    tenants.add(rows.getString(1));
                }
            }
        } catch (SQLException e) {
            throw cannotConnect(connections, "the configuration's database settings", e);
        }
        return tenants;
    }

    private static ReconcileException cannotConnect(
            WorkerConnections connections, String settings, SQLException e) {
        return new ReconcileException(
                "cannot read from PostgreSQL at "
                        + connections.url()
                        + ": "
                        + e.getMessage()
                        + "; is it running and reachable from here? check "
                        + settings,
                e);
    }

    private static ThreadFactory threads() {
        AtomicInteger number = new AtomicInteger();
        return runnable -> {
            Thread thread = new Thread(runnable, "reconcile-" + number.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        };
    }

    /** One tenant's entity type: the two sides and the columns compared. */
    private record Unit(
            String tenant,
            String entityType,
            List<String> columns,
            TableSide source,
            TableSide target) {}
}
