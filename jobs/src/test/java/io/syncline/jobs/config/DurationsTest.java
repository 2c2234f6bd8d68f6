package io.syncline.jobs.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

/** Years, for retention periods: 365 days each, parsed and printed back the same. */
class DurationsTest {

    @Test
    void aYearIs365Days() {
        assertThat(Durations.parse("7y")).isEqualTo(Duration.ofDays(2555));
        assertThat(Durations.parse("1 y")).isEqualTo(Duration.ofDays(365));
    }

    @Test
    void wholeYearsPrintAsYearsAndOtherDaysAsDays() {
        assertThat(Durations.format(Duration.ofDays(2555))).isEqualTo("7y");
        assertThat(Durations.format(Duration.ofDays(400))).isEqualTo("400d");
        assertThat(Durations.format(Duration.ofDays(366))).isEqualTo("366d");
        assertThat(Durations.format(Duration.ofHours(48))).isEqualTo("2d");
    }

    @Test
    void tooManyYearsIsNotADuration() {
        assertThatThrownBy(() -> Durations.parse(Long.MAX_VALUE + "y"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("is not a duration")
                .hasMessageContaining("1y");
    }
}
