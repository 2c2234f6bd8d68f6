package io.syncline.operators.resolve;

import static io.syncline.operators.resolve.EntityChanges.EPOCH;
import static io.syncline.operators.resolve.EntityChanges.change;
import static io.syncline.operators.resolve.EntityChanges.imageOf;
import static io.syncline.operators.validate.Changes.image;
import static io.syncline.operators.validate.Changes.intValue;
import static io.syncline.operators.validate.Changes.text;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;

import io.syncline.operators.errors.ErrorCodes;
import io.syncline.operators.errors.ErrorOutputs;
import io.syncline.operators.key.EntityKeys;
import io.syncline.operators.observe.ObservationOutputs;
import io.syncline.operators.observe.Observations;
import io.syncline.schema.ChangeEvent;
import io.syncline.schema.ConflictDecision;
import io.syncline.schema.ConflictPick;
import io.syncline.schema.ConflictRecord;
import io.syncline.schema.ConflictStatus;
import io.syncline.schema.ErrorClass;
import io.syncline.schema.ErrorRecord;
import io.syncline.schema.FieldValue;
import io.syncline.schema.Observation;
import io.syncline.schema.ObservationOutcome;
import io.syncline.schema.ObservationStage;
import io.syncline.schema.Operation;
import io.syncline.schema.ResolutionOutcome;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.Random;
import java.util.Set;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.streaming.api.operators.co.KeyedCoProcessOperator;
import org.apache.flink.streaming.api.watermark.Watermark;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedTwoInputStreamOperatorTestHarness;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class ResolveFunctionTest {

    private static final long NOW = EPOCH.plusSeconds(3_600).toEpochMilli();
    private static final long BOUND = 50;
    private static final SourcePrecedence PRECEDENCE = new SourcePrecedence(Map.of("a", 0, "b", 0));
    private static final ConflictPolicy MANUAL =
            new ConflictPolicy(ConflictStrategy.MANUAL, null, null, Map.of());

    private static final Map<String, FieldValue> ADA =
            image("id", intValue(1), "name", text("Ada"));
    private static final Map<String, FieldValue> GRACE =
            image("id", intValue(1), "name", text("Grace"));
    private static final Map<String, FieldValue> LIN =
            image("id", intValue(1), "name", text("Lin"));
    private static final Map<String, FieldValue> MAX =
            image("id", intValue(1), "name", text("Max"));

    private final List<Harness> harnesses = new ArrayList<>();

    /** The resolve operator with its inputs: changes, and decisions of parked conflicts. */
    private static final class Harness
            extends KeyedTwoInputStreamOperatorTestHarness<
                    String, ChangeEvent, ConflictDecision, ChangeEvent> {

        Harness(ResolveFunction function) throws Exception {
            super(
                    new KeyedCoProcessOperator<>(function),
                    new EntityKeys(),
                    new ConflictDecisionKeys(),
                    Types.STRING);
            // State restored through a Kryo fallback would not survive a change of its classes.
            getExecutionConfig().disableGenericTypes();
        }

        void change(ChangeEvent change) throws Exception {
            processElement1(change, change.getSourceCommitTime().toEpochMilli());
        }

        void watermark(long commitMillis) throws Exception {
            processBothWatermarks(new Watermark(EPOCH.toEpochMilli() + commitMillis));
        }

        List<ConflictRecord> conflicts() {
            return values(getSideOutput(ResolveFunction.CONFLICTS));
        }

        List<ErrorRecord> errors() {
            return values(getSideOutput(ErrorOutputs.ERRORS));
        }

        List<Observation> observations() {
            return values(getSideOutput(ObservationOutputs.OBSERVATIONS));
        }

        List<ChangeEvent> writesTo(String peer) {
            return values(getSideOutput(ResolveFunction.writeBackOf(peer)));
        }

        private static <T> List<T> values(Queue<StreamRecord<T>> records) {
            return records == null
                    ? List.of()
                    : records.stream().map(StreamRecord::getValue).toList();
        }
    }

    private static ResolveFunction function(
            ConflictPolicy customers,
            Set<String> peers,
            Duration maxOutOfOrder,
            int maxPendingPerEntity,
            int maxParkedPerEntity) {
        return new ResolveFunction(
                new EntityResolver(Map.of(EntityChanges.CUSTOMER, customers), PRECEDENCE),
                peers,
                Duration.ofHours(1),
                maxOutOfOrder,
                maxPendingPerEntity,
                maxParkedPerEntity);
    }

    private static ResolveFunction inArrivalOrder(ConflictPolicy customers, Set<String> peers) {
        return function(customers, peers, Duration.ZERO, 100, 100);
    }

    private static ResolveFunction holdingBack(Duration maxOutOfOrder, int maxPendingPerEntity) {
        return function(
                ConflictPolicy.lastWriterWins(), Set.of(), maxOutOfOrder, maxPendingPerEntity, 100);
    }

    private Harness open(ResolveFunction function) throws Exception {
        return restore(function, null);
    }

    private Harness restore(ResolveFunction function, OperatorSubtaskState snapshot)
            throws Exception {
        Harness harness = new Harness(function);
        harnesses.add(harness);
        if (snapshot == null) {
            harness.initializeEmptyState();
        } else {
            harness.initializeState(snapshot);
        }
        harness.open();
        harness.setProcessingTime(NOW);
        return harness;
    }

    @AfterEach
    void closeHarnesses() throws Exception {
        for (Harness harness : harnesses) {
            harness.close();
        }
    }

    private static ConflictDecision decision(ConflictRecord conflict, ConflictPick pick) {
        return decision(conflict.getConflictId(), pick);
    }

    private static ConflictDecision decision(String conflictId, ConflictPick pick) {
        return ConflictDecision.newBuilder()
                .setConflictId(conflictId)
                .setTenant(EntityChanges.TENANT)
                .setEntityType(EntityChanges.CUSTOMER)
                .setEntityId("1")
                .setPick(pick)
                .build();
    }

    private static List<String> eventIds(List<ChangeEvent> changes) {
        return changes.stream().map(ChangeEvent::getEventId).toList();
    }

    @Test
    void withoutAnOutOfOrderBoundChangesAreAppliedAsTheyArrive() throws Exception {
        Harness harness = open(holdingBack(Duration.ZERO, 100));
        ChangeEvent first = change("a", 1).at(300).create(ADA);
        ChangeEvent second = change("a", 2).at(100).update(GRACE);
        ChangeEvent third = change("a", 3).at(200).update(LIN);

        harness.change(first);
        harness.change(second);
        harness.change(third);

        List<ChangeEvent> emitted = harness.extractOutputValues();
        assertThat(emitted).extracting(EntityChanges::imageOf).containsExactly(ADA, GRACE, LIN);
        assertThat(emitted)
                .extracting(ChangeEvent::getVersion)
                .isSortedAccordingTo(Comparator.naturalOrder())
                .doesNotHaveDuplicates();
        assertThat(harness.numEventTimeTimers()).isZero();
        assertThat(harness.conflicts()).isEmpty();
    }

    /**
     * One source's changes of three customers, in source order: positions and commit times rising,
     * 10 ms apart; a fifth of them deletes.
     */
    private static List<ChangeEvent> sourceHistory(Random random) {
        List<ChangeEvent> changes = new ArrayList<>();
        for (int position = 1; position <= 40; position++) {
            EntityChanges.Builder change =
                    change("a", position)
                            .entity(String.valueOf(1 + random.nextInt(3)))
                            .at(10L * position);
            changes.add(
                    random.nextInt(5) == 0
                            ? change.delete()
                            : change.update(image("id", intValue(1), "step", intValue(position))));
        }
        return changes;
    }

    /**
     * Per entity key, the image of the highest version written: what a version-guarded target
     * holds.
     */
    private static Map<String, Map<String, FieldValue>> targetOf(List<ChangeEvent> emitted) {
        Map<String, ChangeEvent> latest = new HashMap<>();
        for (ChangeEvent change : emitted) {
            latest.merge(
                    EntityKeys.of(change),
                    change,
                    (held, offered) -> offered.getVersion() > held.getVersion() ? offered : held);
        }
        Map<String, Map<String, FieldValue>> target = new HashMap<>();
        latest.forEach((key, change) -> target.put(key, imageOf(change)));
        return target;
    }

    @Test
    void changesShuffledWithinTheBoundComeOutAsInSourceOrder() throws Exception {
        for (long seed = 1; seed <= 10; seed++) {
            Random random = new Random(seed);
            List<ChangeEvent> history = sourceHistory(random);
            Harness inOrder = open(holdingBack(Duration.ZERO, 100));
            for (ChangeEvent change : history) {
                inOrder.change(change);
            }
            // Each change is delayed by less than the bound, so none is behind the watermark.
            Map<ChangeEvent, Long> arrival = new HashMap<>();
            for (ChangeEvent change : history) {
                arrival.put(
                        change,
                        change.getSourceCommitTime().toEpochMilli() + random.nextInt((int) BOUND));
            }
            List<ChangeEvent> shuffled = new ArrayList<>(history);
            shuffled.sort(Comparator.comparing(arrival::get));
            assertThat(shuffled).as("seed %d", seed).isNotEqualTo(history);

            Harness held = open(holdingBack(Duration.ofMillis(BOUND), 100));
            long newest = Long.MIN_VALUE;
            for (ChangeEvent change : shuffled) {
                held.change(change);
                long commit = change.getSourceCommitTime().toEpochMilli() - EPOCH.toEpochMilli();
                if (commit > newest) {
                    newest = commit;
                    held.watermark(newest - BOUND);
                }
            }
            held.processBothWatermarks(Watermark.MAX_WATERMARK);

            List<ChangeEvent> expected = inOrder.extractOutputValues();
            assertThat(expected).isNotEmpty();
            assertThat(held.extractOutputValues()).as("seed %d", seed).isEqualTo(expected);
            assertThat(targetOf(held.extractOutputValues())).isEqualTo(targetOf(expected));
            assertThat(held.conflicts()).isEmpty();
        }
    }

    @Test
    void aChangeBehindTheWatermarkThatANewerOneOvertookIsStaleAndLoses() throws Exception {
        Harness harness = open(holdingBack(Duration.ofMillis(BOUND), 100));
        ChangeEvent older = change("a", 1).at(100).create(ADA);
        ChangeEvent newer = change("a", 2).at(200).update(GRACE);

        harness.change(newer);
        harness.watermark(150);
        assertThat(harness.extractOutputValues()).isEmpty();
        harness.watermark(250);
        harness.change(older);

        assertThat(harness.extractOutputValues())
                .extracting(ChangeEvent::getEventId)
                .containsExactly(newer.getEventId());
        assertThat(harness.conflicts())
                .extracting(
                        ConflictRecord::getStatus,
                        ConflictRecord::getOutcome,
                        conflict -> conflict.getRight().getEventId(),
                        ConflictRecord::getResult)
                .containsExactly(
                        tuple(
                                ConflictStatus.RESOLVED,
                                ResolutionOutcome.LOST,
                                older.getEventId(),
                                GRACE));
    }

    @Test
    void withoutAWatermarkTheProcessingTimeTimerReleasesHeldChanges() throws Exception {
        Harness harness = open(holdingBack(Duration.ofMillis(BOUND), 100));
        ChangeEvent first = change("a", 1).at(100).create(ADA);
        ChangeEvent second = change("a", 2).at(110).update(GRACE);

        harness.change(second);
        harness.change(first);
        harness.setProcessingTime(NOW + BOUND - 1);
        assertThat(harness.extractOutputValues()).isEmpty();
        harness.setProcessingTime(NOW + Duration.ofMinutes(10).toMillis());

        assertThat(harness.extractOutputValues())
                .extracting(ChangeEvent::getEventId)
                .containsExactly(first.getEventId(), second.getEventId());
        assertThat(harness.conflicts()).isEmpty();
    }

    @Test
    void overMaxPendingPerEntityTheOldestHeldChangeIsReleasedEarly() throws Exception {
        Harness harness = open(holdingBack(Duration.ofHours(1), 2));
        ChangeEvent first = change("a", 1).at(100).create(ADA);
        ChangeEvent second = change("a", 2).at(200).update(GRACE);
        ChangeEvent third = change("a", 3).at(300).update(LIN);

        harness.change(second);
        harness.change(first);
        assertThat(harness.extractOutputValues()).isEmpty();
        harness.change(third);
        assertThat(harness.extractOutputValues())
                .extracting(ChangeEvent::getEventId)
                .containsExactly(first.getEventId());
        harness.processBothWatermarks(Watermark.MAX_WATERMARK);

        assertThat(harness.extractOutputValues())
                .extracting(ChangeEvent::getEventId)
                .containsExactly(first.getEventId(), second.getEventId(), third.getEventId());
    }

    @Test
    void aParkedConflictHoldsTheEntitysLaterChangesUntilItIsDecided() throws Exception {
        Harness harness = open(inArrivalOrder(MANUAL, Set.of()));
        ChangeEvent fromA = change("a", 1).at(10).create(ADA);
        ChangeEvent fromB = change("b", 1).at(20).update(GRACE);
        // a's writer got b's version written back before these two.
        ChangeEvent nextOfA = change("a", 2).at(30).saw(Map.of("a", 1L, "b", 1L)).update(LIN);
        ChangeEvent lastOfA = change("a", 3).at(40).saw(Map.of("a", 1L, "b", 1L)).update(MAX);
        ChangeEvent otherCustomer = change("a", 4).entity("2").at(50).create(ADA);

        harness.change(fromA);
        harness.change(fromB);
        harness.change(nextOfA);
        harness.change(lastOfA);
        harness.change(otherCustomer);

        assertThat(eventIds(harness.extractOutputValues()))
                .containsExactly(fromA.getEventId(), otherCustomer.getEventId());
        ConflictRecord open = harness.conflicts().get(0);
        assertThat(harness.conflicts())
                .extracting(ConflictRecord::getStatus, ConflictRecord::getOutcome)
                .containsExactly(tuple(ConflictStatus.OPEN, ResolutionOutcome.PARKED));

        harness.processElement2(decision(open, ConflictPick.RIGHT), 0);

        List<ChangeEvent> emitted = harness.extractOutputValues();
        assertThat(eventIds(emitted))
                .containsExactly(
                        fromA.getEventId(),
                        otherCustomer.getEventId(),
                        fromB.getEventId(),
                        nextOfA.getEventId(),
                        lastOfA.getEventId());
        assertThat(emitted.get(2).getResolution().getOutcome())
                .isEqualTo(ResolutionOutcome.DECIDED);
        assertThat(emitted).extracting(EntityChanges::imageOf).endsWith(GRACE, LIN, MAX);
        assertThat(harness.conflicts())
                .extracting(
                        ConflictRecord::getConflictId,
                        ConflictRecord::getStatus,
                        ConflictRecord::getOutcome,
                        ConflictRecord::getDecision,
                        ConflictRecord::getDecidedBy,
                        ConflictRecord::getDecidedAt)
                .containsExactly(
                        tuple(
                                open.getConflictId(),
                                ConflictStatus.OPEN,
                                ResolutionOutcome.PARKED,
                                null,
                                null,
                                null),
                        tuple(
                                open.getConflictId(),
                                ConflictStatus.RESOLVED,
                                ResolutionOutcome.DECIDED,
                                "right",
                                "syncline conflicts",
                                Instant.ofEpochMilli(NOW)));
    }

    @Test
    void overMaxParkedPerEntityAChangeGoesToTheErrors() throws Exception {
        Harness harness = open(function(MANUAL, Set.of(), Duration.ZERO, 100, 2));
        ChangeEvent fromA = change("a", 1).at(10).create(ADA);
        ChangeEvent fromB = change("b", 1).at(20).update(GRACE);
        ChangeEvent waiting = change("a", 2).at(30).saw(Map.of("a", 1L, "b", 1L)).update(LIN);
        ChangeEvent alsoWaiting = change("a", 3).at(40).saw(Map.of("a", 1L, "b", 1L)).update(MAX);
        ChangeEvent overflow = change("a", 4).at(50).update(ADA);

        for (ChangeEvent change : List.of(fromA, fromB, waiting, alsoWaiting, overflow)) {
            harness.change(change);
        }

        String conflictId = harness.conflicts().get(0).getConflictId();
        assertThat(harness.errors())
                .singleElement()
                .satisfies(
                        error -> {
                            assertThat(error.getCode())
                                    .isEqualTo(ErrorCodes.CONFLICT_BACKLOG_FULL)
                                    .isEqualTo("CONFLICT_BACKLOG_FULL");
                            assertThat(error.getStage()).isEqualTo(ResolveFunction.STAGE);
                            assertThat(error.getErrorClass()).isEqualTo(ErrorClass.PERMANENT);
                            assertThat(error.getKey()).isEqualTo("acme/customer/1");
                            assertThat(error.getSourceId()).isEqualTo("a");
                            assertThat(error.getSourcePosition()).isEqualTo("4");
                            assertThat(error.getChange()).isEqualTo(overflow);
                            assertThat(error.getTime()).isEqualTo(Instant.ofEpochMilli(NOW));
                            assertThat(error.getMessage())
                                    .isEqualTo(
                                            "customer acme/customer/1 has 2 changes waiting behind"
                                                    + " conflict "
                                                    + conflictId
                                                    + " already (consistency.maxParkedPerEntity);"
                                                    + " decide it with 'syncline conflicts resolve "
                                                    + conflictId
                                                    + "', then replay this change with 'syncline"
                                                    + " errors replay'");
                        });

        harness.processElement2(decision(conflictId, ConflictPick.LEFT), 0);

        assertThat(eventIds(harness.extractOutputValues()))
                .containsExactly(
                        fromA.getEventId(), waiting.getEventId(), alsoWaiting.getEventId());
    }

    @Test
    void aDecisionForAConflictThatIsNotOpenChangesNothing() throws Exception {
        Harness harness = open(inArrivalOrder(MANUAL, Set.of()));
        ChangeEvent fromA = change("a", 1).at(10).create(ADA);
        ChangeEvent fromB = change("b", 1).at(20).update(GRACE);
        ChangeEvent waiting = change("a", 2).at(30).saw(Map.of("a", 1L, "b", 1L)).update(LIN);
        harness.change(fromA);
        harness.change(fromB);
        ConflictRecord open = harness.conflicts().get(0);

        harness.processElement2(decision("c-00000000000000000000", ConflictPick.RIGHT), 0);
        harness.change(waiting);

        assertThat(eventIds(harness.extractOutputValues())).containsExactly(fromA.getEventId());
        assertThat(harness.conflicts()).containsExactly(open);

        harness.processElement2(decision(open, ConflictPick.RIGHT), 0);

        assertThat(eventIds(harness.extractOutputValues()))
                .containsExactly(fromA.getEventId(), fromB.getEventId(), waiting.getEventId());
    }

    @Test
    void aChangeOfAPeerIsWrittenToTheOtherPeersOnlyWithItsOriginAndTheEntityClock()
            throws Exception {
        Harness harness = open(inArrivalOrder(ConflictPolicy.lastWriterWins(), Set.of("a", "b")));
        ChangeEvent fromA = change("a", 1).at(10).create(ADA);
        ChangeEvent laterFromB = change("b", 1).at(20).update(GRACE);

        harness.change(fromA);

        long version = harness.extractOutputValues().get(0).getVersion();
        assertThat(harness.writesTo("a")).isEmpty();
        assertThat(harness.writesTo("b"))
                .containsExactly(
                        ChangeEvent.newBuilder(fromA)
                                .setVersion(version)
                                .setOrigin("a")
                                .setVectorClock(Map.of("a", 1L))
                                .build());

        harness.change(laterFromB);

        assertThat(harness.writesTo("b")).hasSize(1);
        assertThat(harness.writesTo("a"))
                .singleElement()
                .satisfies(
                        write -> {
                            assertThat(imageOf(write)).isEqualTo(GRACE);
                            assertThat(write.getOrigin()).isEqualTo("b");
                            assertThat(write.getVectorClock()).isEqualTo(Map.of("a", 1L, "b", 1L));
                            assertThat(write.getVersion())
                                    .isEqualTo(harness.extractOutputValues().get(1).getVersion());
                        });
    }

    @Test
    void aPeerWhoseChangeLostGetsTheStateInForce() throws Exception {
        Harness harness = open(inArrivalOrder(ConflictPolicy.lastWriterWins(), Set.of("a", "b")));
        ChangeEvent fromA = change("a", 1).at(20).create(ADA);
        ChangeEvent earlierFromB = change("b", 1).at(10).update(GRACE);

        harness.change(fromA);
        harness.change(earlierFromB);

        long version = harness.extractOutputValues().get(0).getVersion();
        assertThat(harness.extractOutputValues()).hasSize(1);
        assertThat(harness.writesTo("a")).isEmpty();
        assertThat(harness.writesTo("b"))
                .containsExactly(
                        ChangeEvent.newBuilder(fromA)
                                .setVersion(version)
                                .setOrigin("a")
                                .setVectorClock(Map.of("a", 1L))
                                .build(),
                        ChangeEvent.newBuilder(fromA)
                                .setVersion(version)
                                .setOrigin("a")
                                .setVectorClock(Map.of("a", 1L, "b", 1L))
                                .build());
    }

    @Test
    void anEchoWithAnotherImageMakesItsSourceGetTheStateInForce() throws Exception {
        Harness harness = open(inArrivalOrder(ConflictPolicy.lastWriterWins(), Set.of("a", "b")));
        ChangeEvent fromA = change("a", 1).at(10).create(ADA);

        harness.change(fromA);
        harness.change(change("b", 7).at(11).echoOf("a").update(GRACE));

        assertThat(harness.extractOutputValues()).hasSize(1);
        assertThat(harness.conflicts()).isEmpty();
        assertThat(harness.writesTo("a")).isEmpty();
        assertThat(harness.writesTo("b"))
                .hasSize(2)
                .allSatisfy(
                        write -> {
                            assertThat(imageOf(write)).isEqualTo(ADA);
                            assertThat(write.getOrigin()).isEqualTo("a");
                        });
    }

    @Test
    void anEchoWithTheSameImageWritesNothing() throws Exception {
        Harness harness = open(inArrivalOrder(ConflictPolicy.lastWriterWins(), Set.of("a", "b")));
        ChangeEvent fromA = change("a", 1).at(10).create(ADA);

        harness.change(fromA);
        harness.change(change("b", 7).at(11).echoOf("a").update(ADA));

        assertThat(harness.extractOutputValues()).hasSize(1);
        assertThat(harness.conflicts()).isEmpty();
        assertThat(harness.writesTo("a")).isEmpty();
        assertThat(harness.writesTo("b")).hasSize(1);
    }

    @Test
    void afterARestoreADuplicateIsStillDroppedAndAStaleChangeStillLoses() throws Exception {
        ChangeEvent fromA = change("a", 1).at(10).create(ADA);
        Harness before = open(inArrivalOrder(ConflictPolicy.lastWriterWins(), Set.of()));
        before.change(fromA);
        OperatorSubtaskState snapshot = before.snapshot(1, NOW);

        Harness after =
                restore(inArrivalOrder(ConflictPolicy.lastWriterWins(), Set.of()), snapshot);
        after.change(fromA);
        ChangeEvent stale = ChangeEvent.newBuilder(fromA).setEventId("a-1-again").build();
        after.change(stale);

        assertThat(after.extractOutputValues()).isEmpty();
        assertThat(after.conflicts())
                .extracting(
                        ConflictRecord::getOutcome,
                        conflict -> conflict.getRight().getEventId(),
                        ConflictRecord::getResult)
                .containsExactly(tuple(ResolutionOutcome.LOST, "a-1-again", ADA));
    }

    @Test
    void afterARestoreAParkedConflictIsStillOpen() throws Exception {
        ChangeEvent fromA = change("a", 1).at(10).create(ADA);
        ChangeEvent fromB = change("b", 1).at(20).update(GRACE);
        ChangeEvent waiting = change("a", 2).at(30).saw(Map.of("a", 1L, "b", 1L)).update(LIN);
        Harness before = open(inArrivalOrder(MANUAL, Set.of()));
        before.change(fromA);
        before.change(fromB);
        ConflictRecord open = before.conflicts().get(0);
        OperatorSubtaskState snapshot = before.snapshot(1, NOW);

        Harness after = restore(inArrivalOrder(MANUAL, Set.of()), snapshot);
        after.change(waiting);
        assertThat(after.extractOutputValues()).isEmpty();
        after.processElement2(decision(open, ConflictPick.RIGHT), 0);

        assertThat(eventIds(after.extractOutputValues()))
                .containsExactly(fromB.getEventId(), waiting.getEventId());
        assertThat(after.conflicts())
                .extracting(ConflictRecord::getConflictId, ConflictRecord::getOutcome)
                .containsExactly(tuple(open.getConflictId(), ResolutionOutcome.DECIDED));
    }

    @Test
    void afterARestoreHeldChangesAreReleasedByTheWatermark() throws Exception {
        ChangeEvent first = change("a", 1).at(100).create(ADA);
        ChangeEvent second = change("a", 2).at(110).update(GRACE);
        Harness before = open(holdingBack(Duration.ofMillis(BOUND), 100));
        before.change(second);
        before.change(first);
        OperatorSubtaskState snapshot = before.snapshot(1, NOW);

        Harness after = restore(holdingBack(Duration.ofMillis(BOUND), 100), snapshot);
        after.processBothWatermarks(Watermark.MAX_WATERMARK);

        assertThat(before.extractOutputValues()).isEmpty();
        assertThat(eventIds(after.extractOutputValues()))
                .containsExactly(first.getEventId(), second.getEventId());
        assertThat(after.extractOutputValues().get(1).getOp()).isEqualTo(Operation.UPDATE);
    }

    private static ResolveFunction remembering(Duration dedupTtl) {
        return new ResolveFunction(
                new EntityResolver(Map.of(), PRECEDENCE),
                Set.of(),
                dedupTtl,
                Duration.ZERO,
                100,
                100);
    }

    private static ChangeEvent replayOf(ChangeEvent change, String errorId) {
        return ChangeEvent.newBuilder(change).setReplayOf(errorId).build();
    }

    @Test
    void aRepeatedEventIdIsDroppedBeforeItIsResolved() throws Exception {
        Harness harness = open(remembering(Duration.ofHours(1)));
        ChangeEvent first = change("a", 1).at(10).create(ADA);
        ChangeEvent second = change("a", 2).at(20).update(GRACE);

        harness.change(first);
        harness.change(first);
        harness.change(ChangeEvent.newBuilder(first).build());
        harness.change(second);

        assertThat(eventIds(harness.extractOutputValues()))
                .containsExactly(first.getEventId(), second.getEventId());
        // Resolved again, a repeat would be stale: a conflict it lost.
        assertThat(harness.conflicts()).isEmpty();
    }

    @Test
    void aReplayOfASeenChangeIsANewDeliveryOnce() throws Exception {
        Harness harness = open(remembering(Duration.ofHours(1)));
        ChangeEvent change = change("a", 1).at(10).create(ADA);
        ChangeEvent replay = replayOf(change, "error-1");

        harness.change(change);
        harness.change(replay);
        harness.change(replay);
        harness.change(replayOf(change, "error-2"));

        // Each replay reaches resolve, which finds it no newer than what its source delivered.
        assertThat(harness.conflicts())
                .extracting(c -> c.getRight().getReplayOf(), ConflictRecord::getOutcome)
                .containsExactly(
                        tuple("error-1", ResolutionOutcome.LOST),
                        tuple("error-2", ResolutionOutcome.LOST));
    }

    @Test
    void anEventIdIsForgottenWhenItsTimeToLiveIsOverSinceItWasLastSeen() throws Exception {
        Harness harness = open(remembering(Duration.ofMillis(10)));
        harness.setStateTtlProcessingTime(0);
        ChangeEvent change = change("a", 1).at(10).create(ADA);

        harness.change(change);
        harness.setStateTtlProcessingTime(8);
        harness.change(change);
        harness.setStateTtlProcessingTime(15);
        harness.change(change);
        harness.setStateTtlProcessingTime(40);
        harness.change(change);

        // Seen at 0, 8 and 15: dropped at 8 and 15; forgotten by 40, so resolved, and stale.
        assertThat(eventIds(harness.extractOutputValues())).containsExactly(change.getEventId());
        assertThat(harness.conflicts())
                .extracting(ConflictRecord::getOutcome)
                .containsExactly(ResolutionOutcome.LOST);
    }

    @Test
    void aDedupTimeToLiveThatIsNotPositiveIsRejected() {
        assertThatThrownBy(() -> remembering(Duration.ZERO))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("the dedup time to live must be positive: PT0S");
    }

    private static Observation resolved(ChangeEvent change, ObservationOutcome outcome) {
        return Observations.of(change, ObservationStage.RESOLVE, outcome, NOW);
    }

    @Test
    void aConflictAndADuplicateAreObservedButAPlainApplicationIsNot() throws Exception {
        Harness harness = open(inArrivalOrder(ConflictPolicy.lastWriterWins(), Set.of()));
        ChangeEvent fromA = change("a", 1).at(10).create(ADA);
        // b did not see a's version: concurrent, and the later writer wins.
        ChangeEvent fromB = change("b", 1).at(20).update(GRACE);
        ChangeEvent nextOfB = change("b", 2).at(30).saw(Map.of("a", 1L, "b", 1L)).update(LIN);

        harness.change(fromA);
        harness.change(fromB);
        harness.change(fromA);
        harness.change(nextOfB);

        assertThat(eventIds(harness.extractOutputValues()))
                .containsExactly(fromA.getEventId(), fromB.getEventId(), nextOfB.getEventId());
        assertThat(harness.observations())
                .containsExactly(
                        resolved(fromB, ObservationOutcome.CONFLICT),
                        resolved(fromA, ObservationOutcome.DUPLICATE));
    }

    @Test
    void aStaleChangeIsObservedAsStaleNotAsAnyConflict() throws Exception {
        Harness harness = open(inArrivalOrder(ConflictPolicy.lastWriterWins(), Set.of()));
        ChangeEvent newer = change("a", 2).at(20).create(GRACE);
        ChangeEvent older = change("a", 1).at(10).create(ADA);

        harness.change(newer);
        harness.change(older);

        assertThat(harness.conflicts())
                .extracting(ConflictRecord::getOutcome)
                .containsExactly(ResolutionOutcome.LOST);
        assertThat(harness.observations())
                .containsExactly(resolved(older, ObservationOutcome.STALE));
    }

    @Test
    void aParkedConflictIsObservedOnceAndTheChangesBehindItWhenTheyAreResolved() throws Exception {
        Harness harness = open(inArrivalOrder(MANUAL, Set.of()));
        ChangeEvent fromA = change("a", 1).at(10).create(ADA);
        ChangeEvent fromB = change("b", 1).at(20).update(GRACE);
        ChangeEvent waiting = change("a", 2).at(30).saw(Map.of("a", 1L, "b", 1L)).update(LIN);

        harness.change(fromA);
        harness.change(fromB);
        harness.change(waiting);

        assertThat(harness.observations())
                .containsExactly(resolved(fromB, ObservationOutcome.PARKED));

        harness.processElement2(decision(harness.conflicts().get(0), ConflictPick.RIGHT), 0);

        // The decision and the waiting change are applied: delivery observes them.
        assertThat(harness.observations())
                .containsExactly(resolved(fromB, ObservationOutcome.PARKED));
        assertThat(eventIds(harness.extractOutputValues()))
                .containsExactly(fromA.getEventId(), fromB.getEventId(), waiting.getEventId());
    }
}
