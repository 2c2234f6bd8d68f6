package io.syncline.operators.resolve;

import io.syncline.schema.ChangeEvent;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The last-writer-wins order of changes: the later source commit time wins; on a tie the source
 * with the higher priority, then the greater source id, then the later position in the source.
 * Every source also gets a rank (0 lowest) in that order, which the applied version encodes.
 */
public final class SourcePrecedence implements Serializable, Comparator<ChangeEvent> {

    /** Sources a rank fits for in {@link AppliedVersions}. */
    public static final int MAX_SOURCES = 256;

    private static final long serialVersionUID = 1L;

    private final Map<String, Integer> priorities;
    private final Map<String, Integer> ranks;

    /**
     * @param priorities each source's priority; a source not named has priority 0
     */
    public SourcePrecedence(Map<String, Integer> priorities) {
        if (priorities.size() > MAX_SOURCES) {
            throw new IllegalArgumentException(
                    "at most " + MAX_SOURCES + " sources, got " + priorities.size());
        }
        this.priorities = Map.copyOf(priorities);
        List<String> ordered = new ArrayList<>(priorities.keySet());
        ordered.sort(Comparator.comparing(this::priority).thenComparing(Comparator.naturalOrder()));
        Map<String, Integer> byRank = new HashMap<>();
        for (int rank = 0; rank < ordered.size(); rank++) {
            byRank.put(ordered.get(rank), rank);
        }
        this.ranks = Map.copyOf(byRank);
    }

    /** The source's configured priority; 0 when not configured. */
    public int priority(String sourceId) {
        return priorities.getOrDefault(sourceId, 0);
    }

    /** The source's place in the tie-break order, 0 for the lowest; 0 for an unknown source. */
    public int rank(String sourceId) {
        return ranks.getOrDefault(sourceId, 0);
    }

    /** Positive when {@code a} is the later writer, negative when {@code b} is, 0 for the same. */
    @Override
    public int compare(ChangeEvent a, ChangeEvent b) {
        int byTime = a.getSourceCommitTime().compareTo(b.getSourceCommitTime());
        if (byTime != 0) {
            return byTime;
        }
        int byPriority = Integer.compare(priority(a.getSourceId()), priority(b.getSourceId()));
        if (byPriority != 0) {
            return byPriority;
        }
        int bySource = a.getSourceId().compareTo(b.getSourceId());
        if (bySource != 0) {
            return bySource;
        }
        return Long.compare(a.getVersion(), b.getVersion());
    }
}
