package io.syncline.jobs.report;

import java.time.Instant;
import java.util.Collections;
import java.util.Objects;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * One row of the quality metrics table: the quality and lag of one tenant's entity type over one
 * window. A share or lag is null when the window saw nothing it applies to.
 *
 * @param errorCodes rejected and failed changes by error code, in code order
 */
public record QualityWindow(
        String windowKind,
        Instant windowStart,
        Instant windowEnd,
        String syncClass,
        long latencyTargetMillis,
        long validated,
        long rejected,
        long corrected,
        long failed,
        long duplicates,
        long conflicts,
        long delivered,
        long readBackSampled,
        Double completeness,
        Double accuracy,
        Double consistency,
        Double timeliness,
        Double errorRate,
        Long lagP50Millis,
        Long lagP95Millis,
        Long lagP99Millis,
        Long lagMaxMillis,
        SortedMap<String, Long> errorCodes) {

    public QualityWindow {
        Objects.requireNonNull(windowKind, "windowKind");
        Objects.requireNonNull(windowStart, "windowStart");
        Objects.requireNonNull(windowEnd, "windowEnd");
        Objects.requireNonNull(syncClass, "syncClass");
        errorCodes = Collections.unmodifiableSortedMap(new TreeMap<>(errorCodes));
    }
}
