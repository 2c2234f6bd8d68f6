package io.syncline.operators.alert;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Set;

/**
 * How alert values read for people: shares as percentages, lags as durations, counts as whole
 * numbers; used by the alert messages and by every notifier, so they all say the same.
 */
public final class AlertValues {

    /** Metrics whose values are shares between 0 and 1. */
    public static final Set<String> SHARES =
            Set.of(
                    AlertRules.COMPLETENESS,
                    AlertRules.ACCURACY,
                    AlertRules.CONSISTENCY,
                    AlertRules.TIMELINESS,
                    AlertRules.ERROR_RATE);

    private static final DateTimeFormatter TIME =
            DateTimeFormatter.ofPattern("HH:mm:ss").withZone(ZoneOffset.UTC);
    private static final DateTimeFormatter DATE_TIME =
            DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss").withZone(ZoneOffset.UTC);

    private AlertValues() {}

    /** {@code value} of {@code metric} as people read it, e.g. {@code 90.0 %} or {@code 45.2 s}. */
    public static String format(String metric, double value) {
        if (SHARES.contains(metric)) {
            return percent(value);
        }
        if (metric.endsWith("_millis")) {
            return duration(value);
        }
        return number(value);
    }

    /** A share as a percentage with one or two decimals: 0.9 is {@code 90.0 %}. */
    public static String percent(double share) {
        BigDecimal percent =
                BigDecimal.valueOf(share)
                        .movePointRight(2)
                        .setScale(2, RoundingMode.HALF_UP)
                        .stripTrailingZeros();
        if (percent.scale() < 1) {
            percent = percent.setScale(1, RoundingMode.UNNECESSARY);
        }
        return percent.toPlainString() + " %";
    }

    /** Milliseconds in the largest unit that keeps them readable: 850 ms, 45.2 s, 6.5 min, 2 h. */
    public static String duration(double millis) {
        if (Math.abs(millis) < 1_000) {
            return number(Math.rint(millis)) + " ms";
        }
        if (Math.abs(millis) < 60_000) {
            return oneDecimal(millis / 1_000) + " s";
        }
        if (Math.abs(millis) < 3_600_000) {
            return oneDecimal(millis / 60_000) + " min";
        }
        return oneDecimal(millis / 3_600_000) + " h";
    }

    /** A count as a whole number, anything else as written. */
    public static String number(double value) {
        if (value == Math.rint(value) && !Double.isInfinite(value)) {
            return Long.toString((long) value);
        }
        return BigDecimal.valueOf(value).toPlainString();
    }

    /** A time of day in UTC: {@code 10:00:05 UTC}. */
    public static String time(Instant instant) {
        return TIME.format(instant) + " UTC";
    }

    /**
     * A window in UTC: {@code 10:00:00–10:01:00 UTC} within a day, with dates when it spans
     * midnight.
     */
    public static String window(Instant start, Instant end) {
        boolean sameDay =
                start.atOffset(ZoneOffset.UTC)
                        .toLocalDate()
                        .equals(end.atOffset(ZoneOffset.UTC).toLocalDate());
        DateTimeFormatter format = sameDay ? TIME : DATE_TIME;
        return format.format(start) + "–" + format.format(end) + " UTC";
    }

    private static String oneDecimal(double value) {
        return BigDecimal.valueOf(value)
                .setScale(1, RoundingMode.HALF_UP)
                .stripTrailingZeros()
                .toPlainString();
    }
}
