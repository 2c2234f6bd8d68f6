package io.syncline.jobs.savepoint;

import static org.assertj.core.api.Assertions.assertThat;

import io.syncline.operators.key.EntityKeys;
import io.syncline.schema.ChangeEvent;
import io.syncline.schema.FieldValue;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What the change topic held of the writes a {@link SourceWriter} made, entity by entity, compared
 * by operation and seq.
 *
 * @param changes change events of the written entities read from the topic
 * @param entities entities written
 * @param lost writes the topic does not hold
 * @param duplicated events the topic holds more than once (same event id, or same write)
 * @param outOfOrder events that came after an event of a later write of the same entity
 */
record SequenceVerdict(long changes, long entities, long lost, long duplicated, long outOfOrder) {

    static SequenceVerdict of(
            List<ChangeEvent> changes, Map<String, List<SourceWriter.Written>> written) {
        Map<String, List<SourceWriter.Written>> delivered = new LinkedHashMap<>();
        Set<String> eventIds = new HashSet<>();
        long duplicated = 0;
        long read = 0;
        for (ChangeEvent change : changes) {
            String key = EntityKeys.of(change);
            if (!written.containsKey(key)) {
                continue;
            }
            read++;
            if (!eventIds.add(change.getEventId())) {
                duplicated++;
                continue;
            }
            delivered.computeIfAbsent(key, k -> new java.util.ArrayList<>()).add(writeOf(change));
        }
        long lost = 0;
        long outOfOrder = 0;
        for (Map.Entry<String, List<SourceWriter.Written>> entity : written.entrySet()) {
            List<SourceWriter.Written> expected = entity.getValue();
            Set<SourceWriter.Written> seen = new HashSet<>();
            int latest = -1;
            for (SourceWriter.Written write : delivered.getOrDefault(entity.getKey(), List.of())) {
                if (!seen.add(write)) {
                    duplicated++;
                    continue;
                }
                int position = expected.indexOf(write);
                if (position >= 0 && position < latest) {
                    outOfOrder++;
                }
                latest = Math.max(latest, position);
            }
            lost += expected.stream().filter(write -> !seen.contains(write)).count();
        }
        return new SequenceVerdict(read, written.size(), lost, duplicated, outOfOrder);
    }

    /** The write a change event carries: its operation and its row's seq (before, for deletes). */
    private static SourceWriter.Written writeOf(ChangeEvent change) {
        Map<String, FieldValue> image =
                change.getAfter() != null ? change.getAfter() : change.getBefore();
        return new SourceWriter.Written(
                change.getOp(), ((Number) image.get("seq").getValue()).intValue());
    }

    /** Asserts nothing was lost, duplicated or reordered. */
    void assertExactlyOnceInOrder() {
        assertThat(lost).as("lost changes (%s)", this).isZero();
        assertThat(duplicated).as("duplicated changes (%s)", this).isZero();
        assertThat(outOfOrder).as("changes out of order (%s)", this).isZero();
    }
}
