package io.syncline.jobs.demo;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** The demo as a newcomer runs it, shortened: it must end with the target equal to the source. */
class DemoITCase {

    @Test
    void demoSyncsTheWorkloadAndRejectsTheInvalidRows() throws Exception {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8);

        // Port 0: a free port for the web UI, so the test does not clash with a running demo.
        boolean matched = new Demo(20, 0, out).run(Duration.ofSeconds(12));

        String printed = bytes.toString(StandardCharsets.UTF_8);
        assertThat(matched).as(printed).isTrue();
        assertThat(printed)
                .contains("job RUNNING")
                .contains("customers: source")
                .contains("contracts: source")
                .contains("identical, row for row")
                .doesNotContain("DIFFERENT")
                .containsPattern("captured [1-9]\\d* ")
                .containsPattern("errors [1-9]\\d* \\{")
                .containsPattern("corrected [1-9]\\d* ")
                .containsPattern(
                        "(SCHEMA_FORMAT|RULE_ALLOWED_VALUES|RULE_RANGE|RI_MISSING_PARENT)=")
                .contains("Stopped.");
    }
}
