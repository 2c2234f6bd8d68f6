package io.syncline.jobs.lineage;

import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * One event in an entity's history as {@code syncline lineage} shows it: a delivered change, an
 * error, a conflict, or a control command or erasure that touched the entity. Fields that do not
 * apply to its kind are null.
 *
 * @param time when it happened: a change's capture time, an error's time, a conflict's detection
 * @param kind {@code change}, {@code error}, {@code conflict}, or the audit kind in lower case
 *     ({@code command}, {@code erasure}, ...)
 * @param id its id in its table: audit id, error id or conflict id
 * @param what the change's operation, the error's code, the conflict's outcome, the command's type
 * @param version the version the targets hold the entity under after a change
 * @param ruleSetVersion the rule set a change or an error was checked against
 * @param decision how a conflict was decided
 * @param sinks where a change went, each sink with its position
 * @param status an error's or a conflict's status
 * @param actor who issued a command or decided a conflict
 * @param detail what else to know: markers of a change, an error's message, a command's detail
 */
public record LineageEntry(
        Instant time,
        String kind,
        String id,
        String what,
        String sourceId,
        String sourcePosition,
        String transactionId,
        Long version,
        Integer ruleSetVersion,
        String decision,
        List<String> sinks,
        String jobVersion,
        String status,
        String actor,
        String detail) {

    public LineageEntry {
        Objects.requireNonNull(time, "time");
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(id, "id");
        sinks = sinks == null ? List.of() : List.copyOf(sinks);
    }
}
