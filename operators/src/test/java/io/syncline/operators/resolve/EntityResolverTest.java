package io.syncline.operators.resolve;

import static io.syncline.operators.resolve.EntityChanges.change;
import static io.syncline.operators.resolve.EntityChanges.imageOf;
import static io.syncline.operators.validate.Changes.image;
import static io.syncline.operators.validate.Changes.intValue;
import static io.syncline.operators.validate.Changes.text;
import static org.assertj.core.api.Assertions.assertThat;

import io.syncline.operators.resolve.EntityResolver.Outcome;
import io.syncline.operators.resolve.EntityResolver.Resolved;
import io.syncline.operators.resolve.examples.HighestValueWins;
import io.syncline.schema.ChangeEvent;
import io.syncline.schema.ConflictDecision;
import io.syncline.schema.ConflictPick;
import io.syncline.schema.ConflictRecord;
import io.syncline.schema.ConflictStatus;
import io.syncline.schema.EntityVersion;
import io.syncline.schema.FieldValue;
import io.syncline.schema.Operation;
import io.syncline.schema.Resolution;
import io.syncline.schema.ResolutionOutcome;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

class EntityResolverTest {

    private static final Instant NOW = Instant.parse("2024-05-01T12:00:00Z");
    private static final Instant LATER = Instant.parse("2024-05-01T14:30:00Z");
    private static final SourcePrecedence PRECEDENCE =
            new SourcePrecedence(Map.of("a", 0, "b", 0, "c", 0));

    private static final Map<String, FieldValue> ADA_IN_PARIS =
            image("id", intValue(1), "name", text("Ada"), "city", text("Paris"));
    private static final Map<String, FieldValue> ADA_IN_ROME =
            image("id", intValue(1), "name", text("Ada"), "city", text("Rome"));
    private static final Map<String, FieldValue> GRACE_IN_PARIS =
            image("id", intValue(1), "name", text("Grace"), "city", text("Paris"));

    private static EntityResolver resolverWith(ConflictPolicy customers) {
        return resolverWith(customers, PRECEDENCE);
    }

    private static EntityResolver resolverWith(
            ConflictPolicy customers, SourcePrecedence precedence) {
        return new EntityResolver(Map.of(EntityChanges.CUSTOMER, customers), precedence);
    }

    /** The version in force after resolving {@code changes} one after the other. */
    private static EntityVersion applyAll(EntityResolver resolver, ChangeEvent... changes) {
        EntityVersion current = null;
        for (ChangeEvent change : changes) {
            current = resolver.resolve(current, change, NOW).next();
        }
        return current;
    }

    private static long versionAfter(long previous, ChangeEvent change) {
        return AppliedVersions.next(
                previous,
                change.getSourceCommitTime().toEpochMilli(),
                PRECEDENCE.rank(change.getSourceId()));
    }

    private static ConflictRecord.Builder conflict(
            String strategy,
            ResolutionOutcome outcome,
            EntityVersion current,
            ChangeEvent incoming) {
        return ConflictRecord.newBuilder()
                .setConflictId(EntityResolver.conflictId(current, incoming))
                .setTenant(EntityChanges.TENANT)
                .setEntityType(EntityChanges.CUSTOMER)
                .setEntityId("1")
                .setStrategy(strategy)
                .setStatus(ConflictStatus.RESOLVED)
                .setOutcome(outcome)
                .setLeft(current.getChange())
                .setRight(incoming)
                .setDetectedAt(NOW)
                .setDecidedAt(NOW)
                .setDecidedBy(strategy);
    }

    private static Resolution.Builder resolution(
            String strategy,
            ResolutionOutcome outcome,
            EntityVersion current,
            ChangeEvent incoming) {
        return Resolution.newBuilder()
                .setStrategy(strategy)
                .setOutcome(outcome)
                .setConflictId(EntityResolver.conflictId(current, incoming))
                .setConcurrent(true);
    }

    private static Resolution.Builder losing(Resolution.Builder builder, ChangeEvent loser) {
        return builder.setLosingEventId(loser.getEventId())
                .setLosingSourceId(loser.getSourceId())
                .setLosingVersion(loser.getVersion())
                .setLosingCommitTime(loser.getSourceCommitTime());
    }

    @Nested
    class WithoutAConflict {

        private final EntityResolver resolver = resolverWith(ConflictPolicy.lastWriterWins());

        @Test
        void theFirstChangeIsAppliedWithItsOwnClock() {
            ChangeEvent first = change("a", 1).at(10).create(ADA_IN_PARIS);

            Resolved resolved = resolver.resolve(null, first, NOW);

            long version = versionAfter(0, first);
            Map<String, Long> clock = Map.of("a", 1L);
            assertThat(resolved.outcome()).isEqualTo(Outcome.APPLIED);
            assertThat(resolved.conflict()).isNull();
            assertThat(resolved.stale()).isFalse();
            assertThat(resolved.emitted())
                    .isEqualTo(
                            ChangeEvent.newBuilder(first)
                                    .setVersion(version)
                                    .setVectorClock(clock)
                                    .build());
            assertThat(resolved.next())
                    .isEqualTo(
                            new EntityVersion(
                                    ChangeEvent.newBuilder(first).setVectorClock(clock).build(),
                                    version,
                                    clock,
                                    Map.of("a", 1L),
                                    Map.of("a", 1L),
                                    NOW));
        }

        @Test
        void theNextChangeOfTheSameSourceIsAppliedWithoutAConflict() {
            ChangeEvent first = change("a", 1).at(10).create(ADA_IN_PARIS);
            ChangeEvent second = change("a", 2).at(20).before(ADA_IN_PARIS).update(ADA_IN_ROME);
            EntityVersion current = applyAll(resolver, first);

            Resolved resolved = resolver.resolve(current, second, NOW);

            assertThat(resolved.outcome()).isEqualTo(Outcome.APPLIED);
            assertThat(resolved.conflict()).isNull();
            assertThat(resolved.emitted())
                    .isEqualTo(
                            ChangeEvent.newBuilder(second)
                                    .setVersion(versionAfter(current.getAppliedVersion(), second))
                                    .setVectorClock(Map.of("a", 2L))
                                    .build());
            assertThat(resolved.next().getClock()).isEqualTo(Map.of("a", 2L));
            assertThat(resolved.next().getSeen()).isEqualTo(Map.of("a", 2L));
        }

