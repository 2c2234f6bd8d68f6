package io.syncline.jobs.config;

import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Parses and prints the durations of the configuration file: {@code 500ms}, {@code 5s}, ... up to
 * {@code 7y} for retention periods, where a year is 365 days (retention periods of topics and
 * tables are counted in days; no calendar is involved).
 */
public final class Durations {

    static final String ACCEPTED_FORMS =
            "a whole number with a unit (500ms, 5s, 2m, 1h, 1d, 1y) or ISO-8601 (PT5S)";

    private static final Pattern WITH_UNIT = Pattern.compile("(\\d+)\\s*(ms|s|m|h|d|y)");

    private static final long DAYS_PER_YEAR = 365;
    private static final long MILLIS_PER_DAY = 86_400_000L;

    private Durations() {}

    /**
     * @throws IllegalArgumentException naming the value and the accepted forms
     */
    public static Duration parse(String text) {
        String value = text.trim();
        Matcher matcher = WITH_UNIT.matcher(value);
        try {
            if (matcher.matches()) {
                long amount = Long.parseLong(matcher.group(1));
                switch (matcher.group(2)) {
                    case "ms":
                        return Duration.ofMillis(amount);
                    case "s":
                        return Duration.ofSeconds(amount);
                    case "m":
                        return Duration.ofMinutes(amount);
                    case "h":
                        return Duration.ofHours(amount);
                    case "d":
                        return Duration.ofDays(amount);
                    default:
                        return Duration.ofDays(Math.multiplyExact(amount, DAYS_PER_YEAR));
                }
            }
            if (value.equals("0")) {
                return Duration.ZERO;
            }
            if (value.toUpperCase(Locale.ROOT).startsWith("P")) {
                Duration duration = Duration.parse(value);
                if (duration.isNegative()) {
                    throw new IllegalArgumentException(
                            "'" + text + "' is negative; use " + ACCEPTED_FORMS);
                }
                return duration;
            }
        } catch (DateTimeParseException | ArithmeticException | NumberFormatException e) {
            // Falls through to the message below: too large, or not ISO-8601 after all.
        }
        String problem =
                value.matches("\\d+") ? "' has no unit; use " : "' is not a duration; use ";
        throw new IllegalArgumentException("'" + text + problem + ACCEPTED_FORMS);
    }

    /** The shortest exact form, e.g. {@code 5s}, {@code 1500ms} or {@code 7y}, for messages. */
    public static String format(Duration duration) {
        long millis = duration.toMillis();
        if (millis != 0 && millis % (DAYS_PER_YEAR * MILLIS_PER_DAY) == 0) {
            return millis / (DAYS_PER_YEAR * MILLIS_PER_DAY) + "y";
        }
        if (millis != 0 && millis % MILLIS_PER_DAY == 0) {
            return millis / MILLIS_PER_DAY + "d";
        }
        if (millis != 0 && millis % 3_600_000 == 0) {
            return millis / 3_600_000 + "h";
        }
        if (millis != 0 && millis % 60_000 == 0) {
            return millis / 60_000 + "m";
        }
        if (millis % 1000 == 0) {
            return millis / 1000 + "s";
        }
        return millis + "ms";
    }
}
