package io.syncline.operators.replay;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.syncline.schema.ChangeEvent;
import io.syncline.schema.FieldKind;
import io.syncline.schema.FieldValue;
import io.syncline.schema.Operation;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ReplaySelectionTest {

    private static final Instant FROM = Instant.parse("2026-11-26T07:00:00Z");
    private static final Instant TO = Instant.parse("2026-11-26T08:00:00Z");

    @Test
    void bothEndsOfTheWindowAreIncluded() {
        ReplaySelection window = new ReplaySelection(FROM, TO, null, "customer");

        assertThat(window.selects(change("acme", "customer", FROM))).isTrue();
        assertThat(window.selects(change("acme", "customer", TO))).isTrue();
        assertThat(window.selects(change("acme", "customer", FROM.minusMillis(1)))).isFalse();
        assertThat(window.selects(change("acme", "customer", TO.plusMillis(1)))).isFalse();
    }

    @Test
    void asOfSelectsEverythingUpToItsTime() {
        ReplaySelection asOf = new ReplaySelection(null, TO, null, "customer");

        assertThat(asOf.asOf()).isTrue();
        assertThat(asOf.selects(change("acme", "customer", Instant.EPOCH))).isTrue();
        assertThat(asOf.selects(change("acme", "customer", TO.plusMillis(1)))).isFalse();
    }

    @Test
    void onlyTheChosenEntityTypeAndTenant() {
        ReplaySelection acme = new ReplaySelection(FROM, TO, "acme", "customer");
        Instant within = FROM.plusSeconds(60);

        assertThat(acme.selects(change("acme", "customer", within))).isTrue();
        assertThat(acme.selects(change("globex", "customer", within))).isFalse();
        assertThat(acme.selects(change("acme", "contract", within))).isFalse();
    }

    @Test
    void aWindowEndingBeforeItStartsIsRefused() {
        assertThatThrownBy(() -> new ReplaySelection(TO, FROM, null, "customer"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage(
                        "the window starts at 2026-11-26T08:00:00Z, after its end"
                                + " 2026-11-26T07:00:00Z");
    }

    private static ChangeEvent change(String tenant, String entityType, Instant committed) {
        return ChangeEvent.newBuilder()
                .setEventId("crm/1/" + tenant + "/" + entityType + "/1")
                .setTenant(tenant)
                .setEntityType(entityType)
                .setEntityId("1")
                .setOp(Operation.CREATE)
                .setAfter(Map.of("id", new FieldValue(FieldKind.STRING, "1")))
                .setSourceCommitTime(committed)
                .setCaptureTime(committed)
                .setSourceId("crm")
                .setSourcePosition("1")
                .setVersion(1L)
                .build();
    }
}
