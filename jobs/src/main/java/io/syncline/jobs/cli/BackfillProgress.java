package io.syncline.jobs.cli;

import java.time.Duration;
import java.util.Locale;

/** The progress line {@code syncline backfill} prints: rows read and delivered, rate and ETA. */
final class BackfillProgress {

    private BackfillProgress() {}

    /**
     * "read 100,000 / 100,000 rows (100%), delivered 45,000 (45%), 9,800 rows/s, ETA 6s". In BATCH
     * mode the rows are read first and delivered (validated, resolved, written) after, so the ETA
     * weighs both halves; the rate is of rows delivered.
     */
    static String line(long read, long delivered, long total, Duration elapsed) {
        double seconds = Math.max(elapsed.toMillis(), 1) / 1000.0;
        double rate = delivered / seconds;
        double done = total > 0 ? Math.min(1.0, (read + delivered) / (2.0 * total)) : 1.0;
        String eta;
        if (done >= 1.0) {
            eta = "ETA 0s";
        } else if (done <= 0) {
            eta = "ETA unknown";
        } else {
            eta = "ETA " + duration(Duration.ofSeconds(Math.round(seconds * (1 - done) / done)));
        }
        return String.format(
                Locale.ROOT,
                "read %,d / %,d rows%s, delivered %,d%s, %,.0f rows/s, %s",
                read,
                total,
                percent(read, total),
                delivered,
                percent(delivered, total),
                rate,
                eta);
    }

    private static String percent(long part, long total) {
        return total > 0 ? " (" + Math.min(100, part * 100 / total) + "%)" : "";
    }

    /** "1h 02m 03s", "2m 05s", "7s" */
    static String duration(Duration duration) {
        long seconds = duration.toSeconds();
        if (seconds >= 3600) {
            return String.format(
                    Locale.ROOT,
                    "%dh %02dm %02ds",
                    seconds / 3600,
                    seconds % 3600 / 60,
                    seconds % 60);
        }
        if (seconds >= 60) {
            return String.format(Locale.ROOT, "%dm %02ds", seconds / 60, seconds % 60);
        }
        return seconds + "s";
    }
}