        @Test
        void theSameStateIsUnchangedAndNothingIsWritten() {
            ChangeEvent first = change("a", 1).at(10).create(ADA_IN_PARIS);
            EntityVersion current = applyAll(resolver, first);

            Resolved again =
                    resolver.resolve(current, change("a", 2).at(20).update(ADA_IN_PARIS), NOW);
            Resolved fromB =
                    resolver.resolve(current, change("b", 1).at(5).update(ADA_IN_PARIS), NOW);

            for (Resolved resolved : List.of(again, fromB)) {
                assertThat(resolved.outcome()).isEqualTo(Outcome.UNCHANGED);
                assertThat(resolved.emitted()).isNull();
                assertThat(resolved.changesTargets()).isFalse();
                assertThat(resolved.conflict()).isNull();
                assertThat(resolved.next().getAppliedVersion())
                        .isEqualTo(current.getAppliedVersion());
                assertThat(imageOf(resolved.next().getChange())).isEqualTo(ADA_IN_PARIS);
            }
        }

        @Test
        void theTimeOfTheLastApplicationMovesOnlyWhenTheTargetsGetANewState() {
            ChangeEvent first = change("a", 1).at(10).create(ADA_IN_PARIS);
            EntityVersion current = applyAll(resolver, first);
            Instant later = NOW.plusSeconds(60);

            Resolved unchanged =
                    resolver.resolve(current, change("a", 2).at(20).update(ADA_IN_PARIS), later);
            Resolved applied =
                    resolver.resolve(current, change("a", 2).at(20).update(ADA_IN_ROME), later);

            assertThat(current.getLastAppliedAt()).isEqualTo(NOW);
            assertThat(unchanged.next().getLastAppliedAt()).isEqualTo(NOW);
            assertThat(applied.next().getLastAppliedAt()).isEqualTo(later);
        }
    }

    @Nested
    class Reread {

        private final EntityResolver resolver = resolverWith(ConflictPolicy.lastWriterWins());

        /** Customer 1 as source {@code a} held it at {@code position}, re-read by request r-1. */
        private ChangeEvent reread(long position, long commitMillis, Map<String, FieldValue> row) {
            ChangeEvent read = change("a", position).at(commitMillis).create(row);
            read.setOp(Operation.READ);
            read.setResync("r-1");
            return read;
        }

        @Test
        void aRowNothingIsKnownOfIsSentUnderItsReadTimesVersionWithoutCountingAsDelivered() {
            ChangeEvent read = reread(50, 10, ADA_IN_PARIS);

            Resolved resolved = resolver.resolve(null, read, NOW);

            assertThat(resolved.outcome()).isEqualTo(Outcome.RESYNCED);
            assertThat(resolved.conflict()).isNull();
            assertThat(resolved.emitted().getAfter()).isEqualTo(ADA_IN_PARIS);
            assertThat(resolved.emitted().getVersion()).isEqualTo(versionAfter(0, read));
            assertThat(resolved.emitted().getResync()).isEqualTo("r-1");
            assertThat(resolved.next().getSeen()).isEmpty();
            assertThat(resolved.next().getClock()).isEmpty();
        }

        @Test
        void whenTheSourceDeliveredALaterChangeTheStateInForceIsSentAgainUnderAHigherVersion() {
            EntityVersion current = applyAll(resolver, change("a", 60).at(20).create(ADA_IN_ROME));

            Resolved resolved = resolver.resolve(current, reread(50, 30, ADA_IN_PARIS), NOW);

            assertThat(resolved.outcome()).isEqualTo(Outcome.RESYNCED);
            assertThat(resolved.emitted().getAfter()).isEqualTo(ADA_IN_ROME);
            assertThat(resolved.emitted().getVersion()).isGreaterThan(current.getAppliedVersion());
            assertThat(resolved.next().getSeen()).isEqualTo(current.getSeen());
            assertThat(resolved.next().getClock()).isEqualTo(current.getClock());
        }

        @Test
        void theSameStateIsSentAgainSoATargetThatLostTheRowGetsItBack() {
            EntityVersion current = applyAll(resolver, change("a", 40).at(20).create(ADA_IN_PARIS));

            Resolved resolved = resolver.resolve(current, reread(50, 30, ADA_IN_PARIS), NOW);

            assertThat(resolved.outcome()).isEqualTo(Outcome.RESYNCED);
            assertThat(resolved.emitted().getAfter()).isEqualTo(ADA_IN_PARIS);
            assertThat(resolved.emitted().getVersion()).isGreaterThan(current.getAppliedVersion());
        }

        @Test
        void streamedChangesOlderThanTheReadStillApplyAfterItInOrderWithoutConflicts() {
            EntityVersion current = applyAll(resolver, change("a", 10).at(10).create(ADA_IN_PARIS));
            // The stream lags: the read at position 50 already holds Grace, the changes at 20 and
            // 30 that led there arrive after it.
            Resolved read = resolver.resolve(current, reread(50, 100, GRACE_IN_PARIS), NOW);
            Resolved second =
                    resolver.resolve(
                            read.next(),
                            change("a", 20).at(20).before(ADA_IN_PARIS).update(ADA_IN_ROME),
                            NOW);
            Resolved third =
                    resolver.resolve(
                            second.next(),
                            change("a", 30).at(30).before(ADA_IN_ROME).update(GRACE_IN_PARIS),
                            NOW);

            assertThat(read.emitted().getAfter()).isEqualTo(GRACE_IN_PARIS);
            assertThat(second.outcome()).isEqualTo(Outcome.APPLIED);
            assertThat(second.stale()).isFalse();
            assertThat(second.conflict()).isNull();
            assertThat(second.emitted().getAfter()).isEqualTo(ADA_IN_ROME);
            assertThat(second.emitted().getVersion()).isGreaterThan(read.emitted().getVersion());
            assertThat(third.outcome()).isEqualTo(Outcome.APPLIED);
            assertThat(third.emitted().getAfter()).isEqualTo(GRACE_IN_PARIS);
            assertThat(third.emitted().getVersion()).isGreaterThan(second.emitted().getVersion());
        }

