package io.syncline.operators.resolve;

import static io.syncline.operators.resolve.EntityChanges.change;
import static io.syncline.operators.validate.Changes.image;
import static io.syncline.operators.validate.Changes.text;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.syncline.schema.ChangeEvent;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SourcePrecedenceTest {

    private static final SourcePrecedence PRECEDENCE =
            new SourcePrecedence(Map.of("crm", 0, "erp", 0, "billing", 5));

    private static ChangeEvent from(String sourceId, long position, long commitMillis) {
        return change(sourceId, position).at(commitMillis).update(image("name", text(sourceId)));
    }

    @Test
    void theLaterCommitTimeWinsWhateverThePriority() {
        ChangeEvent billing = from("billing", 9, 100);
        ChangeEvent crm = from("crm", 1, 101);

        assertThat(PRECEDENCE.compare(crm, billing)).isPositive();
        assertThat(PRECEDENCE.compare(billing, crm)).isNegative();
    }

    @Test
    void onATieOfCommitTimeTheHigherPriorityWins() {
        ChangeEvent billing = from("billing", 1, 100);
        ChangeEvent erp = from("erp", 9, 100);

        assertThat(PRECEDENCE.compare(billing, erp)).isPositive();
        assertThat(PRECEDENCE.compare(erp, billing)).isNegative();
    }

    @Test
    void onATieOfPriorityTheGreaterSourceIdWins() {
        ChangeEvent crm = from("crm", 9, 100);
        ChangeEvent erp = from("erp", 1, 100);

        assertThat(PRECEDENCE.compare(erp, crm)).isPositive();
        assertThat(PRECEDENCE.compare(crm, erp)).isNegative();
    }

    @Test
    void withinOneSourceAtTheSameTimeTheLaterPositionWins() {
        ChangeEvent first = from("crm", 7, 100);
        ChangeEvent second = from("crm", 8, 100);

        assertThat(PRECEDENCE.compare(second, first)).isPositive();
        assertThat(PRECEDENCE.compare(first, second)).isNegative();
        assertThat(PRECEDENCE.compare(first, from("crm", 7, 100))).isZero();
    }

    @Test
    void sortsByCommitTimeThenPriorityThenSourceIdThenPosition() {
        ChangeEvent crmEarly = from("crm", 3, 50);
        ChangeEvent crm = from("crm", 1, 100);
        ChangeEvent crmLater = from("crm", 2, 100);
        ChangeEvent erp = from("erp", 1, 100);
        ChangeEvent billing = from("billing", 1, 100);
        ChangeEvent unknownLate = from("web", 1, 200);
        List<ChangeEvent> changes =
                new ArrayList<>(List.of(unknownLate, billing, erp, crmLater, crm, crmEarly));

        changes.sort(PRECEDENCE);

        assertThat(changes).containsExactly(crmEarly, crm, crmLater, erp, billing, unknownLate);
    }

    @Test
    void ranksFollowTheTieBreakOrder() {
        assertThat(PRECEDENCE.rank("crm")).isZero();
        assertThat(PRECEDENCE.rank("erp")).isEqualTo(1);
        assertThat(PRECEDENCE.rank("billing")).isEqualTo(2);
        assertThat(PRECEDENCE.priority("billing")).isEqualTo(5);
    }

    @Test
    void anUnknownSourceHasPriorityAndRankZero() {
        assertThat(PRECEDENCE.priority("web")).isZero();
        assertThat(PRECEDENCE.rank("web")).isZero();
    }

    @Test
    void aHigherRankIsTheLaterWriterOnATieOfCommitTime() {
        List<String> sources = List.of("crm", "erp", "billing");
        for (String a : sources) {
            for (String b : sources) {
                int byRank = Integer.compare(PRECEDENCE.rank(a), PRECEDENCE.rank(b));
                assertThat(Integer.signum(PRECEDENCE.compare(from(a, 1, 100), from(b, 1, 100))))
                        .as("%s against %s", a, b)
                        .isEqualTo(byRank);
            }
        }
    }

    @Test
    void moreSourcesThanARankFitsForAreRejected() {
        Map<String, Integer> priorities = new HashMap<>();
        for (int i = 0; i <= SourcePrecedence.MAX_SOURCES; i++) {
            priorities.put("source-" + i, 0);
        }

        assertThatThrownBy(() -> new SourcePrecedence(priorities))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("at most 256 sources, got 257");
    }
}
