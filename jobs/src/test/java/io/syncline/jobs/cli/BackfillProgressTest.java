package io.syncline.jobs.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class BackfillProgressTest {

    @Test
    void showsRowsReadAndDeliveredOfTheTotalTheRateAndTheTimeLeft() {
        assertThat(BackfillProgress.line(100_000, 45_000, 100_000, Duration.ofSeconds(10)))
                .isEqualTo(
                        "read 100,000 / 100,000 rows (100%), delivered 45,000 (45%), 4,500"
                                + " rows/s, ETA 4s");
        assertThat(BackfillProgress.line(50_000, 0, 100_000, Duration.ofSeconds(5)))
                .isEqualTo("read 50,000 / 100,000 rows (50%), delivered 0 (0%), 0 rows/s, ETA 15s");
        assertThat(BackfillProgress.line(1_000, 0, 1_000_000, Duration.ofSeconds(10)))
                .endsWith("ETA 5h 33m 10s");
    }

    @Test
    void beforeTheFirstRowTheTimeLeftIsUnknownAndAfterTheLastItIsZero() {
        assertThat(BackfillProgress.line(0, 0, 500, Duration.ZERO))
                .isEqualTo("read 0 / 500 rows (0%), delivered 0 (0%), 0 rows/s, ETA unknown");
        assertThat(BackfillProgress.line(500, 500, 500, Duration.ofSeconds(2)))
                .isEqualTo("read 500 / 500 rows (100%), delivered 500 (100%), 250 rows/s, ETA 0s");
    }
}
