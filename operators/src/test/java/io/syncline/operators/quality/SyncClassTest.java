package io.syncline.operators.quality;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The sync classes' names and latency targets. */
class SyncClassTest {

    @Test
    void classesCarryTheStandardsTargets() {
        assertThat(List.of(SyncClass.values()))
                .extracting(SyncClass::configName, SyncClass::defaultTarget)
                .containsExactly(
                        tuple("real-time", Duration.ofSeconds(5)),
                        tuple("near-real-time", Duration.ofSeconds(30)),
                        tuple("batch", Duration.ofHours(1)));
    }

    @Test
    void classesParseFromTheirConfigNamesOnly() {
        assertThat(SyncClass.parse("near-real-time")).contains(SyncClass.NEAR_REAL_TIME);
        assertThat(SyncClass.parse("batch")).contains(SyncClass.BATCH);
        assertThat(SyncClass.parse("NEAR_REAL_TIME")).isEmpty();
        assertThat(SyncClass.parse("realtime")).isEmpty();
        assertThat(SyncClass.parse(null)).isEmpty();
    }
}
