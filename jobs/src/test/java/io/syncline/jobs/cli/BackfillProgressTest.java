package io.syncline.jobs.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class BackfillProgressTest {

    @Test
    void showsRowsOfTheTotalTheRateAndTheTimeLeft() {
        assertThat(BackfillProgress.line(45_000, 100_000, Duration.ofSeconds(5)))
                .isEqualTo("45,000 / 100,000 rows (45%), 9,000 rows/s, ETA 6s");
        assertThat(BackfillProgress.line(1_000, 1_000_000, Duration.ofSeconds(10)))
                .isEqualTo("1,000 / 1,000,000 rows (0%), 100 rows/s, ETA 2h 46m 30s");
    }

    @Test
    void beforeTheFirstRowTheTimeLeftIsUnknownAndAfterTheLastItIsZero() {
        assertThat(BackfillProgress.line(0, 500, Duration.ZERO))
                .isEqualTo("0 / 500 rows (0%), 0 rows/s, ETA unknown");
        assertThat(BackfillProgress.line(510, 500, Duration.ofSeconds(2)))
                .isEqualTo("510 / 500 rows (100%), 255 rows/s, ETA 0s");
    }
}
