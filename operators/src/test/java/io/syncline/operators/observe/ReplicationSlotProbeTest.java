package io.syncline.operators.observe;

import static org.assertj.core.api.Assertions.assertThat;

import io.syncline.operators.observe.ReplicationSlotProbe.SlotState;
import org.junit.jupiter.api.Test;

class ReplicationSlotProbeTest {

    @Test
    void onlyALostSlotHasLostItsWalAndAnUnreservedOneIsAboutTo() {
        assertThat(SlotState.ofWalStatus("reserved")).isEqualTo(SlotState.HEALTHY);
        assertThat(SlotState.ofWalStatus("extended")).isEqualTo(SlotState.HEALTHY);
        assertThat(SlotState.ofWalStatus("unreserved")).isEqualTo(SlotState.UNRESERVED);
        assertThat(SlotState.ofWalStatus("lost")).isEqualTo(SlotState.LOST);
        // A slot that never reserved WAL has none to lose.
        assertThat(SlotState.ofWalStatus(null)).isEqualTo(SlotState.HEALTHY);
    }
}