        @Test
        void anIdTheSourceNoLongerHoldsIsDeletedWithItsKey() {
            EntityVersion current = applyAll(resolver, change("a", 10).at(10).create(ADA_IN_PARIS));
            ChangeEvent gone = change("a", 50).at(30).before(image("id", intValue(1))).delete();
            gone.setResync("r-1");

            Resolved resolved = resolver.resolve(current, gone, NOW);

            assertThat(resolved.outcome()).isEqualTo(Outcome.RESYNCED);
            assertThat(resolved.emitted().getOp()).isEqualTo(Operation.DELETE);
            assertThat(resolved.emitted().getBefore()).isEqualTo(image("id", intValue(1)));
            assertThat(resolved.emitted().getVersion()).isGreaterThan(current.getAppliedVersion());
        }

        @Test
        void aDeleteInForceIsSentAgainWithTheKeyOfTheReread() {
            EntityVersion current =
                    applyAll(
                            resolver,
                            change("a", 10).at(10).create(ADA_IN_PARIS),
                            change("a", 60).at(20).before(ADA_IN_PARIS).delete());

            Resolved resolved = resolver.resolve(current, reread(50, 30, ADA_IN_PARIS), NOW);

            assertThat(resolved.emitted().getOp()).isEqualTo(Operation.DELETE);
            assertThat(resolved.emitted().getBefore()).isEqualTo(ADA_IN_PARIS);
            assertThat(resolved.emitted().getVersion()).isGreaterThan(current.getAppliedVersion());
        }
    }

    @Nested
    class LastWriterWins {

        private static final String STRATEGY = "last-writer-wins";

        private final EntityResolver resolver = resolverWith(ConflictPolicy.lastWriterWins());

        @Test
        void aLaterCommitOfAnotherSourceWinsAndNamesTheLoser() {
            ChangeEvent fromA = change("a", 1).at(10).create(ADA_IN_PARIS);
            ChangeEvent fromB = change("b", 1).at(20).update(GRACE_IN_PARIS);
            EntityVersion current = applyAll(resolver, fromA);

            Resolved resolved = resolver.resolve(current, fromB, NOW);

            Resolution stamp =
                    losing(resolution(STRATEGY, ResolutionOutcome.WON, current, fromB), fromA)
                            .build();
            assertThat(resolved.outcome()).isEqualTo(Outcome.WON);
            assertThat(resolved.stale()).isFalse();
            assertThat(resolved.emitted())
                    .isEqualTo(
                            ChangeEvent.newBuilder(fromB)
                                    .setVersion(versionAfter(current.getAppliedVersion(), fromB))
                                    .setVectorClock(Map.of("a", 1L, "b", 1L))
                                    .setResolution(stamp)
                                    .build());
            assertThat(resolved.conflict())
                    .isEqualTo(
                            conflict(STRATEGY, ResolutionOutcome.WON, current, fromB)
                                    .setResult(GRACE_IN_PARIS)
                                    .setDecision("right")
                                    .build());
            assertThat(imageOf(resolved.next().getChange())).isEqualTo(GRACE_IN_PARIS);
        }

        @Test
        void theNextChangeOfTheSourceWhoseVersionWonIsNoConflict() {
            ChangeEvent fromA = change("a", 1).at(10).create(ADA_IN_PARIS);
            ChangeEvent fromB = change("b", 1).at(20).update(GRACE_IN_PARIS);
            ChangeEvent againFromB = change("b", 2).at(30).update(ADA_IN_ROME);
            EntityVersion current = applyAll(resolver, fromA, fromB);

            Resolved resolved = resolver.resolve(current, againFromB, NOW);

            // b holds its own version, which is in force, so its next change saw it.
            assertThat(resolved.outcome()).isEqualTo(Outcome.APPLIED);
            assertThat(resolved.conflict()).isNull();
            assertThat(imageOf(resolved.next().getChange())).isEqualTo(ADA_IN_ROME);
        }

        @Test
        void theNextChangeOfASourceWhoseVersionWasMergedAwayIsAConflict() {
            ConflictPolicy merge =
                    new ConflictPolicy(
                            ConflictStrategy.LAST_WRITER_WINS,
                            null,
                            null,
                            Map.of("city", FieldPolicy.custom(new KeepApplied())));
            EntityResolver merging = resolverWith(merge);
            ChangeEvent fromA = change("a", 1).at(10).create(ADA_IN_PARIS);
            ChangeEvent fromB = change("b", 1).at(20).update(ADA_IN_ROME);
            EntityVersion current = applyAll(merging, fromA, fromB);
            assertThat(current.getChange().getResolution().getOutcome())
                    .isEqualTo(ResolutionOutcome.MERGED);

            Resolved resolved =
                    merging.resolve(current, change("b", 2).at(30).update(GRACE_IN_PARIS), NOW);

            // The version in force is a merge b never held: b's next change did not see it.
            assertThat(resolved.conflict()).isNotNull();
            assertThat(resolved.emitted().getResolution().getConcurrent()).isTrue();
        }

        @Test
        void anEarlierCommitOfAnotherSourceLosesAndNothingIsWritten() {
            ChangeEvent fromA = change("a", 1).at(10).create(ADA_IN_PARIS);
            ChangeEvent fromB = change("b", 1).at(5).update(GRACE_IN_PARIS);
            EntityVersion current = applyAll(resolver, fromA);

            Resolved resolved = resolver.resolve(current, fromB, NOW);

            assertThat(resolved.outcome()).isEqualTo(Outcome.LOST);
            assertThat(resolved.emitted()).isNull();
            assertThat(resolved.stale()).isFalse();
            assertThat(resolved.conflict())
                    .isEqualTo(
                            conflict(STRATEGY, ResolutionOutcome.LOST, current, fromB)
                                    .setResult(ADA_IN_PARIS)
                                    .setDecision("left")
                                    .build());
            assertThat(resolved.next().getChange()).isEqualTo(current.getChange());
            assertThat(resolved.next().getAppliedVersion()).isEqualTo(current.getAppliedVersion());
            assertThat(resolved.next().getSeen()).isEqualTo(Map.of("a", 1L, "b", 1L));
            assertThat(resolved.next().getClock()).isEqualTo(Map.of("a", 1L, "b", 1L));
        }

