package io.syncline.operators.quality.readback;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class ReadBackSettingsTest {

    private static final String URL = "jdbc:postgresql://db:5432/target?password=s3cret";

    @Test
    void logsShowNeitherThePasswordNorTheUrlParameters() {
        ReadBackSettings settings =
                new ReadBackSettings(URL, "syncline", "hunter2", 0.01, Duration.ofSeconds(30), 10);

        assertThat(settings.urlForLogs()).isEqualTo("jdbc:postgresql://db:5432/target");
        assertThat(settings.toString())
                .isEqualTo(
                        "ReadBackSettings[url=jdbc:postgresql://db:5432/target, username=syncline,"
                                + " sampleRate=0.01, delay=PT30S, maxPending=10]");
    }

    @Test
    void samplingUsesTheRate() {
        ReadBackSettings settings =
                new ReadBackSettings(URL, "syncline", "hunter2", 0.25, Duration.ZERO, 10);

        assertThat(settings.sampling().sampleRate()).isEqualTo(0.25);
    }

    @Test
    void badSettingsAreRejectedNamingTheSetting() {
        Duration delay = Duration.ofSeconds(30);
        assertThatThrownBy(() -> new ReadBackSettings(URL, "u", "p", 1.5, delay, 10))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage(
                        "the read-back sample rate must be between 0 (off) and 1 (every change),"
                                + " was 1.5");
        assertThatThrownBy(
                        () -> new ReadBackSettings(URL, "u", "p", 0.5, Duration.ofMillis(-1), 10))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("the read-back delay must not be negative: PT-0.001S");
        assertThatThrownBy(() -> new ReadBackSettings(URL, "u", "p", 0.5, delay, 0))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("the read-back maxPending must be at least 1, was 0");
        assertThatThrownBy(() -> new ReadBackSettings(null, "u", "p", 0.5, delay, 10))
                .isInstanceOf(NullPointerException.class)
                .hasMessage("read-back url");
    }
}
