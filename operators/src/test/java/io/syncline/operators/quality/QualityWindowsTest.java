package io.syncline.operators.quality;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.syncline.operators.quality.QualityWindows.Kind;
import io.syncline.operators.quality.QualityWindows.WindowSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import org.apache.flink.streaming.api.windowing.assigners.MergingWindowAssigner;
import org.apache.flink.streaming.api.windowing.assigners.WindowAssigner;
import org.apache.flink.streaming.api.windowing.windows.TimeWindow;
import org.junit.jupiter.api.Test;

/** The windows each kind assigns and the problems of bad specs. */
class QualityWindowsTest {

    private static final Instant AT = Instant.parse("2024-05-01T10:02:35Z");

    // Tumbling windows ask for processing time only to stagger windows, which quality windows
    // don't; the value is ignored.
    private static final WindowAssigner.WindowAssignerContext ANY_PROCESSING_TIME =
            new WindowAssigner.WindowAssignerContext() {
                @Override
                public long getCurrentProcessingTime() {
                    return 0;
                }
            };

    @Test
    void tumblingAssignsTheMinuteOfTheChange() {
        assertThat(windowsAt(WindowSpec.defaults(Kind.TUMBLING)))
                .containsExactly(window("10:02:00", "10:03:00"));
    }

    @Test
    void hoppingAssignsTheFiveFiveMinuteWindowsStartingEachMinute() {
        assertThat(windowsAt(WindowSpec.defaults(Kind.HOPPING)))
                .containsExactlyInAnyOrder(
                        window("09:58:00", "10:03:00"),
                        window("09:59:00", "10:04:00"),
                        window("10:00:00", "10:05:00"),
                        window("10:01:00", "10:06:00"),
                        window("10:02:00", "10:07:00"));
    }

    @Test
    void slidingAssignsTheSixOneMinuteWindowsStartingEveryTenSeconds() {
        assertThat(windowsAt(WindowSpec.defaults(Kind.SLIDING)))
                .containsExactlyInAnyOrder(
                        window("10:01:40", "10:02:40"),
                        window("10:01:50", "10:02:50"),
                        window("10:02:00", "10:03:00"),
                        window("10:02:10", "10:03:10"),
                        window("10:02:20", "10:03:20"),
                        window("10:02:30", "10:03:30"));
    }

    @Test
    void sessionStartsAWindowOfOneGapThatLaterChangesMergeWith() {
        WindowAssigner<Object, TimeWindow> assigner = WindowSpec.defaults(Kind.SESSION).assigner();

        assertThat(windowsAt(WindowSpec.defaults(Kind.SESSION)))
                .containsExactly(window("10:02:35", "10:03:35"));
        assertThat(assigner).isInstanceOf(MergingWindowAssigner.class);
        assertThat(assigner.isEventTime()).isTrue();
    }

    @Test
    void customSpecsAssignTheirOwnDurations() {
        WindowSpec tumbling = new WindowSpec(Kind.TUMBLING, Duration.ofMinutes(15), null, null);
        WindowSpec hopping =
                new WindowSpec(Kind.HOPPING, Duration.ofHours(1), Duration.ofMinutes(30), null);

        assertThat(windowsAt(tumbling)).containsExactly(window("10:00:00", "10:15:00"));
        assertThat(windowsAt(hopping))
                .containsExactlyInAnyOrder(
                        window("09:30:00", "10:30:00"), window("10:00:00", "11:00:00"));
    }

    @Test
    void tumblingObservationsCombineOverTheWholeWindow() {
        assertThat(WindowSpec.defaults(Kind.TUMBLING).combinableSlotMillis()).isEqualTo(60_000);
        assertThat(
                        new WindowSpec(Kind.TUMBLING, Duration.ofMinutes(15), null, null)
                                .combinableSlotMillis())
                .isEqualTo(900_000);
    }

    @Test
    void hoppingAndSlidingObservationsCombineOverTheGreatestCommonDivisorOfSizeAndSlide() {
        assertThat(WindowSpec.defaults(Kind.HOPPING).combinableSlotMillis()).isEqualTo(60_000);
        assertThat(WindowSpec.defaults(Kind.SLIDING).combinableSlotMillis()).isEqualTo(10_000);
        assertThat(
                        new WindowSpec(
                                        Kind.SLIDING,
                                        Duration.ofSeconds(90),
                                        Duration.ofSeconds(60),
                                        null)
                                .combinableSlotMillis())
                .isEqualTo(30_000);
        assertThat(
                        new WindowSpec(
                                        Kind.HOPPING,
                                        Duration.ofHours(1),
                                        Duration.ofMinutes(45),
                                        null)
                                .combinableSlotMillis())
                .isEqualTo(900_000);
        assertThat(
                        new WindowSpec(
                                        Kind.SLIDING,
                                        Duration.ofMinutes(1),
                                        Duration.ofSeconds(7),
                                        null)
                                .combinableSlotMillis())
                .isEqualTo(1_000);
        assertThat(
                        new WindowSpec(
                                        Kind.HOPPING,
                                        Duration.ofMinutes(2),
                                        Duration.ofMinutes(2),
                                        null)
                                .combinableSlotMillis())
                .isEqualTo(120_000);
    }

    @Test
    void sessionObservationsDoNotCombine() {
        assertThat(WindowSpec.defaults(Kind.SESSION).combinableSlotMillis()).isZero();
    }