        @Test
        void aTieOfCommitTimeGoesToTheHigherPriorityInEitherOrder() {
            EntityResolver prioritized =
                    resolverWith(
                            ConflictPolicy.lastWriterWins(),
                            new SourcePrecedence(Map.of("a", 1, "b", 0)));
            ChangeEvent fromA = change("a", 1).at(10).create(ADA_IN_PARIS);
            ChangeEvent fromB = change("b", 1).at(10).update(GRACE_IN_PARIS);

            Resolved bAfterA = prioritized.resolve(applyAll(prioritized, fromA), fromB, NOW);
            Resolved aAfterB = prioritized.resolve(applyAll(prioritized, fromB), fromA, NOW);

            assertThat(bAfterA.outcome()).isEqualTo(Outcome.LOST);
            assertThat(aAfterB.outcome()).isEqualTo(Outcome.WON);
            assertThat(imageOf(bAfterA.next().getChange())).isEqualTo(ADA_IN_PARIS);
            assertThat(imageOf(aAfterB.next().getChange())).isEqualTo(ADA_IN_PARIS);
        }

        @Test
        void aTieOfCommitTimeAndPriorityGoesToTheGreaterSourceIdInEitherOrder() {
            ChangeEvent fromA = change("a", 1).at(10).create(ADA_IN_PARIS);
            ChangeEvent fromB = change("b", 1).at(10).update(GRACE_IN_PARIS);

            Resolved bAfterA = resolver.resolve(applyAll(resolver, fromA), fromB, NOW);
            Resolved aAfterB = resolver.resolve(applyAll(resolver, fromB), fromA, NOW);

            assertThat(bAfterA.outcome()).isEqualTo(Outcome.WON);
            assertThat(aAfterB.outcome()).isEqualTo(Outcome.LOST);
            assertThat(imageOf(bAfterA.next().getChange())).isEqualTo(GRACE_IN_PARIS);
            assertThat(imageOf(aAfterB.next().getChange())).isEqualTo(GRACE_IN_PARIS);
        }

        @Test
        void aStaleChangeOfTheSameSourceLosesEvenWithALaterCommitTime() {
            ChangeEvent first = change("a", 100).at(10).create(ADA_IN_PARIS);
            ChangeEvent second = change("a", 200).at(20).update(ADA_IN_ROME);
            ChangeEvent stale = change("a", 150).at(30).update(GRACE_IN_PARIS);
            EntityVersion current = applyAll(resolver, first, second);

            Resolved resolved = resolver.resolve(current, stale, NOW);
            Resolved duplicate = resolver.resolve(current, second, NOW);

            assertThat(resolved.outcome()).isEqualTo(Outcome.LOST);
            assertThat(resolved.stale()).isTrue();
            assertThat(resolved.emitted()).isNull();
            assertThat(resolved.conflict())
                    .isEqualTo(
                            conflict(STRATEGY, ResolutionOutcome.LOST, current, stale)
                                    .setResult(ADA_IN_ROME)
                                    .setDecision("left")
                                    .build());
            assertThat(resolved.next().getChange()).isEqualTo(current.getChange());
            assertThat(resolved.next().getSeen()).isEqualTo(Map.of("a", 200L));
            assertThat(duplicate.outcome()).isEqualTo(Outcome.LOST);
            assertThat(duplicate.stale()).isTrue();
            assertThat(duplicate.emitted()).isNull();
        }
    }

    @Nested
    class VectorClock {

        private final EntityResolver fieldMerge =
                resolverWith(
                        new ConflictPolicy(
                                ConflictStrategy.VECTOR_CLOCK,
                                ConflictStrategy.Fallback.FIELD_MERGE,
                                null,
                                Map.of()));

        @Test
        void aChangeThatSawTheVersionInForceIsAppliedDespiteAnEarlierCommitTime() {
            ChangeEvent fromA = change("a", 1).at(100).create(ADA_IN_PARIS);
            // b's clock runs behind, but its writer read a's version before changing the city.
            ChangeEvent fromB =
                    change("b", 1)
                            .at(50)
                            .saw(Map.of("a", 1L))
                            .before(ADA_IN_PARIS)
                            .update(ADA_IN_ROME);
            EntityVersion current = applyAll(fieldMerge, fromA);

            Resolved resolved = fieldMerge.resolve(current, fromB, NOW);

            assertThat(resolved.outcome()).isEqualTo(Outcome.APPLIED);
            assertThat(resolved.conflict()).isNull();
            assertThat(resolved.emitted())
                    .isEqualTo(
                            ChangeEvent.newBuilder(fromB)
                                    .setVersion(current.getAppliedVersion() + 1)
                                    .setVectorClock(Map.of("a", 1L, "b", 1L))
                                    .build());
        }

        @Test
        void concurrentChangesOfDifferentFieldsAreMergedSoThatBothSurvive() {
            ChangeEvent created = change("a", 1).at(10).create(ADA_IN_PARIS);
            ChangeEvent renamed = change("a", 2).at(30).before(ADA_IN_PARIS).update(GRACE_IN_PARIS);
            ChangeEvent moved =
                    change("b", 1)
                            .at(20)
                            .saw(Map.of("a", 1L))
                            .before(ADA_IN_PARIS)
                            .update(ADA_IN_ROME);
            EntityVersion current = applyAll(fieldMerge, created, renamed);

            Resolved resolved = fieldMerge.resolve(current, moved, NOW);

            Map<String, FieldValue> both =
                    image("id", intValue(1), "name", text("Grace"), "city", text("Rome"));
            assertThat(resolved.outcome()).isEqualTo(Outcome.MERGED);
            assertThat(imageOf(resolved.emitted())).isEqualTo(both);
            assertThat(resolved.emitted().getVersion()).isGreaterThan(current.getAppliedVersion());
            assertThat(resolved.emitted().getResolution())
                    .isEqualTo(
                            resolution(
                                            "vector-clock/field-merge",
                                            ResolutionOutcome.MERGED,
                                            current,
                                            moved)
                                    .build());
            assertThat(resolved.conflict())
                    .isEqualTo(
                            conflict(
                                            "vector-clock/field-merge",
                                            ResolutionOutcome.MERGED,
                                            current,
                                            moved)
                                    .setResult(both)
                                    .setDecision("merged")
                                    .build());
            assertThat(imageOf(resolved.next().getChange())).isEqualTo(both);
            assertThat(resolved.next().getClock()).isEqualTo(Map.of("a", 2L, "b", 1L));
        }

