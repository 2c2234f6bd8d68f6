package io.syncline.jobs.demo;

import io.syncline.embedded.EmbeddedPostgresServer;
import io.syncline.jobs.config.SourceConfig;
import io.syncline.jobs.config.SynclineConfig;
import io.syncline.jobs.config.TableMapping;
import io.syncline.jobs.wiring.SyncJobFactory;
import io.syncline.operators.protect.DataKeys;
import io.syncline.operators.protect.DataKeysFactory;
import io.syncline.operators.protect.FieldCipher;
import io.syncline.operators.protect.FieldContext;
import io.syncline.operators.protect.FieldDecryptionException;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Collectors;

/**
 * The demo's final check: the target must hold, row for row, what the configured conflict
 * strategies make of the sources' valid rows. {@link ExpectedRows} predicts that from the sources
 * alone, with the commit times PostgreSQL recorded, so the check does not trust the job.
 */
final class TargetCheck {

    /** Columns compared per target table, the id first. */
    private static final Map<String, List<String>> COMPARED_COLUMNS = new LinkedHashMap<>();

    static {
        COMPARED_COLUMNS.put(
                "customers",
                List.of("id", "tenant_id", "name", "email", "tier", "balance", "updated_at"));
        COMPARED_COLUMNS.put(
                "contracts",
                List.of(
                        "id",
                        "tenant_id",
                        "customer_id",
                        "product",
                        "amount",
                        "starts_on",
                        "status",
                        "attributes"));
        COMPARED_COLUMNS.put(
                "accounts", List.of("id", "tenant_id", "customer_id", "credit_limit", "opened_on"));
    }

    /** When PostgreSQL committed a row, in whole milliseconds, as CDC reports commit times. */
    private static final String COMMIT_MILLIS =
            "floor(extract(epoch FROM pg_xact_commit_timestamp(xmin)) * 1000)::bigint";

    /** Mismatched rows printed per table; the rest are counted. */
    private static final int MISMATCHES_SHOWN = 10;

    /** A source table feeding a target table. */
    private record SourceTable(String source, int priority, String database, String table) {}

    /**
     * A target table, the source tables feeding it, how their versions are decided, and which of
     * its columns the protect stage encrypts.
     */
    private record Comparison(
            String table,
            String entityType,
            List<String> columns,
            List<SourceTable> sources,
            ExpectedRows rule,
            Set<String> encrypted) {}

    /**
     * The outcome for one target table.
     *
     * @param sourceRows valid rows of the configured tenants per source
     * @param mismatches one line per row where the target differs from the expectation
     */
    record Result(
            String table,
            String strategy,
            Map<String, Integer> sourceRows,
            int expected,
            int target,
            List<String> mismatches) {

        boolean identical() {
            return mismatches.isEmpty();
        }

        /** What was compared and how it came out, with the mismatches on further lines. */
        String describe() {
            String sources =
                    sourceRows.entrySet().stream()
                            .map(rows -> rows.getKey() + " " + rows.getValue())
                            .collect(Collectors.joining(", "));
            String summary =
                    String.format(
                            "%s: source rows %s -> %s expects %d, target has %d -> ",
                            table, sources, ConflictSummary.shortName(strategy), expected, target);
            if (identical()) {
                return summary + "identical, row for row";
            }
            StringBuilder text =
                    new StringBuilder(summary)
                            .append("DIFFERENT in ")
                            .append(mismatches.size())
                            .append(" rows:");
            mismatches.stream()
                    .limit(MISMATCHES_SHOWN)
                    .forEach(line -> text.append("\n    ").append(line));
            if (mismatches.size() > MISMATCHES_SHOWN) {
                text.append("\n    ... and ")
                        .append(mismatches.size() - MISMATCHES_SHOWN)
                        .append(" more");
            }
            return text.toString();
        }
    }

    private final EmbeddedPostgresServer postgres;
    private final List<Comparison> comparisons;
    // Decrypts the encrypted columns; null when nothing is encrypted.
    private final DataKeysFactory keys;
    private final FieldCipher cipher = new FieldCipher();
    // Per encrypted column, how many target values its last comparison decrypted.
    private final Map<String, Integer> decrypted = new TreeMap<>();

    private TargetCheck(
            EmbeddedPostgresServer postgres, List<Comparison> comparisons, DataKeysFactory keys) {
        this.postgres = postgres;
        this.comparisons = comparisons;
        this.keys = keys;
    }

    /**
     * The check of the demo's target tables, with the sources, priorities and strategies {@code
     * config} gives them.
     *
     * @throws IllegalArgumentException when a table has no source or a strategy the check cannot
     *     predict
     */
    static TargetCheck of(SynclineConfig config, EmbeddedPostgresServer postgres) {
        List<Comparison> comparisons = new ArrayList<>();
        COMPARED_COLUMNS.forEach(
                (table, columns) -> {
                    List<SourceTable> sources = new ArrayList<>();
                    Set<String> entityTypes = new TreeSet<>();
                    for (SourceConfig source : config.sources()) {
                        for (TableMapping mapping : source.tables()) {
                            if (mapping.targetTable().equals(table)) {
                                sources.add(
                                        new SourceTable(
                                                source.id(),
                                                source.priority(),
                                                source.database(),
                                                mapping.table()));
                                entityTypes.add(mapping.entityType());
                            }
                        }
                    }
                    if (entityTypes.size() != 1) {
                        throw new IllegalArgumentException(
                                "the target table "
                                        + table
                                        + " needs exactly one entity type, has "
                                        + entityTypes);
                    }
                    ExpectedRows rule =
                            ExpectedRows.of(
                                    config.consistency().policyOf(entityTypes.iterator().next()),
                                    columns);
                    String entityType = entityTypes.iterator().next();
                    comparisons.add(
                            new Comparison(
                                    table,
                                    entityType,
                                    columns,
                                    sources,
                                    rule,
                                    config.security().classification().of(entityType).encrypted()));
                });
        return new TargetCheck(
                postgres, List.copyOf(comparisons), SyncJobFactory.dataKeysOf(config));
    }

