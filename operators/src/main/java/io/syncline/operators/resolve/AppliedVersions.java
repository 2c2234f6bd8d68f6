package io.syncline.operators.resolve;

/**
 * The version the targets hold an entity under, a hybrid logical clock: the winner's commit time in
 * milliseconds, its source's rank and a counter, so that it rises with every applied change and a
 * later writer's version is higher even when two sources' changes arrive in the other order. That
 * keeps the targets' version guard right when a restore replays the changes of several sources
 * interleaved differently.
 */
public final class AppliedVersions {

    private static final int COUNTER_BITS = 12;
    private static final int RANK_BITS = 8;

    private AppliedVersions() {}

    /**
     * The version of a change applied after {@code previous}.
     *
     * @param previous the version the targets hold, 0 for none
     * @param commitMillis the applied change's source commit time
     * @param rank its source's {@link SourcePrecedence#rank}
     */
    public static long next(long previous, long commitMillis, int rank) {
        long base =
                (Math.max(0, commitMillis) << (RANK_BITS + COUNTER_BITS))
                        | ((long) rank << COUNTER_BITS);
        return Math.max(previous + 1, base);
    }
}