        @Test
        void aMergedChangeCountsForItsSourceEvenWhenTheOtherVersionIsTheLaterWriter() {
            Map<String, FieldValue> graceInParis = GRACE_IN_PARIS;
            Map<String, FieldValue> graceInRome =
                    image("id", intValue(1), "name", text("Grace"), "city", text("Rome"));
            Map<String, FieldValue> linInParis =
                    image("id", intValue(1), "name", text("Lin"), "city", text("Paris"));
            // b's clock runs behind a's; neither source sees the other's writes by itself.
            ChangeEvent created = change("a", 1).at(100).create(ADA_IN_PARIS);
            ChangeEvent renamed = change("b", 1).at(50).before(ADA_IN_PARIS).update(graceInParis);
            ChangeEvent moved = change("b", 2).at(60).before(graceInParis).update(graceInRome);
            // a's writer got the merge of b's rename written back (with its clock), not the move.
            ChangeEvent renamedAgain =
                    change("a", 2)
                            .at(200)
                            .saw(Map.of("a", 1L, "b", 1L))
                            .before(graceInParis)
                            .update(linInParis);
            EntityVersion current = applyAll(fieldMerge, created, renamed);
            assertThat(imageOf(current.getChange())).isEqualTo(graceInParis);

            Resolved afterMove = fieldMerge.resolve(current, moved, NOW);
            Resolved resolved = fieldMerge.resolve(afterMove.next(), renamedAgain, NOW);

            assertThat(afterMove.outcome()).isEqualTo(Outcome.MERGED);
            assertThat(afterMove.next().getClock()).isEqualTo(Map.of("a", 1L, "b", 2L));
            assertThat(resolved.outcome())
                    .as("a's writer never saw b's move: the two are concurrent")
                    .isEqualTo(Outcome.MERGED);
            assertThat(imageOf(resolved.emitted()))
                    .isEqualTo(image("id", intValue(1), "name", text("Lin"), "city", text("Rome")));
        }

        @Test
        void concurrentChangesGoToTheLastWriterWinsFallback() {
            EntityResolver lastWriter =
                    resolverWith(
                            new ConflictPolicy(
                                    ConflictStrategy.VECTOR_CLOCK,
                                    ConflictStrategy.Fallback.LAST_WRITER_WINS,
                                    null,
                                    Map.of()));
            ChangeEvent fromA = change("a", 1).at(10).create(ADA_IN_PARIS);
            EntityVersion current = applyAll(lastWriter, fromA);
            ChangeEvent later = change("b", 1).at(20).update(GRACE_IN_PARIS);
            ChangeEvent earlier = change("b", 1).at(5).update(GRACE_IN_PARIS);

            Resolved won = lastWriter.resolve(current, later, NOW);
            Resolved lost = lastWriter.resolve(current, earlier, NOW);

            assertThat(won.outcome()).isEqualTo(Outcome.WON);
            assertThat(won.emitted().getResolution())
                    .isEqualTo(
                            losing(
                                            resolution(
                                                    "vector-clock/last-writer-wins",
                                                    ResolutionOutcome.WON,
                                                    current,
                                                    later),
                                            fromA)
                                    .build());
            assertThat(lost.outcome()).isEqualTo(Outcome.LOST);
            assertThat(lost.emitted()).isNull();
            assertThat(lost.conflict().getStrategy()).isEqualTo("vector-clock/last-writer-wins");
        }

        @Test
        void concurrentChangesGoToTheManualFallback() {
            EntityResolver manual =
                    resolverWith(
                            new ConflictPolicy(
                                    ConflictStrategy.VECTOR_CLOCK,
                                    ConflictStrategy.Fallback.MANUAL,
                                    null,
                                    Map.of()));
            EntityVersion current = applyAll(manual, change("a", 1).at(10).create(ADA_IN_PARIS));
            ChangeEvent fromB = change("b", 1).at(20).update(GRACE_IN_PARIS);

            Resolved resolved = manual.resolve(current, fromB, NOW);

            assertThat(resolved.outcome()).isEqualTo(Outcome.PARKED);
            assertThat(resolved.emitted()).isNull();
            assertThat(resolved.next()).isEqualTo(current);
            assertThat(resolved.conflict().getStatus()).isEqualTo(ConflictStatus.OPEN);
            assertThat(resolved.conflict().getStrategy()).isEqualTo("vector-clock/manual");
        }

        @Test
        void aStaleChangeLosesWithoutTheFallback() {
            ChangeEvent first = change("a", 2).at(10).create(ADA_IN_PARIS);
            ChangeEvent stale = change("a", 1).at(5).before(ADA_IN_PARIS).update(ADA_IN_ROME);

            Resolved resolved = fieldMerge.resolve(applyAll(fieldMerge, first), stale, NOW);

            assertThat(resolved.outcome()).isEqualTo(Outcome.LOST);
            assertThat(resolved.stale()).isTrue();
            assertThat(resolved.emitted()).isNull();
            assertThat(imageOf(resolved.next().getChange())).isEqualTo(ADA_IN_PARIS);
        }
    }

    @Nested
    class Custom {

        private static final Map<String, FieldValue> LOW_LIMIT =
                image("id", intValue(1), "name", text("Ada"), "credit_limit", intValue(500));
        private static final Map<String, FieldValue> HIGH_LIMIT =
                image("id", intValue(1), "name", text("Grace"), "credit_limit", intValue(800));

        private static HighestValueWins highestCreditLimit() {
            HighestValueWins resolver = new HighestValueWins();
            resolver.configure(Map.of("field", "credit_limit"));
            return resolver;
        }

        /** Keeps the applied version and takes the phone number of the incoming one. */
        static final class IncomingPhone implements ConflictResolver {
            private static final long serialVersionUID = 1L;

            @Override
            public Decision resolve(Candidate applied, Candidate incoming) {
                return Decision.merged(applied, incoming, Set.of("phone"));
            }
        }

