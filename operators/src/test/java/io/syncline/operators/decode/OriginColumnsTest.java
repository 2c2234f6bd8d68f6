package io.syncline.operators.decode;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class OriginColumnsTest {

    @Test
    void clockIsCompactJsonInSourceOrder() {
        Map<String, Long> clock = new LinkedHashMap<>();
        clock.put("erp", 1L);
        clock.put("crm", 2L);

        assertThat(OriginColumns.formatClock(clock)).isEqualTo("{\"crm\":2,\"erp\":1}");
        assertThat(OriginColumns.formatClock(Map.of())).isEqualTo("{}");
    }

    @Test
    void formattedClockParsesBackToTheSameClock() {
        Map<String, Long> clock = Map.of("crm", 2L, "erp", Long.MAX_VALUE, "sh\"op", 0L);

        assertThat(OriginColumns.parseClock(OriginColumns.formatClock(clock))).isEqualTo(clock);
    }

    @Test
    void nullIsTheEmptyClock() {
        assertThat(OriginColumns.parseClock(null)).isEmpty();
    }

    @Test
    void clockWrittenByHandWithSpacesIsRead() {
        assertThat(OriginColumns.parseClock(" { \"a\" : 2 , \"b\" : 1 } "))
                .isEqualTo(Map.of("a", 2L, "b", 1L));
    }

    @ParameterizedTest
    @CsvSource(
            delimiter = '|',
            value = {
                "not json      | it is not JSON",
                "{\"a\":1} x  | it is not JSON",
                "''            | it is not a JSON object",
                "[1,2]         | it is not a JSON object",
                "{\"a\":-1}    | the count of source 'a' is not a whole number >= 0",
                "{\"a\":1.5}   | the count of source 'a' is not a whole number >= 0",
                "{\"a\":\"2\"} | the count of source 'a' is not a whole number >= 0",
                "{\"a\":null}  | the count of source 'a' is not a whole number >= 0",
                "{\"a\":99999999999999999999} | the count of source 'a' is not a whole number >= 0"
            })
    void malformedClockSaysWhatIsWrong(String text, String reason) {
        assertThatThrownBy(() -> OriginColumns.parseClock(text))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage(
                        "'"
                                + text
                                + "' is not a version vector: "
                                + reason
                                + " (expected e.g. {\"a\":2,\"b\":1})");
    }

    @Test
    void longMalformedClockIsShortenedInTheMessage() {
        String text = "x".repeat(500);

        assertThatThrownBy(() -> OriginColumns.parseClock(text))
                .hasMessageStartingWith("'" + "x".repeat(80) + "...' is not a version vector");
    }

    @Test
    void onlyPrefixedColumnsAreBookkeeping() {
        assertThat(OriginColumns.isBookkeeping("_syncline_origin")).isTrue();
        assertThat(OriginColumns.isBookkeeping("_syncline_version")).isTrue();
        assertThat(OriginColumns.isBookkeeping("syncline_origin")).isFalse();
        assertThat(OriginColumns.isBookkeeping("origin")).isFalse();
    }
}
