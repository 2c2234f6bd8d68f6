package io.syncline.jobs.demo;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The demo as a newcomer runs it, shortened: two sources write conflicting changes, the console
 * counts the conflicts by strategy, and the target must end in the state the strategies define.
 */
class DemoITCase {

    private static final String COUNT = "[1-9]\\d*";

    @Test
    void demoResolvesConflictsOfTwoSourcesAndRejectsTheInvalidRows() throws Exception {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8);

        // Port 0: a free port for the web UI, so the test does not clash with a running demo.
        boolean matched = new Demo(20, 0, out).run(Duration.ofSeconds(15));

        String printed = bytes.toString(StandardCharsets.UTF_8);
        assertThat(matched).as(printed).isTrue();
        assertThat(printed)
                .contains("job RUNNING")
                .contains("both sources' snapshots are in the target")
                .containsPattern(
                        "customers: source rows crm "
                                + COUNT
                                + ", erp "
                                + COUNT
                                + " -> last-writer-wins expects "
                                + COUNT
                                + ", target has "
                                + COUNT
                                + " -> identical, row for row")
                .containsPattern(
                        "contracts: source rows crm "
                                + COUNT
                                + " -> last-writer-wins expects "
                                + COUNT
                                + ", target has "
                                + COUNT
                                + " -> identical, row for row")
                .containsPattern(
                        "accounts: source rows crm "
                                + COUNT
                                + ", erp "
                                + COUNT
                                + " -> custom:HighestValueWins expects "
                                + COUNT
                                + ", target has "
                                + COUNT
                                + " -> identical, row for row")
                .doesNotContain("DIFFERENT")
                .containsPattern("captured " + COUNT + " ")
                .containsPattern("errors " + COUNT + " \\{")
                .containsPattern("corrected " + COUNT + " ")
                .containsPattern(
                        "(SCHEMA_FORMAT|RULE_ALLOWED_VALUES|RULE_RANGE|RI_MISSING_PARENT)=")
                .contains("Stopped.");

        // The report after the catch-up counts every conflict: both strategies were at work.
        List<String> conflictLines =
                printed.lines().filter(line -> line.contains("erp: written")).toList();
        assertThat(conflictLines).as(printed).isNotEmpty();
        assertThat(conflictLines.get(conflictLines.size() - 1))
                .containsPattern("erp: written " + COUNT + " \\| conflicts " + COUNT + ": ")
                .containsPattern("last-writer-wins " + COUNT + " \\((won|lost) " + COUNT)
                .containsPattern("custom:HighestValueWins " + COUNT + " \\((won|lost) " + COUNT)
                .doesNotContain("open");
    }
}
