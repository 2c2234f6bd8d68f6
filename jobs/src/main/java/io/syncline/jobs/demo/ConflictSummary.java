package io.syncline.jobs.demo;

import io.syncline.embedded.EmbeddedPostgresServer;
import io.syncline.operators.resolve.ConflictsTable;
import io.syncline.schema.ResolutionOutcome;
import java.sql.SQLException;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * The conflicts the job recorded in its conflicts table, counted by strategy and outcome, as the
 * demo's console prints them.
 *
 * @param byStrategy per strategy (as the table names it), the count of each outcome
 * @param open conflicts parked until a person decides them
 */
record ConflictSummary(Map<String, Map<ResolutionOutcome, Long>> byStrategy, long open) {

    private static final String CUSTOM_PREFIX = "custom:";

    ConflictSummary {
        Map<String, Map<ResolutionOutcome, Long>> copy = new HashMap<>();
        byStrategy.forEach((strategy, outcomes) -> copy.put(strategy, Map.copyOf(outcomes)));
        byStrategy = Map.copyOf(copy);
    }

    /** Reads the counts from {@code table} in the target database. */
    static ConflictSummary read(EmbeddedPostgresServer postgres, ConflictsTable table)
            throws SQLException {
        List<List<String>> rows =
                DemoDatabase.rows(
                        postgres,
                        DemoDatabase.TARGET,
                        "SELECT "
                                + ConflictsTable.STRATEGY
                                + ", "
                                + ConflictsTable.OUTCOME
                                + ", "
                                + ConflictsTable.STATUS
                                + ", count(*) FROM "
                                + table.qualifiedName()
                                + " GROUP BY 1, 2, 3");
        Map<String, Map<ResolutionOutcome, Long>> byStrategy = new HashMap<>();
        long open = 0;
        for (List<String> row : rows) {
            long count = Long.parseLong(row.get(3));
            byStrategy
                    .computeIfAbsent(row.get(0), strategy -> new EnumMap<>(ResolutionOutcome.class))
                    .merge(ResolutionOutcome.valueOf(row.get(1)), count, Long::sum);
            if (ConflictsTable.OPEN.equals(row.get(2))) {
                open += count;
            }
        }
        return new ConflictSummary(byStrategy, open);
    }

    long total() {
        return byStrategy.values().stream()
                .flatMap(outcomes -> outcomes.values().stream())
                .mapToLong(Long::longValue)
                .sum();
    }

    /**
     * One line, the strategies with the most conflicts first, e.g. {@code conflicts 42:
     * last-writer-wins 37 (won 20, lost 17); custom:HighestValueWins 5 (won 3, lost 2)}.
     */
    String line() {
        StringBuilder line = new StringBuilder("conflicts ").append(total());
        if (open > 0) {
            line.append(" (").append(open).append(" open)");
        }
        if (byStrategy.isEmpty()) {
            return line.toString();
        }
        Comparator<Map.Entry<String, Map<ResolutionOutcome, Long>>> mostFirst =
                Comparator.comparingLong(entry -> -sum(entry.getValue()));
        String strategies =
                byStrategy.entrySet().stream()
                        .sorted(mostFirst.thenComparing(Map.Entry::getKey))
                        .map(entry -> describe(entry.getKey(), entry.getValue()))
                        .collect(Collectors.joining("; "));
        return line.append(": ").append(strategies).toString();
    }

    private static String describe(String strategy, Map<ResolutionOutcome, Long> outcomes) {
        String counts =
                outcomes.entrySet().stream()
                        .sorted(Map.Entry.comparingByKey())
                        .map(
                                outcome ->
                                        outcome.getKey().name().toLowerCase(Locale.ROOT)
                                                + " "
                                                + outcome.getValue())
                        .collect(Collectors.joining(", "));
        return shortName(strategy) + " " + sum(outcomes) + " (" + counts + ")";
    }

    /** A custom strategy by its resolver's simple name: the package only lengthens the line. */
    static String shortName(String strategy) {
        if (!strategy.startsWith(CUSTOM_PREFIX)) {
            return strategy;
        }
        String resolver = strategy.substring(CUSTOM_PREFIX.length());
        return CUSTOM_PREFIX + resolver.substring(resolver.lastIndexOf('.') + 1);
    }

    private static long sum(Map<ResolutionOutcome, Long> outcomes) {
        return outcomes.values().stream().mapToLong(Long::longValue).sum();
    }
}
