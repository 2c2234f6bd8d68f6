package io.syncline.jobs.demo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.syncline.jobs.demo.ExpectedRows.Version;
import io.syncline.operators.resolve.ConflictPolicy;
import io.syncline.operators.resolve.ConflictStrategy;
import io.syncline.operators.resolve.FieldPolicy;
import io.syncline.operators.resolve.examples.HighestValueWins;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ExpectedRowsTest {

    private static final List<String> ACCOUNT_COLUMNS =
            List.of("id", "tenant_id", "customer_id", "credit_limit", "opened_on");

    @Test
    void lastWriterWinsKeepsTheLaterCommitWhicheverSourceListsItFirst() {
        Version crm = version("crm", 2, 1_000, "1", "crm-name");
        Version erp = version("erp", 1, 1_001, "1", "erp-name");

        assertThat(ExpectedRows.lastWriterWins().winners(List.of(List.of(crm), List.of(erp))))
                .containsExactly(Map.entry(1L, erp));
        assertThat(ExpectedRows.lastWriterWins().winners(List.of(List.of(erp), List.of(crm))))
                .containsExactly(Map.entry(1L, erp));
    }

    @Test
    void lastWriterWinsBreaksATieInTheMillisecondByPriorityThenBySourceId() {
        Version crm = version("crm", 2, 1_000, "1", "crm-name");
        Version erp = version("erp", 1, 1_000, "1", "erp-name");
        Version billing = version("billing", 1, 1_000, "1", "billing-name");

        assertThat(ExpectedRows.lastWriterWins().winners(List.of(List.of(erp), List.of(crm))))
                .containsExactly(Map.entry(1L, crm));
        assertThat(ExpectedRows.lastWriterWins().winners(List.of(List.of(erp), List.of(billing))))
                .containsExactly(Map.entry(1L, erp));
    }

    @Test
    void rowsOfOneSourceOnlyAreExpectedAsTheyAre() {
        Version onlyInCrm = version("crm", 2, 5_000, "1", "a");
        Version onlyInErp = version("erp", 1, 1_000, "2", "b");

        assertThat(
                        ExpectedRows.lastWriterWins()
                                .winners(List.of(List.of(onlyInCrm), List.of(onlyInErp))))
                .containsExactly(Map.entry(1L, onlyInCrm), Map.entry(2L, onlyInErp));
    }

    @Test
    void highestValueWinsKeepsTheHigherNumberWhateverTheCommitTimes() {
        ExpectedRows highest = ExpectedRows.of(highestValueWins("credit_limit"), ACCOUNT_COLUMNS);
        Version earlierButHigher = version("erp", 1, 1_000, "7", "acme", "3", "9000.00", null);
        Version laterButLower = version("crm", 2, 2_000, "7", "acme", "3", "500.00", null);
        Version withoutLimit = version("crm", 2, 3_000, "8", "acme", "3", null, null);
        Version withLimit = version("erp", 1, 1_000, "8", "acme", "3", "1.00", null);

        assertThat(highest.strategy())
                .isEqualTo("custom:io.syncline.operators.resolve.examples.HighestValueWins");
        assertThat(
                        highest.winners(
                                List.of(
                                        List.of(laterButLower, withoutLimit),
                                        List.of(earlierButHigher, withLimit))))
                .containsExactly(Map.entry(7L, earlierButHigher), Map.entry(8L, withLimit));
    }

    @Test
    void theConfiguredLastWriterWinsPolicyIsPredicted() {
        assertThat(ExpectedRows.of(ConflictPolicy.lastWriterWins(), ACCOUNT_COLUMNS).strategy())
                .isEqualTo("last-writer-wins");
    }

    @Test
    void strategiesThatDependOnMoreThanTheFinalRowsAreRefused() {
        ConflictPolicy manual = new ConflictPolicy(ConflictStrategy.MANUAL, null, null, Map.of());
        ConflictPolicy vectorClock =
                new ConflictPolicy(ConflictStrategy.VECTOR_CLOCK, null, null, Map.of());
        ConflictPolicy perField =
                new ConflictPolicy(
                        ConflictStrategy.LAST_WRITER_WINS,
                        null,
                        null,
                        Map.of("credit_limit", FieldPolicy.lastWriterWins()));

        assertThatThrownBy(() -> ExpectedRows.of(manual, ACCOUNT_COLUMNS))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("manual");
        assertThatThrownBy(() -> ExpectedRows.of(vectorClock, ACCOUNT_COLUMNS))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("vector-clock");
        assertThatThrownBy(() -> ExpectedRows.of(perField, ACCOUNT_COLUMNS))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("per-field");
        assertThatThrownBy(() -> ExpectedRows.of(highestValueWins("amount"), ACCOUNT_COLUMNS))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("amount");
    }

    private static ConflictPolicy highestValueWins(String field) {
        HighestValueWins resolver = new HighestValueWins();
        resolver.configure(Map.of("field", field));
        return new ConflictPolicy(ConflictStrategy.CUSTOM, null, resolver, Map.of());
    }

    private static Version version(
            String source, int priority, long commitMillis, String... values) {
        return new Version(source, priority, commitMillis, Arrays.asList(values));
    }
}
