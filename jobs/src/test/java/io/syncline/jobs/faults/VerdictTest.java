package io.syncline.jobs.faults;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.syncline.jobs.faults.SequencedWorkload.Verdict;
import io.syncline.schema.ChangeEvent;
import io.syncline.schema.FieldKind;
import io.syncline.schema.FieldValue;
import io.syncline.schema.Operation;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The suite's checker counts what it must: it would catch each kind of fault it claims to. */
class VerdictTest {

    private final List<ChangeEvent> topic = new ArrayList<>();

    @Test
    void aCompleteHistoryInOrderIsClean() {
        change(1, Operation.CREATE, 1);
        change(1, Operation.UPDATE, 2);
        change(2, Operation.CREATE, 1);
        change(1, Operation.UPDATE, 3);
        change(1, Operation.DELETE, 3);

        Verdict verdict = Verdict.of(topic, Map.of(1L, 3L, 2L, 1L), Set.of(1L));

        assertThat(verdict).isEqualTo(new Verdict(5, 2, 0, 0, 0));
        verdict.assertExactlyOnceInOrder();
    }

    @Test
    void aSnapshotReadStandsForTheHistoryBeforeIt() {
        change(1, Operation.READ, 4);
        change(1, Operation.UPDATE, 5);

        assertThat(Verdict.of(topic, Map.of(1L, 5L), Set.of()))
                .isEqualTo(new Verdict(2, 1, 0, 0, 0));
    }

    @Test
    void countsGapsMissingAccountsAndMissingDeletesAsLost() {
        change(1, Operation.CREATE, 1);
        change(1, Operation.UPDATE, 3);

        Verdict verdict = Verdict.of(topic, Map.of(1L, 4L, 2L, 1L), Set.of(1L));

        // seq 2 and 4 of account 1, its delete, and account 2's create.
        assertThat(verdict.lost()).isEqualTo(4);
        assertThatThrownBy(verdict::assertExactlyOnceInOrder).hasMessageContaining("lost");
    }

    @Test
    void countsRepeatedEventsAndRepeatedSequenceNumbersAsDuplicated() {
        change(1, Operation.CREATE, 1);
        topic.add(topic.get(0));
        change(1, Operation.UPDATE, 2);
        topic.add(event(1, Operation.UPDATE, 2, "another position"));

        Verdict verdict = Verdict.of(topic, Map.of(1L, 2L), Set.of());

        assertThat(verdict.duplicated()).isEqualTo(2);
        assertThat(verdict.lost()).isZero();
        assertThatThrownBy(verdict::assertExactlyOnceInOrder).hasMessageContaining("duplicated");
    }

    @Test
    void countsChangesAfterALaterOneAsOutOfOrder() {
        change(1, Operation.CREATE, 1);
        change(1, Operation.UPDATE, 3);
        change(1, Operation.UPDATE, 2);

        Verdict verdict = Verdict.of(topic, Map.of(1L, 3L), Set.of());

        assertThat(verdict.outOfOrder()).isEqualTo(1);
        assertThat(verdict.lost()).isZero();
        assertThatThrownBy(verdict::assertExactlyOnceInOrder).hasMessageContaining("out of order");
    }

    private void change(long id, Operation op, long seq) {
        topic.add(event(id, op, seq, String.valueOf(topic.size())));
    }

    private static ChangeEvent event(long id, Operation op, long seq, String position) {
        Map<String, FieldValue> row = Map.of("seq", new FieldValue(FieldKind.LONG, seq));
        return ChangeEvent.newBuilder()
                .setEventId("src/" + position + "/acme/account/" + id)
                .setTenant("acme")
                .setEntityType("account")
                .setEntityId(String.valueOf(id))
                .setOp(op)
                .setBefore(op == Operation.CREATE ? null : row)
                .setAfter(op == Operation.DELETE ? null : row)
                .setSourceCommitTime(Instant.EPOCH)
                .setCaptureTime(Instant.EPOCH)
                .setSourceId("src")
                .setSourcePosition(position)
                .setVersion(seq)
                .build();
    }
}
