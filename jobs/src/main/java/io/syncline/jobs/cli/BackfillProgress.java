package io.syncline.jobs.cli;

import java.time.Duration;
import java.util.Locale;

/** The progress line {@code syncline backfill} prints: rows done of the total, rate and ETA. */
final class BackfillProgress {

    private BackfillProgress() {}

    /** "45,000 / 100,000 rows (45%), 9,800 rows/s, ETA 6s" */
    static String line(long done, long total, Duration elapsed) {
        double seconds = Math.max(elapsed.toMillis(), 1) / 1000.0;
        double rate = done / seconds;
        String percent = total > 0 ? " (" + Math.min(100, done * 100 / total) + "%)" : "";
        String eta;
        if (done >= total) {
            eta = "ETA 0s";
        } else if (rate <= 0) {
            eta = "ETA unknown";
        } else {
            eta = "ETA " + duration(Duration.ofSeconds(Math.round((total - done) / rate)));
        }
        return String.format(
                Locale.ROOT, "%,d / %,d rows%s, %,.0f rows/s, %s", done, total, percent, rate, eta);
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
