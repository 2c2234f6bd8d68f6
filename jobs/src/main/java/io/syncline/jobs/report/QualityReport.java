package io.syncline.jobs.report;

import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Objects;

/**
 * The daily quality report: every quality window that started on one UTC day, per tenant and entity
 * type with its summary, the day's most frequent error codes and the alerts that fired on it.
 *
 * @param date the UTC day reported on
 * @param tenant the only tenant reported on; null for every tenant
 * @param generatedAt when the report was made, the only value two reports of the same data differ
 *     in
 * @param entities one per tenant and entity type, by tenant then entity type
 * @param topErrorCodes the most frequent error codes, most frequent first, then by code
 * @param alerts the alerts fired on the day, newest first
 */
public record QualityReport(
        LocalDate date,
        String tenant,
        Instant generatedAt,
        ReportThresholds thresholds,
        List<EntityReport> entities,
        List<ErrorCodeCount> topErrorCodes,
        List<ReportAlert> alerts) {

    /** How many error codes the report lists at most. */
    public static final int TOP_ERROR_CODES = 10;

    /** The report's overall judgement. */
    public enum Verdict {
        /** Every tenant and entity type met every threshold. */
        PASS,
        /** At least one share of one tenant's entity type fell below its threshold. */
        FAIL,
        /** No quality window started on the day: nothing to judge. */
        NO_DATA
    }

    public QualityReport {
        Objects.requireNonNull(date, "date");
        Objects.requireNonNull(generatedAt, "generatedAt");
        Objects.requireNonNull(thresholds, "thresholds");
        entities = List.copyOf(entities);
        topErrorCodes = List.copyOf(topErrorCodes);
        alerts = List.copyOf(alerts);
    }

    /** The first instant of the day. */
    public Instant dayStart() {
        return date.atStartOfDay(ZoneOffset.UTC).toInstant();
    }

    /** The first instant after the day. */
    public Instant dayEnd() {
        return date.plusDays(1).atStartOfDay(ZoneOffset.UTC).toInstant();
    }

    public Verdict verdict() {
        if (entities.isEmpty()) {
            return Verdict.NO_DATA;
        }
        return entities.stream().allMatch(e -> e.summary().passed()) ? Verdict.PASS : Verdict.FAIL;
    }

    /** What an empty day's report says instead of charts. */
    public String noDataMessage() {
        return "No quality windows recorded on "
                + date
                + " — is the job running with observability enabled?";
    }
}
