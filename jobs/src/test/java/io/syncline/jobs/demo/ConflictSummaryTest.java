package io.syncline.jobs.demo;

import static org.assertj.core.api.Assertions.assertThat;

import io.syncline.schema.ResolutionOutcome;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ConflictSummaryTest {

    private static final String HIGHEST =
            "custom:io.syncline.operators.resolve.examples.HighestValueWins";

    @Test
    void noConflictsYet() {
        assertThat(new ConflictSummary(Map.of(), 0).line()).isEqualTo("conflicts 0");
    }

    @Test
    void strategiesWithTheMostConflictsComeFirstWithTheirOutcomesInOrder() {
        ConflictSummary summary =
                new ConflictSummary(
                        Map.of(
                                HIGHEST,
                                Map.of(ResolutionOutcome.LOST, 2L, ResolutionOutcome.WON, 3L),
                                "last-writer-wins",
                                Map.of(ResolutionOutcome.LOST, 17L, ResolutionOutcome.WON, 20L)),
                        0);

        assertThat(summary.total()).isEqualTo(42);
        assertThat(summary.line())
                .isEqualTo(
                        "conflicts 42: last-writer-wins 37 (won 20, lost 17);"
                                + " custom:HighestValueWins 5 (won 3, lost 2)");
    }

    @Test
    void parkedConflictsAreCountedAsOpen() {
        ConflictSummary summary =
                new ConflictSummary(
                        Map.of(
                                "manual",
                                Map.of(
                                        ResolutionOutcome.PARKED,
                                        2L,
                                        ResolutionOutcome.DECIDED,
                                        1L)),
                        2);

        assertThat(summary.line())
                .isEqualTo("conflicts 3 (2 open): manual 3 (parked 2, decided 1)");
    }

    @Test
    void onlyCustomStrategiesAreShortened() {
        assertThat(ConflictSummary.shortName(HIGHEST)).isEqualTo("custom:HighestValueWins");
        assertThat(ConflictSummary.shortName("vector-clock/field-merge"))
                .isEqualTo("vector-clock/field-merge");
    }
}