    /** What the last check decrypted, for the console: each encrypted column's values. */
    String encryptionNote() {
        if (decrypted.isEmpty()) {
            return "no column is encrypted";
        }
        return decrypted.entrySet().stream()
                        .map(e -> e.getKey() + " (" + e.getValue() + " values)")
                        .collect(Collectors.joining(", "))
                + ": encrypted in the target and on the change topic (AES-256-GCM, a data key per"
                + " tenant), compared with the sources after decryption";
    }

    /** Whether every table holds what its strategy defines. */
    boolean matches() throws SQLException {
        for (Comparison comparison : comparisons) {
            if (!compare(comparison).identical()) {
                return false;
            }
        }
        return true;
    }

    /** Compares every table. */
    List<Result> run() throws SQLException {
        List<Result> results = new ArrayList<>();
        for (Comparison comparison : comparisons) {
            results.add(compare(comparison));
        }
        return results;
    }

    private Result compare(Comparison comparison) throws SQLException {
        Map<String, Integer> sourceRows = new LinkedHashMap<>();
        List<List<ExpectedRows.Version>> bySource = new ArrayList<>();
        for (SourceTable source : comparison.sources()) {
            List<ExpectedRows.Version> rows = sourceRows(source, comparison.columns());
            sourceRows.merge(source.source(), rows.size(), Integer::sum);
            bySource.add(rows);
        }
        Map<Long, ExpectedRows.Version> expected = comparison.rule().winners(bySource);
        Map<Long, List<String>> target = new TreeMap<>();
        for (List<String> row :
                DemoDatabase.rows(
                        postgres,
                        DemoDatabase.TARGET,
                        DemoDatabase.syncedRowsQuery(
                                DemoDatabase.TARGET,
                                comparison.table(),
                                String.join(", ", comparison.columns())))) {
            target.put(Long.parseLong(row.get(0)), row);
        }
        decrypt(comparison, target);
        Set<Long> ids = new TreeSet<>(expected.keySet());
        ids.addAll(target.keySet());
        List<String> mismatches = new ArrayList<>();
        for (long id : ids) {
            ExpectedRows.Version wanted = expected.get(id);
            List<String> actual = target.get(id);
            if (wanted == null) {
                mismatches.add("id " + id + ": not expected, target " + actual);
            } else if (!wanted.values().equals(actual)) {
                mismatches.add(
                        String.format(
                                "id %d: expected %s (%s, committed %s), target %s",
                                id,
                                wanted.values(),
                                wanted.source(),
                                Instant.ofEpochMilli(wanted.commitMillis()),
                                actual == null ? "has no such row" : actual));
            }
        }
        return new Result(
                comparison.table(),
                comparison.rule().strategy(),
                sourceRows,
                expected.size(),
                target.size(),
                mismatches);
    }

    /**
     * The target's encrypted values, decrypted in place: the check compares what the target holds
     * with the sources, so every encrypted value must decrypt, under its tenant's key, to the
     * source's value. A value that does not decrypt stays as it is, and so differs.
     */
    private void decrypt(Comparison comparison, Map<Long, List<String>> target) {
        if (keys == null || comparison.encrypted().isEmpty()) {
            return;
        }
        int tenantColumn = comparison.columns().indexOf("tenant_id");
        comparison.encrypted().forEach(f -> decrypted.put(comparison.table() + "." + f, 0));
        try (DataKeys dataKeys = keys.open()) {
            for (List<String> row : target.values()) {
                for (String field : comparison.encrypted()) {
                    int column = comparison.columns().indexOf(field);
                    if (column < 0 || !FieldCipher.isEncrypted(row.get(column))) {
                        continue;
                    }
                    String value = row.get(column);
                    FieldContext context =
                            new FieldContext(row.get(tenantColumn), comparison.entityType(), field);
                    try {
                        row.set(column, cipher.decrypt(value, context, dataKeys));
                        decrypted.merge(comparison.table() + "." + field, 1, Integer::sum);
                    } catch (FieldDecryptionException e) {
                        // Left encrypted: the row is reported as different.
                    }
                }
            }
        }
    }

    /** The source's valid rows of the configured tenants, with their commit times. */
    private List<ExpectedRows.Version> sourceRows(SourceTable source, List<String> columns)
            throws SQLException {
        // The rules standardize emails (trimmed, lower case): read the source's that way.
        String selected =
                columns.stream()
                                .map(
                                        column ->
                                                column.equals("email")
                                                        ? "lower(btrim(email))"
                                                        : column)
                                .collect(Collectors.joining(", "))
                        + ", "
                        + COMMIT_MILLIS;
        List<ExpectedRows.Version> versions = new ArrayList<>();
        for (List<String> row :
                DemoDatabase.rows(
                        postgres,
                        source.database(),
                        DemoDatabase.syncedRowsQuery(
                                source.database(), source.table(), selected))) {
            int last = row.size() - 1;
            if (row.get(last) == null) {
                throw new IllegalStateException(
                        "PostgreSQL recorded no commit time for a row of "
                                + source.table()
                                + " in "
                                + source.database()
                                + "; the demo's server runs with track_commit_timestamp=on");
            }
            versions.add(
                    new ExpectedRows.Version(
                            source.source(),
                            source.priority(),
                            Long.parseLong(row.get(last)),
                            row.subList(0, last)));
        }
        return versions;
    }
}
