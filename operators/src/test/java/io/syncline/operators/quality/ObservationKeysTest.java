package io.syncline.operators.quality;

import static io.syncline.operators.quality.QualityObservations.seen;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.syncline.schema.ObservationOutcome;
import io.syncline.schema.ObservationStage;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/** The tenant-and-entity-type key of observations. */
class ObservationKeysTest {

    @Test
    void keyHoldsTenantAndEntityTypeAndGivesThemBack() throws Exception {
        String key =
                new ObservationKeys()
                        .getKey(
                                seen(
                                        "acme",
                                        "sales order",
                                        ObservationStage.VALIDATE,
                                        ObservationOutcome.VALID,
                                        Instant.EPOCH));

        assertThat(key)
                .isEqualTo("acme\u001fsales order")
                .isEqualTo(ObservationKeys.of("acme", "sales order"));
        assertThat(ObservationKeys.tenant(key)).isEqualTo("acme");
        assertThat(ObservationKeys.entityType(key)).isEqualTo("sales order");
    }

    @Test
    void tenantsAndEntityTypesThatDifferOnlyAcrossTheSplitGetDifferentKeys() {
        assertThat(ObservationKeys.of("ab", "c")).isNotEqualTo(ObservationKeys.of("a", "bc"));
    }

    @Test
    void textWithoutSeparatorIsNoKey() {
        assertThatThrownBy(() -> ObservationKeys.tenant("acme"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("not an observation key: acme");
    }
}