        @Test
        void highestValueWinsKeepsTheHigherLimitWhicheverArrivesFirst() {
            EntityResolver resolver =
                    resolverWith(
                            new ConflictPolicy(
                                    ConflictStrategy.CUSTOM, null, highestCreditLimit(), Map.of()));
            ChangeEvent low = change("a", 1).at(10).create(LOW_LIMIT);
            // The higher limit was committed first: last-writer-wins would drop it.
            ChangeEvent high = change("b", 1).at(5).create(HIGH_LIMIT);
            EntityVersion lowFirst = applyAll(resolver, low);

            Resolved highAfterLow = resolver.resolve(lowFirst, high, NOW);
            Resolved lowAfterHigh = resolver.resolve(applyAll(resolver, high), low, NOW);

            String strategy = "custom:" + HighestValueWins.class.getName();
            assertThat(highAfterLow.outcome()).isEqualTo(Outcome.WON);
            assertThat(imageOf(highAfterLow.emitted())).isEqualTo(HIGH_LIMIT);
            assertThat(highAfterLow.emitted().getResolution())
                    .isEqualTo(
                            losing(resolution(strategy, ResolutionOutcome.WON, lowFirst, high), low)
                                    .build());
            assertThat(lowAfterHigh.outcome()).isEqualTo(Outcome.LOST);
            assertThat(lowAfterHigh.emitted()).isNull();
            assertThat(lowAfterHigh.conflict().getStrategy()).isEqualTo(strategy);
            assertThat(imageOf(highAfterLow.next().getChange())).isEqualTo(HIGH_LIMIT);
            assertThat(imageOf(lowAfterHigh.next().getChange())).isEqualTo(HIGH_LIMIT);
        }

        @Test
        void aResolverCanReturnAMergedImage() {
            EntityResolver resolver =
                    resolverWith(
                            new ConflictPolicy(
                                    ConflictStrategy.CUSTOM, null, new IncomingPhone(), Map.of()));
            ChangeEvent fromA =
                    change("a", 1)
                            .at(10)
                            .create(image("name", text("Ada"), "phone", text("+33 1 11")));
            ChangeEvent fromB =
                    change("b", 1)
                            .at(20)
                            .update(image("name", text("Grace"), "phone", text("+39 06 22")));
            EntityVersion current = applyAll(resolver, fromA);

            Resolved resolved = resolver.resolve(current, fromB, NOW);

            String strategy = "custom:" + IncomingPhone.class.getName();
            Map<String, FieldValue> merged = image("name", text("Ada"), "phone", text("+39 06 22"));
            assertThat(resolved.outcome()).isEqualTo(Outcome.MERGED);
            assertThat(imageOf(resolved.emitted())).isEqualTo(merged);
            assertThat(resolved.emitted().getResolution())
                    .isEqualTo(
                            resolution(strategy, ResolutionOutcome.MERGED, current, fromB).build());
            assertThat(resolved.conflict())
                    .isEqualTo(
                            conflict(strategy, ResolutionOutcome.MERGED, current, fromB)
                                    .setResult(merged)
                                    .setDecision("merged")
                                    .build());
        }

        @Test
        void aFieldPolicyOverridesTheEntityStrategyForItsField() {
            EntityResolver resolver =
                    resolverWith(
                            new ConflictPolicy(
                                    ConflictStrategy.LAST_WRITER_WINS,
                                    null,
                                    null,
                                    Map.of(
                                            "credit_limit",
                                            FieldPolicy.custom(highestCreditLimit()))));
            ChangeEvent high =
                    change("a", 1)
                            .at(10)
                            .create(image("name", text("Ada"), "credit_limit", intValue(900)));
            ChangeEvent laterLow =
                    change("b", 1)
                            .at(20)
                            .update(image("name", text("Grace"), "credit_limit", intValue(300)));
            ChangeEvent laterHigher =
                    change("b", 1)
                            .at(20)
                            .update(image("name", text("Grace"), "credit_limit", intValue(1200)));
            EntityVersion current = applyAll(resolver, high);

            Resolved merged = resolver.resolve(current, laterLow, NOW);
            Resolved won = resolver.resolve(current, laterHigher, NOW);

            assertThat(merged.outcome()).isEqualTo(Outcome.MERGED);
            assertThat(imageOf(merged.emitted()))
                    .isEqualTo(image("name", text("Grace"), "credit_limit", intValue(900)));
            assertThat(merged.emitted().getResolution())
                    .isEqualTo(
                            resolution(
                                            "last-writer-wins",
                                            ResolutionOutcome.MERGED,
                                            current,
                                            laterLow)
                                    .build());
            assertThat(won.outcome()).isEqualTo(Outcome.WON);
            assertThat(imageOf(won.emitted())).isEqualTo(laterHigher.getAfter());
        }
    }

    @Nested
    class Manual {

        private final EntityResolver resolver =
                resolverWith(new ConflictPolicy(ConflictStrategy.MANUAL, null, null, Map.of()));
        private final ChangeEvent fromA = change("a", 1).at(10).create(ADA_IN_PARIS);
        private final ChangeEvent fromB = change("b", 1).at(20).update(ADA_IN_ROME);
        private final EntityVersion current = applyAll(resolver, fromA);

        private ConflictDecision decision(
                ConflictRecord open, ConflictPick pick, Map<String, FieldValue> merged) {
            return ConflictDecision.newBuilder()
                    .setConflictId(open.getConflictId())
                    .setTenant(open.getTenant())
                    .setEntityType(open.getEntityType())
                    .setEntityId(open.getEntityId())
                    .setPick(pick)
                    .setMerged(merged)
                    .build();
        }

        private ConflictRecord.Builder decided(ChangeEvent incoming) {
            return conflict("manual", ResolutionOutcome.DECIDED, current, incoming)
                    .setDetectedAt(LATER)
                    .setDecidedAt(LATER)
                    .setDecidedBy("ada");
        }

        @Test
        void aConcurrentChangeIsParkedAndTheStateStays() {
            Resolved resolved = resolver.resolve(current, fromB, NOW);

            assertThat(resolved.outcome()).isEqualTo(Outcome.PARKED);
            assertThat(resolved.emitted()).isNull();
            assertThat(resolved.next()).isEqualTo(current);
            assertThat(resolved.conflict())
                    .isEqualTo(
                            conflict("manual", ResolutionOutcome.PARKED, current, fromB)
                                    .setStatus(ConflictStatus.OPEN)
                                    .setDecidedAt(null)
                                    .setDecidedBy(null)
                                    .build());
        }

        @Test
        void decidingLeftKeepsTheStateInForceAndWritesNothing() {
            ConflictRecord open = resolver.resolve(current, fromB, NOW).conflict();

            Resolved resolved =
                    resolver.decide(
                            current, open, decision(open, ConflictPick.LEFT, null), LATER, "ada");

            assertThat(resolved.outcome()).isEqualTo(Outcome.DECIDED);
            assertThat(resolved.emitted()).isNull();
            assertThat(resolved.conflict())
                    .isEqualTo(decided(fromB).setResult(ADA_IN_PARIS).setDecision("left").build());
            assertThat(resolved.next().getChange()).isEqualTo(current.getChange());
        }

