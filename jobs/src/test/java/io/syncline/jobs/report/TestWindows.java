package io.syncline.jobs.report;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.TreeMap;

/** Quality windows for the report's unit tests, with only what a test is about spelled out. */
final class TestWindows {

    private TestWindows() {}

    /** A one-minute tumbling window of a real-time entity type (target 1000 ms). */
    static QualityWindow window(
            String start,
            long validated,
            long rejected,
            long delivered,
            long readBackSampled,
            Double completeness,
            Double accuracy,
            Double consistency,
            Double timeliness,
            Long lagP95Millis) {
        Instant windowStart = Instant.parse(start);
        return new QualityWindow(
                "tumbling",
                windowStart,
                windowStart.plus(Duration.ofMinutes(1)),
                "real-time",
                1000,
                validated,
                rejected,
                0,
                0,
                0,
                0,
                delivered,
                readBackSampled,
                completeness,
                accuracy,
                consistency,
                timeliness,
                validated == 0 ? null : (double) rejected / validated,
                lagP95Millis == null ? null : lagP95Millis / 2,
                lagP95Millis,
                lagP95Millis == null ? null : lagP95Millis * 2,
                lagP95Millis == null ? null : lagP95Millis * 3,
                new TreeMap<>(rejected == 0 ? Map.of() : Map.of("EMAIL_INVALID", rejected)));
    }
}
