package io.syncline.operators.quality;

import java.io.Serializable;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import org.apache.flink.streaming.api.windowing.assigners.EventTimeSessionWindows;
import org.apache.flink.streaming.api.windowing.assigners.SlidingEventTimeWindows;
import org.apache.flink.streaming.api.windowing.assigners.TumblingEventTimeWindows;
import org.apache.flink.streaming.api.windowing.assigners.WindowAssigner;
import org.apache.flink.streaming.api.windowing.windows.TimeWindow;

/** The event-time windows quality is measured over, as configured, and their Flink assigners. */
public final class QualityWindows {

    private QualityWindows() {}

    /**
     * The kinds of quality window. Hopping and sliding windows are the same thing in Flink (one
     * {@link SlidingEventTimeWindows} assigner); they differ only in their defaults: hopping
     * windows are long and move in large steps, sliding windows are short and move in small ones.
     */
    public enum Kind {
        TUMBLING,
        HOPPING,
        SLIDING,
        SESSION;

        /** The name used in configuration files and in the quality metrics. */
        public String configName() {
            return name().toLowerCase(Locale.ROOT);
        }

        /** The kind with {@code configName}, or empty for a name that is not one. */
        public static Optional<Kind> parse(String configName) {
            for (Kind kind : values()) {
                if (kind.configName().equals(configName)) {
                    return Optional.of(kind);
                }
            }
            return Optional.empty();
        }
    }

    /**
     * One kind of window with its durations; a duration the kind does not use is null. Build it
     * from configuration, report its {@link #problems()}, and only then ask for its {@link
     * #assigner()}.
     *
     * @param kind the kind of window
     * @param size how long a tumbling, hopping or sliding window is
     * @param slide how far apart hopping or sliding windows start
     * @param gap how long a session window waits for the next change before it closes
     */
    public record WindowSpec(Kind kind, Duration size, Duration slide, Duration gap)
            implements Serializable {

        /**
         * The longest slot of event time whose observations all fall into the same windows, so that
         * they can be summed before the windows see them: the size of a tumbling window, the
         * greatest common divisor of size and slide of a hopping or sliding one. Zero for session
         * windows, whose bounds depend on every observation's own time.
         */
        public long combinableSlotMillis() {
            return switch (kind) {
                case TUMBLING -> size.toMillis();
                case HOPPING, SLIDING ->
                        java.math.BigInteger.valueOf(size.toMillis())
                                .gcd(java.math.BigInteger.valueOf(slide.toMillis()))
                                .longValueExact();
                case SESSION -> 0;
            };
        }

        /**
         * The standard window of {@code kind}: tumbling 1 min; hopping 5 min every 1 min; sliding 1
         * min every 10 s; session with a gap of 1 min.
         */
        public static WindowSpec defaults(Kind kind) {
            return switch (kind) {
                case TUMBLING -> new WindowSpec(kind, Duration.ofMinutes(1), null, null);
                case HOPPING ->
                        new WindowSpec(kind, Duration.ofMinutes(5), Duration.ofMinutes(1), null);
                case SLIDING ->
                        new WindowSpec(kind, Duration.ofMinutes(1), Duration.ofSeconds(10), null);
                case SESSION -> new WindowSpec(kind, null, null, Duration.ofMinutes(1));
            };
        }

        /** What is wrong with the spec, one readable sentence each; empty when it can be used. */
        public List<String> problems() {
            List<String> problems = new ArrayList<>();
            if (kind == null) {
                problems.add("kind is missing; it is one of tumbling, hopping, sliding, session");
                return problems;
            }
            switch (kind) {
                case TUMBLING -> {
                    checkLength("size", size, problems);
                    checkUnused("slide", slide, problems);
                    checkUnused("gap", gap, problems);
                }
                case HOPPING, SLIDING -> {
                    checkLength("size", size, problems);
                    checkLength("slide", slide, problems);
                    checkUnused("gap", gap, problems);
                    if (problems.isEmpty() && slide.compareTo(size) > 0) {
                        problems.add(
                                "slide ("
                                        + format(slide)
                                        + ") must not be longer than size ("
                                        + format(size)
                                        + ")");
                    }
                }
                case SESSION -> {
                    checkLength("gap", gap, problems);
                    checkUnused("size", size, problems);
                    checkUnused("slide", slide, problems);
                }
            }
            return problems;
        }

        /**
         * The Flink assigner of these windows.
         *
         * @throws IllegalStateException if the spec has {@link #problems()}
         */
        public WindowAssigner<Object, TimeWindow> assigner() {
            List<String> problems = problems();
            if (!problems.isEmpty()) {
                throw new IllegalStateException(
                        "window spec "
                                + describe()
                                + " has problems: "
                                + String.join("; ", problems));
            }
            return switch (kind) {
                case TUMBLING -> TumblingEventTimeWindows.of(size);
                case HOPPING, SLIDING -> SlidingEventTimeWindows.of(size, slide);
                case SESSION -> EventTimeSessionWindows.withGap(gap);
            };
        }

        /** The spec in a few words, e.g. {@code tumbling 1m} or {@code hopping 5m every 1m}. */
        public String describe() {
            if (kind == null) {
                return "window of no kind";
            }
            return switch (kind) {
                case TUMBLING -> kind.configName() + " " + format(size);
                case HOPPING, SLIDING ->
                        kind.configName() + " " + format(size) + " every " + format(slide);
                case SESSION -> kind.configName() + " gap " + format(gap);
            };
        }

        private void checkLength(String name, Duration length, List<String> problems) {
            if (length == null) {
                problems.add(name + " is missing; " + kind.configName() + " windows need one");
            } else if (length.isNegative() || length.isZero()) {
                problems.add(name + " (" + format(length) + ") must be positive");
            } else if (length.toNanosPart() % 1_000_000 != 0) {
                // Flink's windows are in milliseconds and would silently drop the rest.
                problems.add(name + " (" + format(length) + ") must be whole milliseconds");
            }
        }

        private void checkUnused(String name, Duration length, List<String> problems) {
            if (length != null) {
                problems.add(
                        name
                                + " ("
                                + format(length)
                                + ") does not apply to "
                                + kind.configName()
                                + " windows; remove it");
            }
        }
    }

    /** {@code duration} the way configuration writes it: {@code 1h30m}, {@code 10s}, {@code 0s}. */
    static String format(Duration duration) {
        if (duration == null) {
            return "none";
        }
        if (duration.isZero()) {
            return "0s";
        }
        if (duration.isNegative()) {
            return "-" + format(duration.negated());
        }
        StringBuilder text = new StringBuilder();
        append(text, duration.toDaysPart(), "d");
        append(text, duration.toHoursPart(), "h");
        append(text, duration.toMinutesPart(), "m");
        append(text, duration.toSecondsPart(), "s");
        append(text, duration.toMillisPart(), "ms");
        append(text, duration.toNanosPart() % 1_000_000, "ns");
        return text.toString();
    }

    private static void append(StringBuilder text, long amount, String unit) {
        if (amount != 0) {
            text.append(amount).append(unit);
        }
    }
}