        @Test
        void decidingRightAppliesTheParkedChange() {
            ConflictRecord open = resolver.resolve(current, fromB, NOW).conflict();

            Resolved resolved =
                    resolver.decide(
                            current, open, decision(open, ConflictPick.RIGHT, null), LATER, "ada");

            assertThat(resolved.outcome()).isEqualTo(Outcome.DECIDED);
            assertThat(resolved.emitted())
                    .isEqualTo(
                            ChangeEvent.newBuilder(fromB)
                                    .setVersion(versionAfter(current.getAppliedVersion(), fromB))
                                    .setVectorClock(Map.of("a", 1L, "b", 1L))
                                    .setResolution(
                                            losing(
                                                            resolution(
                                                                    "manual",
                                                                    ResolutionOutcome.DECIDED,
                                                                    current,
                                                                    fromB),
                                                            fromA)
                                                    .build())
                                    .build());
            assertThat(resolved.conflict())
                    .isEqualTo(decided(fromB).setResult(ADA_IN_ROME).setDecision("right").build());
            assertThat(imageOf(resolved.next().getChange())).isEqualTo(ADA_IN_ROME);
        }

        @Test
        void decidingMergedAppliesTheImageOfTheDecision() {
            ConflictRecord open = resolver.resolve(current, fromB, NOW).conflict();
            Map<String, FieldValue> merged =
                    image("id", intValue(1), "name", text("Ada"), "city", text("Paris/Rome"));

            Resolved resolved =
                    resolver.decide(
                            current,
                            open,
                            decision(open, ConflictPick.MERGED, merged),
                            LATER,
                            "ada");

            assertThat(resolved.outcome()).isEqualTo(Outcome.DECIDED);
            assertThat(imageOf(resolved.emitted())).isEqualTo(merged);
            assertThat(resolved.emitted().getOp()).isEqualTo(Operation.UPDATE);
            assertThat(resolved.emitted().getResolution())
                    .isEqualTo(
                            resolution("manual", ResolutionOutcome.DECIDED, current, fromB)
                                    .build());
            assertThat(resolved.conflict())
                    .isEqualTo(decided(fromB).setResult(merged).setDecision("merged").build());
            assertThat(imageOf(resolved.next().getChange())).isEqualTo(merged);
        }

        @Test
        void afterADecisionTheOtherSourcesNextChangeIsStillAConflict() {
            ConflictRecord open = resolver.resolve(current, fromB, NOW).conflict();
            EntityVersion decided =
                    resolver.decide(
                                    current,
                                    open,
                                    decision(open, ConflictPick.RIGHT, null),
                                    LATER,
                                    "ada")
                            .next();
            // a's writer never saw b's version that the person put in force.
            ChangeEvent nextOfA = change("a", 2).at(30).before(ADA_IN_PARIS).update(GRACE_IN_PARIS);

            Resolved resolved = resolver.resolve(decided, nextOfA, LATER);

            assertThat(resolved.outcome()).isEqualTo(Outcome.PARKED);
            assertThat(resolved.emitted()).isNull();
        }
    }

    @Nested
    class Echo {

        private final EntityResolver resolver = resolverWith(ConflictPolicy.lastWriterWins());
        private final EntityVersion current =
                applyAll(resolver, change("a", 1).at(10).create(ADA_IN_PARIS));

        @Test
        void ourOwnWriteComingBackWithTheSameImageIsAnEcho() {
            ChangeEvent echo = change("b", 7).at(11).echoOf("a").update(ADA_IN_PARIS);

            Resolved resolved = resolver.resolve(current, echo, NOW);

            assertThat(resolved.outcome()).isEqualTo(Outcome.ECHO);
            assertThat(resolved.emitted()).isNull();
            assertThat(resolved.conflict()).isNull();
            assertThat(resolved.next())
                    .isEqualTo(
                            EntityVersion.newBuilder(current)
                                    .setSeen(Map.of("a", 1L, "b", 7L))
                                    .build());
        }

        @Test
        void ourOwnWriteComingBackWithAnotherImageHasDiverged() {
            ChangeEvent echo = change("b", 7).at(11).echoOf("a").update(ADA_IN_ROME);

            Resolved resolved = resolver.resolve(current, echo, NOW);

            assertThat(resolved.outcome()).isEqualTo(Outcome.ECHO_DIVERGED);
            assertThat(resolved.emitted()).isNull();
            assertThat(resolved.conflict()).isNull();
            assertThat(resolved.next().getChange()).isEqualTo(current.getChange());
            assertThat(resolved.next().getClock()).isEqualTo(current.getClock());
        }
    }

    /**
     * However the changes of three sources interleave, the entity ends in the same state: the one
     * the strategy picks from the whole set.
     */
    @Nested
    class OrderIndependence {

        private static final List<String> SOURCES = List.of("a", "b", "c");
        private static final Map<String, Integer> PRIORITIES = Map.of("a", 0, "b", 1, "c", 0);
        private static final int HISTORIES = 30;
        private static final int ORDERS = 40;

        /** The last writer computed from the set, apart from {@link SourcePrecedence}. */
        private static final Comparator<ChangeEvent> LAST_WRITER =
                Comparator.comparing(ChangeEvent::getSourceCommitTime)
                        .thenComparing(change -> PRIORITIES.get(change.getSourceId()))
                        .thenComparing(ChangeEvent::getSourceId)
                        .thenComparing(ChangeEvent::getVersion);

        /** What one order of the changes left: the image in force and the emitted versions. */
        private record Run(Map<String, FieldValue> inForce, List<ChangeEvent> emitted) {}

        private static Run resolveInOrder(EntityResolver resolver, List<ChangeEvent> order) {
            EntityVersion current = null;
            List<ChangeEvent> emitted = new ArrayList<>();
            for (ChangeEvent change : order) {
                Resolved resolved = resolver.resolve(current, change, NOW);
                current = resolved.next();
                if (resolved.emitted() != null) {
                    emitted.add(resolved.emitted());
                }
            }
            return new Run(imageOf(current.getChange()), emitted);
        }

