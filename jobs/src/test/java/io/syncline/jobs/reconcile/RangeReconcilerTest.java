package io.syncline.jobs.reconcile;

import static org.assertj.core.api.Assertions.assertThat;

import io.syncline.jobs.reconcile.Difference.Kind;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class RangeReconcilerTest {

    private static final List<String> COLUMNS = List.of("id", "name", "email");
    private static final ReconcileSettings SETTINGS =
            new ReconcileSettings(3, 1_000, 4, 16, Duration.ZERO);

    private final ExecutorService pool = Executors.newFixedThreadPool(3);

    @AfterEach
    void stopPool() {
        pool.shutdownNow();
    }

    @Test
    void identicalSidesAreComparedByChecksumsAloneWithoutTransferringRows() throws Exception {
        InMemorySide source = rows(10_000);
        InMemorySide target = source.copy();

        ReconcileProgress progress = new ReconcileProgress(() -> 0);
        List<Difference> differences = reconciler(source, target, progress).compare(10_000, 10_000);

        assertThat(differences).isEmpty();
        assertThat(source.digestCalls.get() + target.digestCalls.get()).isZero();
        assertThat(source.rowsTransferred.get() + target.rowsTransferred.get()).isZero();
        assertThat(progress.hashedRows()).isEqualTo(20_000);
        assertThat(progress.rehashedRows()).isZero();
    }

    @Test
    void findsExactlyTheMissingExtraAndDifferingRowsAndNamesTheColumns() throws Exception {
        InMemorySide source = rows(10_000);
        InMemorySide target = source.copy();
        target.rows.remove(17L);
        target.rows.remove(5_000L);
        target.put(20_000, "name", "ghost", "email", "ghost@example.com");
        target.put(-3, "name", "before the first", "email", "x");
        target.rows.get(42L).put("email", "changed@example.com");
        target.rows.get(9_999L).put("name", "changed");
        target.rows.get(9_999L).put("email", null);

        List<Difference> differences =
                reconciler(source, target, new ReconcileProgress(() -> 0)).compare(10_000, 10_000);

        assertThat(differences)
                .containsExactly(
                        new Difference(List.of("17"), Kind.MISSING, List.of()),
                        new Difference(List.of("5000"), Kind.MISSING, List.of()),
                        new Difference(List.of("-3"), Kind.EXTRA, List.of()),
                        new Difference(List.of("20000"), Kind.EXTRA, List.of()),
                        new Difference(List.of("42"), Kind.DIFFERING, List.of("email")),
                        new Difference(List.of("9999"), Kind.DIFFERING, List.of("name", "email")));
        // Only the differing leaves were compared row by row, not the whole table.
        assertThat(target.rowsTransferred.get()).isLessThan(300);
    }

    @Test
    void anEmptyTargetMissesEveryRowAndAnEmptySourceMakesEveryRowExtra() throws Exception {
        InMemorySide source = rows(300);
        InMemorySide empty = new InMemorySide();

        List<Difference> missing =
                reconciler(source, empty, new ReconcileProgress(() -> 0)).compare(300, 0);
        List<Difference> extra =
                reconciler(new InMemorySide(), source.copy(), new ReconcileProgress(() -> 0))
                        .compare(0, 300);

        assertThat(missing).hasSize(300).allMatch(d -> d.kind() == Kind.MISSING);
        assertThat(extra).hasSize(300).allMatch(d -> d.kind() == Kind.EXTRA);
    }

    @Test
    void targetRowsCrowdedBetweenTwoSourceKeysAreSplitByTheTarget() throws Exception {
        InMemorySide source = new InMemorySide();
        source.put(0, "name", "a", "email", "a");
        source.put(1_000_000, "name", "b", "email", "b");
        InMemorySide target = source.copy();
        List<Difference> expected = new ArrayList<>();
        for (long key = 1; key <= 500; key++) {
            target.put(key, "name", "x", "email", "x");
            expected.add(new Difference(List.of(Long.toString(key)), Kind.EXTRA, List.of()));
        }
        expected.sort(RangeReconciler.ORDER);

        List<Difference> differences =
                reconciler(source, target, new ReconcileProgress(() -> 0)).compare(2, 502);

        assertThat(differences).containsExactlyElementsOf(expected);
    }

    @Test
    void splittingARangeCoversItExactly() {
        KeyRange range = new KeyRange(List.of("10"), null);

        List<KeyRange> parts = range.split(List.of(List.of("20"), List.of("30")));

        assertThat(parts)
                .containsExactly(
                        new KeyRange(List.of("10"), List.of("20")),
                        new KeyRange(List.of("20"), List.of("30")),
                        new KeyRange(List.of("30"), null));
        assertThat(KeyRange.ALL.split(List.of())).containsExactly(KeyRange.ALL);
    }

    @Test
    void consistencyIsEqualRowsOverEveryKeyOnEitherSide() {
        UnitResult unit =
                new UnitResult(
                        "acme",
                        "customer",
                        100,
                        99,
                        List.of(
                                new Difference(List.of("1"), Kind.MISSING, List.of()),
                                new Difference(List.of("2"), Kind.MISSING, List.of()),
                                new Difference(List.of("3"), Kind.DIFFERING, List.of("name")),
                                new Difference(List.of("200"), Kind.EXTRA, List.of())));

        assertThat(unit.comparedRows()).isEqualTo(101);
        assertThat(unit.equalRows()).isEqualTo(97);
        assertThat(unit.consistency()).isEqualTo(97.0 / 101);
        assertThat(new UnitResult("acme", "customer", 0, 0, List.of()).consistency()).isNull();
    }

    @Test
    void repairPlanAsksForEveryDifferingIdInBoundedRequests() {
        List<Difference> differences = new ArrayList<>();
        for (int i = 0; i < RepairPlan.MAX_IDS + 1; i++) {
            differences.add(
                    new Difference(List.of("a", Integer.toString(i)), Kind.MISSING, List.of()));
        }
        ReconcileRun run =
                new ReconcileRun(
                        "run",
                        java.time.Instant.EPOCH,
                        java.time.Instant.EPOCH,
                        List.of(
                                new UnitResult("acme", "customer", 600, 99, differences),
                                new UnitResult("globex", "customer", 1, 1, List.of())),
                        0,
                        0);

        List<RepairPlan.Request> plan = RepairPlan.of(run);

        assertThat(plan).hasSize(2);
        assertThat(plan.get(0).ids()).hasSize(RepairPlan.MAX_IDS).startsWith("a/0");
        assertThat(plan.get(1).ids()).containsExactly("a/" + RepairPlan.MAX_IDS);
    }

    @Test
    void progressSaysHowFarItIsAndHowLongItWillTake() {
        long[] now = {0};
        ReconcileProgress progress = new ReconcileProgress(() -> now[0]);
        progress.addTotal(400_000);

        now[0] = 2_000_000_000L;
        progress.rangeHashed(0, 100_000);
        progress.rangeHashed(1, 5_000);
        progress.differencesFound(3);

        assertThat(progress.line())
                .isEqualTo(
                        "100,000 of 400,000 rows (25%), 2 ranges, 3 differences, 50,000 rows/s,"
                                + " ETA 6s");
        assertThat(progress.rehashedRows()).isEqualTo(5_000);
    }

    private RangeReconciler reconciler(
            InMemorySide source, InMemorySide target, ReconcileProgress progress) {
        return new RangeReconciler(source, target, COLUMNS, SETTINGS, pool, progress);
    }

    private static InMemorySide rows(int count) {
        InMemorySide side = new InMemorySide();
        for (long key = 0; key < count; key++) {
            side.put(key, "name", "name " + key, "email", key + "@example.com");
        }
        return side;
    }
}