    @Test
    void everyTimeInASlotFallsIntoTheSameWindowsAsTheSlotsStart() {
        List<WindowSpec> specs =
                List.of(
                        WindowSpec.defaults(Kind.TUMBLING),
                        WindowSpec.defaults(Kind.HOPPING),
                        WindowSpec.defaults(Kind.SLIDING),
                        new WindowSpec(
                                Kind.SLIDING, Duration.ofSeconds(90), Duration.ofSeconds(60), null),
                        new WindowSpec(
                                Kind.SLIDING, Duration.ofMinutes(1), Duration.ofSeconds(7), null));
        for (WindowSpec spec : specs) {
            long slot = spec.combinableSlotMillis();
            long from = AT.toEpochMilli() - Duration.ofMinutes(6).toMillis();
            long to = AT.toEpochMilli() + Duration.ofMinutes(6).toMillis();
            for (long time = from; time < to; time += 250) {
                long slotStart = time - Math.floorMod(time, slot);
                for (long inSlot : new long[] {time, slotStart + slot - 1}) {
                    assertThat(windowsAt(spec, inSlot))
                            .as("%s at %d, slot from %d", spec.describe(), inSlot, slotStart)
                            .containsExactlyInAnyOrderElementsOf(windowsAt(spec, slotStart));
                }
            }
        }
    }

    @Test
    void defaultsDescribeThemselves() {
        assertThat(List.of(Kind.values()))
                .extracting(kind -> WindowSpec.defaults(kind).describe())
                .containsExactly(
                        "tumbling 1m",
                        "hopping 5m every 1m",
                        "sliding 1m every 10s",
                        "session gap 1m");
        assertThat(List.of(Kind.values()))
                .allSatisfy(kind -> assertThat(WindowSpec.defaults(kind).problems()).isEmpty());
    }

    @Test
    void slideLongerThanSizeIsAProblem() {
        WindowSpec spec =
                new WindowSpec(Kind.SLIDING, Duration.ofMinutes(1), Duration.ofMinutes(2), null);

        assertThat(spec.problems()).containsExactly("slide (2m) must not be longer than size (1m)");
    }

    @Test
    void nonPositiveMissingAndSubMillisecondDurationsAreProblems() {
        assertThat(new WindowSpec(Kind.TUMBLING, Duration.ZERO, null, null).problems())
                .containsExactly("size (0s) must be positive");
        assertThat(
                        new WindowSpec(
                                        Kind.HOPPING,
                                        Duration.ofMinutes(-5),
                                        Duration.ofSeconds(-90),
                                        null)
                                .problems())
                .containsExactly("size (-5m) must be positive", "slide (-1m30s) must be positive");
        assertThat(new WindowSpec(Kind.SESSION, null, null, null).problems())
                .containsExactly("gap is missing; session windows need one");
        assertThat(new WindowSpec(Kind.SESSION, null, null, Duration.ofNanos(1_500_000)).problems())
                .containsExactly("gap (1ms500000ns) must be whole milliseconds");
        assertThat(new WindowSpec(null, Duration.ofMinutes(1), null, null).problems())
                .containsExactly(
                        "kind is missing; it is one of tumbling, hopping, sliding, session");
    }

    @Test
    void durationsTheKindDoesNotUseAreProblems() {
        assertThat(
                        new WindowSpec(
                                        Kind.TUMBLING,
                                        Duration.ofMinutes(1),
                                        Duration.ofSeconds(10),
                                        Duration.ofMinutes(1))
                                .problems())
                .containsExactly(
                        "slide (10s) does not apply to tumbling windows; remove it",
                        "gap (1m) does not apply to tumbling windows; remove it");
        assertThat(
                        new WindowSpec(
                                        Kind.SESSION,
                                        Duration.ofHours(1),
                                        null,
                                        Duration.ofMinutes(1))
                                .problems())
                .containsExactly("size (1h) does not apply to session windows; remove it");
    }

    @Test
    void specWithProblemsHasNoAssigner() {
        WindowSpec spec =
                new WindowSpec(Kind.HOPPING, Duration.ofMinutes(1), Duration.ofMinutes(2), null);

        assertThatThrownBy(spec::assigner)
                .isInstanceOf(IllegalStateException.class)
                .hasMessage(
                        "window spec hopping 1m every 2m has problems:"
                                + " slide (2m) must not be longer than size (1m)");
    }

    @Test
    void kindsParseFromTheirConfigNames() {
        assertThat(List.of(Kind.values()))
                .extracting(Kind::configName)
                .containsExactly("tumbling", "hopping", "sliding", "session");
        assertThat(Kind.parse("session")).contains(Kind.SESSION);
        assertThat(Kind.parse("Session")).isEmpty();
        assertThat(Kind.parse(null)).isEqualTo(Optional.empty());
    }

    @Test
    void durationsAreWrittenTheWayConfigurationWritesThem() {
        assertThat(QualityWindows.format(Duration.ofMinutes(90))).isEqualTo("1h30m");
        assertThat(QualityWindows.format(Duration.ofDays(1).plusSeconds(5))).isEqualTo("1d5s");
        assertThat(QualityWindows.format(Duration.ofMillis(250))).isEqualTo("250ms");
        assertThat(QualityWindows.format(Duration.ZERO)).isEqualTo("0s");
    }

    private static Collection<TimeWindow> windowsAt(WindowSpec spec) {
        return windowsAt(spec, AT.toEpochMilli());
    }

    private static Collection<TimeWindow> windowsAt(WindowSpec spec, long timestamp) {
        return spec.assigner().assignWindows("observation", timestamp, ANY_PROCESSING_TIME);
    }

    private static TimeWindow window(String start, String end) {
        return new TimeWindow(
                Instant.parse("2024-05-01T" + start + "Z").toEpochMilli(),
                Instant.parse("2024-05-01T" + end + "Z").toEpochMilli());
    }
}
