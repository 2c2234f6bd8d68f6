package io.syncline.operators.audit;

import io.syncline.schema.AuditKind;
import io.syncline.schema.AuditRecord;
import io.syncline.schema.ChangeEvent;
import io.syncline.schema.Remediation;
import io.syncline.schema.Resolution;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * Turns a change the sync job hands to its sinks into its {@link AuditRecord}: where it came from
 * (source, position, transaction), what checked and decided it (rule set, conflict decision), where
 * it went (each sink with the position it holds the change at) and which job wrote it. The record
 * says which fields were corrected, never any value, so the audit trail holds no personal data.
 */
public final class AuditRecords implements Serializable {

    private static final long serialVersionUID = 1L;

    /** The job version when the classes do not come from a jar with a version, e.g. in tests. */
    public static final String DEV_VERSION = "dev";

    private final String jobName;
    private final String jobVersion;
    private final String changeTopic;
    private final Map<String, String> targetTables;

    /**
     * @param jobName the job's configured name
     * @param jobVersion the version of the jar the job runs, see {@link #versionOf}
     * @param changeTopic the topic every delivered change goes to
     * @param targetTables each entity type's target table (schema-qualified), by entity type; a
     *     change of another entity type goes to the change topic only
     */
    public AuditRecords(
            String jobName,
            String jobVersion,
            String changeTopic,
            Map<String, String> targetTables) {
        this.jobName = Objects.requireNonNull(jobName, "jobName");
        this.jobVersion = Objects.requireNonNull(jobVersion, "jobVersion");
        this.changeTopic = Objects.requireNonNull(changeTopic, "changeTopic");
        this.targetTables = Map.copyOf(targetTables);
    }

    /**
     * The version of the jar {@code type} was loaded from ({@code Implementation-Version} of its
     * manifest), or {@value #DEV_VERSION} when it has none.
     */
    public static String versionOf(Class<?> type) {
        String version = type.getPackage().getImplementationVersion();
        return version == null || version.isBlank() ? DEV_VERSION : version;
    }

    /**
     * The audit id of {@code change} delivered at {@code version}: the same for a change replayed
     * after a restore, so the table and the compacted topic hold it once.
     */
    public static String changeId(String eventId, long version) {
        return "change-" + eventId + "-" + version;
    }

    /** The audit record of {@code change}, which the sinks get at its (applied) version. */
    public AuditRecord ofChange(ChangeEvent change) {
        return AuditRecord.newBuilder()
                .setAuditId(changeId(change.getEventId(), change.getVersion()))
                .setKind(AuditKind.CHANGE)
                .setTime(change.getCaptureTime())
                .setTenant(change.getTenant())
                .setEntityType(change.getEntityType())
                .setEntityId(change.getEntityId())
                .setEventId(change.getEventId())
                .setOp(change.getOp().name())
                .setSourceId(change.getSourceId())
                .setSourcePosition(change.getSourcePosition())
                .setTransactionId(change.getTransactionId())
                .setSourceCommitTime(change.getSourceCommitTime())
                .setVersion(change.getVersion())
                .setRuleSetVersion(change.getRuleSetVersion())
                .setDecision(decision(change))
                .setSinks(sinks(change))
                .setJobName(jobName)
                .setJobVersion(jobVersion)
                .setDetail(detail(change))
                .build();
    }

    /**
     * Each sink with the position it holds the change at: the target table with the version its row
     * has now, and the change topic (whose offset is only known once its transaction commits).
     */
    private List<String> sinks(ChangeEvent change) {
        List<String> sinks = new ArrayList<>(2);
        String table = targetTables.get(change.getEntityType());
        if (table != null) {
            sinks.add("table:" + table + "@" + change.getVersion());
        }
        sinks.add("topic:" + changeTopic);
        return sinks;
    }

    /** How a competing version was decided, e.g. {@code last-writer-wins WON over erp v12}. */
    private static String decision(ChangeEvent change) {
        Resolution resolution = change.getResolution();
        if (resolution == null) {
            return null;
        }
        StringBuilder decision =
                new StringBuilder()
                        .append(resolution.getStrategy())
                        .append(' ')
                        .append(resolution.getOutcome());
        decision.append(", winner ").append(change.getSourceId());
        if (resolution.getLosingSourceId() != null) {
            decision.append(", loser ").append(resolution.getLosingSourceId());
            if (resolution.getLosingVersion() != null) {
                decision.append(" at ").append(resolution.getLosingVersion());
            }
        }
        if (resolution.getConcurrent()) {
            decision.append(", concurrent");
        }
        return decision.append(" (conflict ")
                .append(resolution.getConflictId())
                .append(')')
                .toString();
    }

    /**
     * What else marks the change: a replay of an error, a re-read by a backfill or re-sync, the
     * fields validation corrected (their names only).
     */
    private static String detail(ChangeEvent change) {
        List<String> parts = new ArrayList<>(3);
        if (change.getReplayOf() != null) {
            parts.add("replay of error " + change.getReplayOf());
        }
        if (change.getResync() != null) {
            parts.add("re-read by " + change.getResync());
        }
        if (!change.getRemediations().isEmpty()) {
            Set<String> fields = new LinkedHashSet<>();
            for (Remediation remediation : change.getRemediations()) {
                fields.add(remediation.getField() + " " + remediation.getAction());
            }
            parts.add("corrected " + String.join(", ", fields));
        }
        return parts.isEmpty() ? null : String.join("; ", parts);
    }
}
