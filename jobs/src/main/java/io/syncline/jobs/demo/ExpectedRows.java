package io.syncline.jobs.demo;

import io.syncline.operators.resolve.ConflictPolicy;
import io.syncline.operators.resolve.ConflictStrategy;
import io.syncline.operators.resolve.examples.HighestValueWins;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * What the target must hold when several sources wrote the same rows: per row id, the version an
 * entity type's conflict strategy keeps among the sources' final rows. It predicts the strategies
 * the demo configures from the sources alone, independently of the job.
 */
final class ExpectedRows {

    /**
     * One source's final version of a row.
     *
     * @param source the source's id
     * @param priority the source's configured priority
     * @param commitMillis when PostgreSQL committed the row, in whole milliseconds as CDC reports
     *     it
     * @param values the row's values in text form, the id first
     */
    record Version(String source, int priority, long commitMillis, List<String> values) {

        Version {
            // Copied by hand: a row's NULLs are values too, and List.copyOf rejects them.
            values = Collections.unmodifiableList(new ArrayList<>(values));
        }

        long id() {
            return Long.parseLong(values.get(0));
        }
    }

    /** Last-writer-wins: the later commit; on a tie the higher priority, then the greater id. */
    private static final Comparator<Version> LATER_WRITER =
            Comparator.comparingLong(Version::commitMillis)
                    .thenComparingInt(Version::priority)
                    .thenComparing(Version::source);

    private final String strategy;
    private final Comparator<Version> winner;

    private ExpectedRows(String strategy, Comparator<Version> winner) {
        this.strategy = strategy;
        this.winner = winner;
    }

    /** The version with the later commit time wins, as {@code last-writer-wins} decides. */
    static ExpectedRows lastWriterWins() {
        return new ExpectedRows(ConflictPolicy.lastWriterWins().name(), LATER_WRITER);
    }

    /**
     * The version with the higher number in {@code column} wins, as {@link HighestValueWins}
     * decides; a version without one loses. On a tie that resolver keeps whichever version arrived
     * first, which cannot be told from the sources: the demo's workload never writes ties.
     */
    static ExpectedRows highestValue(String strategy, int column) {
        return new ExpectedRows(
                strategy,
                Comparator.comparing(
                        (Version version) -> number(version.values().get(column)),
                        Comparator.nullsFirst(Comparator.naturalOrder())));
    }

    /**
     * The expectation of {@code policy} over rows with {@code columns}.
     *
     * @throws IllegalArgumentException for a strategy whose outcome depends on more than the
     *     sources' final rows (vector clocks, manual decisions, other resolvers)
     */
    static ExpectedRows of(ConflictPolicy policy, List<String> columns) {
        if (!policy.fields().isEmpty()) {
            throw new IllegalArgumentException(
                    "the demo's check cannot predict per-field policies (" + policy.name() + ")");
        }
        if (policy.strategy() == ConflictStrategy.LAST_WRITER_WINS) {
            return lastWriterWins();
        }
        if (policy.strategy() == ConflictStrategy.CUSTOM
                && policy.resolver() instanceof HighestValueWins highest) {
            int column = columns.indexOf(highest.field());
            if (column < 0) {
                throw new IllegalArgumentException(
                        "the field "
                                + highest.field()
                                + " of "
                                + policy.name()
                                + " is not among the compared columns "
                                + columns);
            }
            return highestValue(policy.name(), column);
        }
        throw new IllegalArgumentException(
                "the demo's check cannot predict the strategy " + policy.name());
    }

    /** The strategy's name, as the conflicts table records it. */
    String strategy() {
        return strategy;
    }

    /**
     * Per row id, the winning version among every source's versions of that row.
     *
     * @param bySource each source's final rows
     */
    Map<Long, Version> winners(List<List<Version>> bySource) {
        Map<Long, Version> winners = new TreeMap<>();
        for (List<Version> rows : bySource) {
            for (Version row : rows) {
                winners.merge(
                        row.id(),
                        row,
                        (kept, other) -> winner.compare(other, kept) > 0 ? other : kept);
            }
        }
        return winners;
    }

    private static BigDecimal number(String text) {
        return text == null ? null : new BigDecimal(text);
    }
}