        /**
         * Up to four changes per source, each source's commit times rising (often equal, and often
         * equal to another source's); a quarter of them deletes, the others carry {@code amount}.
         */
        private static List<ChangeEvent> history(Random random, List<Integer> amounts) {
            List<ChangeEvent> changes = new ArrayList<>();
            for (String source : SOURCES) {
                long commit = 10L * random.nextInt(3);
                int count = 1 + random.nextInt(4);
                for (int position = 1; position <= count; position++) {
                    commit += 10L * random.nextInt(3);
                    EntityChanges.Builder change = change(source, position).at(commit);
                    changes.add(
                            random.nextInt(4) == 0
                                    ? change.delete()
                                    : change.update(
                                            image(
                                                    "id",
                                                    intValue(1),
                                                    "amount",
                                                    intValue(amounts.remove(0)),
                                                    "note",
                                                    text(source + position))));
                }
            }
            return changes;
        }

        private static List<Integer> distinctAmounts(Random random) {
            List<Integer> amounts = new ArrayList<>();
            for (int amount = 1; amount <= 20; amount++) {
                amounts.add(amount * 10);
            }
            Collections.shuffle(amounts, random);
            return amounts;
        }

        private static void assertSameEndInEveryOrder(
                EntityResolver resolver,
                List<ChangeEvent> changes,
                Map<String, FieldValue> expected,
                Random random) {
            for (int run = 0; run < ORDERS; run++) {
                List<ChangeEvent> order = new ArrayList<>(changes);
                Collections.shuffle(order, random);
                String described = order.stream().map(ChangeEvent::getEventId).toList().toString();

                Run result = resolveInOrder(resolver, order);

                assertThat(result.inForce())
                        .as("state in force after %s", described)
                        .isEqualTo(expected);
                ChangeEvent last = result.emitted().get(result.emitted().size() - 1);
                assertThat(imageOf(last)).as("last write of %s", described).isEqualTo(expected);
                List<Long> versions =
                        result.emitted().stream().map(ChangeEvent::getVersion).toList();
                for (int i = 1; i < versions.size(); i++) {
                    assertThat(versions.get(i))
                            .as("applied versions of %s", described)
                            .isGreaterThan(versions.get(i - 1));
                }
            }
        }

        @Test
        void lastWriterWinsEndsWithTheLastWriterInEveryOrder() {
            EntityResolver resolver =
                    resolverWith(ConflictPolicy.lastWriterWins(), new SourcePrecedence(PRIORITIES));
            Random random = new Random(20240501L);
            for (int set = 0; set < HISTORIES; set++) {
                List<ChangeEvent> changes = history(random, distinctAmounts(random));
                ChangeEvent lastWriter = changes.stream().max(LAST_WRITER).orElseThrow();

                assertSameEndInEveryOrder(resolver, changes, imageOf(lastWriter), random);
            }
        }

        @Test
        void highestValueWinsEndsWithTheHighestAmountInEveryOrder() {
            EntityResolver resolver =
                    resolverWith(
                            new ConflictPolicy(
                                    ConflictStrategy.CUSTOM,
                                    null,
                                    new HighestValueWins(),
                                    Map.of()));
            Random random = new Random(7L);
            for (int set = 0; set < HISTORIES; set++) {
                List<ChangeEvent> changes = history(random, distinctAmounts(random));
                // A source's next change replaces its previous one without a conflict, so the
                // highest amount wins in every order only if no later change of its own source
                // replaced it: here one source raises the amount last.
                String raiser = SOURCES.get(random.nextInt(SOURCES.size()));
                long position =
                        changes.stream()
                                        .filter(change -> change.getSourceId().equals(raiser))
                                        .count()
                                + 1;
                long commit =
                        changes.stream()
                                        .filter(change -> change.getSourceId().equals(raiser))
                                        .mapToLong(
                                                change ->
                                                        change.getSourceCommitTime().toEpochMilli())
                                        .max()
                                        .orElseThrow()
                                - EntityChanges.EPOCH.toEpochMilli();
                changes.add(
                        change(raiser, position)
                                .at(commit)
                                .update(
                                        image(
                                                "id",
                                                intValue(1),
                                                "amount",
                                                intValue(1_000 + set),
                                                "note",
                                                text(raiser + position))));
                ChangeEvent highest =
                        changes.stream()
                                .filter(change -> change.getOp() != Operation.DELETE)
                                .max(
                                        Comparator.comparing(
                                                (ChangeEvent change) ->
                                                        (Integer)
                                                                change.getAfter()
                                                                        .get("amount")
                                                                        .getValue()))
                                .orElseThrow();

                assertSameEndInEveryOrder(resolver, changes, imageOf(highest), random);
            }
        }
    }

    @Nested
    class ConflictIds {

        private final EntityResolver resolver = resolverWith(ConflictPolicy.lastWriterWins());
        private final ChangeEvent fromA = change("a", 1).at(10).create(ADA_IN_PARIS);
        private final ChangeEvent fromB = change("b", 1).at(20).update(ADA_IN_ROME);

        @Test
        void theIdIsAHashOfTheEntityKeyAndBothEventIds() throws Exception {
            byte[] digest =
                    MessageDigest.getInstance("SHA-256")
                            .digest(
                                    "acme/customer/1|a-1-customer/1|b-1-customer/1"
                                            .getBytes(StandardCharsets.UTF_8));

            String id =
                    resolver.resolve(applyAll(resolver, fromA), fromB, NOW)
                            .conflict()
                            .getConflictId();

            assertThat(id).isEqualTo("c-" + HexFormat.of().formatHex(digest, 0, 10));
        }

        @Test
        void theSameConflictMetAgainGetsTheSameIdAndAnotherConflictAnother() {
            String first =
                    resolver.resolve(applyAll(resolver, fromA), fromB, NOW)
                            .conflict()
                            .getConflictId();
            // As after a restore: the same two versions, met later.
            String again =
                    resolver.resolve(applyAll(resolver, fromA), fromB, LATER)
                            .conflict()
                            .getConflictId();
            String other =
                    resolver.resolve(
                                    applyAll(resolver, fromA),
                                    change("b", 2).at(20).update(ADA_IN_ROME),
                                    NOW)
                            .conflict()
                            .getConflictId();

            assertThat(again).isEqualTo(first);
            assertThat(other).isNotEqualTo(first);
        }
    }

    /** Keeps the applied version's value of a field. */
    private static final class KeepApplied implements ConflictResolver {
        private static final long serialVersionUID = 1L;

        @Override
        public Decision resolve(Candidate applied, Candidate incoming) {
            return Decision.keepApplied();
        }
    }
}
