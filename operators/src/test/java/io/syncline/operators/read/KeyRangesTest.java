package io.syncline.operators.read;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

class KeyRangesTest {

    @Test
    void boundariesCutTheTableIntoAdjacentRangesFromStartToEnd() {
        TableReader.KeySample sample =
                new TableReader.KeySample(250, List.of(List.of("101"), List.of("201")));

        List<TableSplit> splits = KeyRanges.split(2, sample, 100, 900);

        assertThat(splits)
                .containsExactly(
                        new TableSplit("2-0", 2, null, List.of("101"), null, 100, 900),
                        new TableSplit("2-1", 2, List.of("101"), List.of("201"), null, 100, 900),
                        new TableSplit("2-2", 2, List.of("201"), null, null, 50, 900));
    }

    @Test
    void compositeKeysAreCutAsTuples() {
        TableReader.KeySample sample = new TableReader.KeySample(4, List.of(List.of("o-1", "2")));

        assertThat(KeyRanges.split(0, sample, 3, 4))
                .extracting(TableSplit::from, TableSplit::before, TableSplit::rows)
                .containsExactly(
                        org.assertj.core.groups.Tuple.tuple(null, List.of("o-1", "2"), 3L),
                        org.assertj.core.groups.Tuple.tuple(List.of("o-1", "2"), null, 1L));
    }

    @Test
    void aSelectionWithoutRowsHasNoSplitsAndOneWithoutBoundariesOne() {
        assertThat(KeyRanges.split(0, new TableReader.KeySample(0, List.of()), 10, 0)).isEmpty();
        assertThat(KeyRanges.split(0, new TableReader.KeySample(7, List.of()), 10, 7))
                .containsExactly(new TableSplit("0-0", 0, null, null, null, 7, 7));
    }

    @Test
    void rowsPerSplitMustBePositive() {
        assertThatThrownBy(() -> KeyRanges.split(0, new TableReader.KeySample(1, List.of()), 0, 1))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("rowsPerSplit must be at least 1, was 0");
    }

    @Test
    void splitsAndPlansSurviveSerialization() throws Exception {
        TableSplit split =
                new TableSplit("1-4", 1, List.of("a", "1"), null, List.of("a", "7"), 10, 20);
        TableSplitSerializer serializer = TableSplitSerializer.INSTANCE;
        assertThat(serializer.deserialize(serializer.getVersion(), serializer.serialize(split)))
                .isEqualTo(split);

        BackfillPlan plan =
                new BackfillPlan(
                        true, List.of(split, new TableSplit("0-0", 0, null, null, null, 3, 20)));
        BackfillPlan.Serializer plans = new BackfillPlan.Serializer();
        assertThat(plans.deserialize(plans.getVersion(), plans.serialize(plan))).isEqualTo(plan);
    }
}
