package io.syncline.operators.quality.readback;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.syncline.schema.ChangeEvent;
import io.syncline.schema.FieldKind;
import io.syncline.schema.FieldValue;
import io.syncline.schema.Operation;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ReadBackSamplingTest {

    private static final int CHANGES = 10_000;

    /** 10,000 changes of distinct entities of two tenants and two entity types. */
    private static List<ChangeEvent> distinctChanges() {
        List<ChangeEvent> changes = new ArrayList<>();
        for (int i = 0; i < CHANGES; i++) {
            changes.add(
                    change(
                            i % 2 == 0 ? "acme" : "globex",
                            i % 3 == 0 ? "order" : "customer",
                            Integer.toString(i),
                            1_000L + i));
        }
        return changes;
    }

    private static ChangeEvent change(
            String tenant, String entityType, String entityId, long version) {
        return ChangeEvent.newBuilder()
                .setEventId("shop-db/" + version + "/" + tenant + "/" + entityType + "/" + entityId)
                .setTenant(tenant)
                .setEntityType(entityType)
                .setEntityId(entityId)
                .setOp(Operation.UPDATE)
                .setAfter(Map.of("id", new FieldValue(FieldKind.STRING, entityId)))
                .setSourceCommitTime(Instant.parse("2024-01-15T10:30:45.123Z"))
                .setCaptureTime(Instant.parse("2024-01-15T10:30:45.250Z"))
                .setSourceId("shop-db")
                .setSourcePosition(Long.toString(version))
                .setVersion(version)
                .build();
    }

    private static List<ChangeEvent> sampled(double rate, List<ChangeEvent> changes) {
        ReadBackSampling sampling = new ReadBackSampling(rate);
        return changes.stream().filter(sampling::sampled).toList();
    }

    @Test
    void rateZeroSamplesNone() {
        assertThat(sampled(0, distinctChanges())).isEmpty();
    }

    @Test
    void rateOneSamplesEveryChange() {
        List<ChangeEvent> changes = distinctChanges();

        assertThat(sampled(1, changes)).isEqualTo(changes);
    }

    @Test
    void aQuarterSamplesAboutAQuarterOfDistinctChangesAndAlwaysTheSame() {
        List<ChangeEvent> changes = distinctChanges();

        List<ChangeEvent> sampled = sampled(0.25, changes);

        // Within three standard deviations of a fair coin (43 at n = 10,000, p = 0.25) ...
        assertThat(sampled.size()).isCloseTo(2_500, within(130));
        // ... and, since the decision is a hash, exactly the count seen when this test was written.
        assertThat(sampled.size()).isEqualTo(2_397);
        assertThat(sampled(0.25, changes)).isEqualTo(sampled);
    }

    @Test
    void versionsOfOneEntityAreSampledIndependently() {
        List<ChangeEvent> versions = new ArrayList<>();
        for (int version = 1; version <= CHANGES; version++) {
            versions.add(change("acme", "order", "42", version));
        }

        assertThat(sampled(0.25, versions).size()).isCloseTo(2_500, within(130));
    }

    @Test
    void theDecisionDependsOnlyOnTheEntityAndVersion() {
        ReadBackSampling sampling = new ReadBackSampling(0.5);
        for (ChangeEvent change : distinctChanges().subList(0, 1_000)) {
            ChangeEvent redelivered =
                    ChangeEvent.newBuilder(change)
                            .setEventId("replayed")
                            .setOp(Operation.CREATE)
                            .setSourceCommitTime(Instant.parse("2030-01-01T00:00:00Z"))
                            .setSourceId("other-db")
                            .build();

            assertThat(sampling.sampled(redelivered)).isEqualTo(sampling.sampled(change));
        }
    }

    @Test
    void theFieldsOfTheKeyDoNotRunIntoEachOther() {
        ReadBackSampling sampling = new ReadBackSampling(0.5);
        int differ = 0;
        for (int version = 1; version <= 200; version++) {
            boolean joinedLeft = sampling.sampled(change("ab", "c", "1", version));
            boolean joinedRight = sampling.sampled(change("a", "bc", "1", version));
            differ += joinedLeft == joinedRight ? 0 : 1;
        }

        // Independent decisions at 0.5 differ about half the time; identical hashes never would.
        assertThat(differ).isCloseTo(100, within(30));
    }

    @Test
    void raisingTheRateKeepsEveryChangeSampledBefore() {
        List<ChangeEvent> changes = distinctChanges();

        assertThat(sampled(0.25, changes)).containsAll(sampled(0.1, changes));
        assertThat(sampled(0.1, changes).size()).isCloseTo(1_000, within(90));
    }

    @Test
    void asAFilterItKeepsTheSampledChanges() {
        ReadBackSampling sampling = new ReadBackSampling(0.25);
        for (ChangeEvent change : distinctChanges().subList(0, 1_000)) {
            assertThat(sampling.filter(change)).isEqualTo(sampling.sampled(change));
        }
    }

    @Test
    void aRateOutsideZeroToOneIsRejected() {
        for (double rate : new double[] {-0.01, 1.01, Double.NaN}) {
            assertThatThrownBy(() -> new ReadBackSampling(rate))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessage(
                            "the read-back sample rate must be between 0 (off) and 1 (every"
                                    + " change), was "
                                    + rate);
        }
    }
}
