package io.syncline.operators.resolve;

import static io.syncline.operators.resolve.EntityChanges.change;
import static io.syncline.operators.validate.Changes.image;
import static io.syncline.operators.validate.Changes.text;
import static org.assertj.core.api.Assertions.assertThat;

import io.syncline.schema.ChangeEvent;
import java.util.Map;
import org.junit.jupiter.api.Test;

class AppliedVersionsTest {

    private static final long MILLIS = 1_714_557_600_000L;

    @Test
    void theFirstVersionIsTheCommitTimeAndTheRankWithACounterOfZero() {
        assertThat(AppliedVersions.next(0, MILLIS, 3)).isEqualTo((MILLIS << 20) | (3L << 12));
    }

    @Test
    void everyAppliedChangeGetsAHigherVersionEvenWithAnEarlierCommitTime() {
        long previous = AppliedVersions.next(0, MILLIS, 0);

        assertThat(AppliedVersions.next(previous, MILLIS - 60_000, 0)).isEqualTo(previous + 1);
        assertThat(AppliedVersions.next(previous, 0, 0)).isEqualTo(previous + 1);
    }

    @Test
    void aLaterCommitTimeJumpsAheadOfTheCounter() {
        long version = AppliedVersions.next(0, MILLIS, 7);
        for (int i = 0; i < 100; i++) {
            version = AppliedVersions.next(version, MILLIS, 7);
        }

        assertThat(AppliedVersions.next(version, MILLIS + 1, 0)).isEqualTo((MILLIS + 1) << 20);
    }

    @Test
    void changesWithinTheSameMillisecondCountUp() {
        long first = AppliedVersions.next(0, MILLIS, 1);
        long second = AppliedVersions.next(first, MILLIS, 1);
        long third = AppliedVersions.next(second, MILLIS, 1);

        assertThat(second).isEqualTo(first + 1);
        assertThat(third).isEqualTo(first + 2);
    }

    @Test
    void theLaterWriterWithinTheSameMillisecondIsHigherInEitherOrderThanksToItsRank() {
        SourcePrecedence precedence = new SourcePrecedence(Map.of("crm", 0, "erp", 0));
        ChangeEvent crm = change("crm", 1).at(0).update(image("name", text("crm")));
        ChangeEvent erp = change("erp", 1).at(0).update(image("name", text("erp")));
        assertThat(precedence.compare(erp, crm)).as("erp is the later writer").isPositive();
        int crmRank = precedence.rank("crm");
        int erpRank = precedence.rank("erp");

        // A run applies crm, then erp over it; a replay after a restore meets erp first.
        long crmFirst = AppliedVersions.next(0, MILLIS, crmRank);
        long erpSecond = AppliedVersions.next(crmFirst, MILLIS, erpRank);
        long erpFirst = AppliedVersions.next(0, MILLIS, erpRank);

        assertThat(erpSecond).isGreaterThan(crmFirst);
        assertThat(erpFirst)
                .as("the replayed winner passes the version guard of a target holding crm")
                .isGreaterThan(crmFirst)
                .isEqualTo(erpSecond);
    }
}
