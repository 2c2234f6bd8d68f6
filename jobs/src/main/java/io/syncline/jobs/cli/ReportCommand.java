package io.syncline.jobs.cli;

import io.syncline.jobs.config.ConfigLoader;
import io.syncline.jobs.config.SynclineConfig;
import io.syncline.jobs.report.EntityReport;
import io.syncline.jobs.report.EntitySummary;
import io.syncline.jobs.report.QualityMetric;
import io.syncline.jobs.report.QualityReport;
import io.syncline.jobs.report.QualityReports;
import io.syncline.jobs.report.QualityReports.ReportFiles;
import io.syncline.jobs.report.ReportException;
import io.syncline.jobs.report.ReportThresholds;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Clock;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.TypeConversionException;

/**
 * {@code syncline report}: writes the daily quality report of one UTC day, an HTML page with charts
 * and the same data as JSON, from the quality metrics, errors and alerts tables in the target
 * database, judged against the configured {@code observability.thresholds}.
 */
@Command(
        name = "report",
        description =
                "Write the daily quality report of a UTC day: an HTML page with charts and the"
                        + " same data as JSON, from the tables the job writes in the target"
                        + " database.",
        sortOptions = false)
final class ReportCommand implements Callable<Integer> {

    @Mixin TableSubcommand.ConfigOption configOption;

    @Option(
            names = "--date",
            paramLabel = "<date>",
            converter = DateConverter.class,
            description = "The UTC day to report on, e.g. 2026-11-25 (default: today, UTC).")
    LocalDate date;

    @Option(
            names = "--tenant",
            paramLabel = "<tenant>",
            description = "Report on this tenant only (default: every tenant).")
    String tenant;

    @Option(
            names = "--out",
            paramLabel = "<dir>",
            defaultValue = ".",
            description = "Directory to write the report into (default: the current directory).")
    Path out;

    @Spec CommandSpec spec;

    @Override
    public Integer call() throws IOException {
        SynclineConfig config = ConfigLoader.load(configOption.config);
        LocalDate day = date != null ? date : LocalDate.now(ZoneOffset.UTC);
        QualityReport report;
        try {
            report =
                    QualityReports.load(
                            config.sinks().target(),
                            day,
                            tenant,
                            // The alert stage's minimums: the report and the alerts agree.
                            ReportThresholds.of(config.observability().thresholds()),
                            Clock.systemUTC());
        } catch (ReportException e) {
            e.getMessage().lines().forEach(line -> err().println("syncline: " + line));
            return SynclineCli.FAILED;
        }
        ReportFiles files = QualityReports.write(report, out);
        PrintWriter stdout = spec.commandLine().getOut();
        stdout.println("wrote " + files.html().toAbsolutePath().normalize());
        stdout.println("wrote " + files.json().toAbsolutePath().normalize());
        if (report.entities().isEmpty()) {
            stdout.println(report.noDataMessage());
        }
        for (EntityReport entity : report.entities()) {
            stdout.println(summaryLine(entity));
        }
        return 0;
    }

    /**
     * One line per tenant and entity type, e.g. {@code acme/customer: PASS, 96 windows,
     * completeness 99.50%, accuracy 99.90%, consistency -, timeliness 97.00%, worst lag p95 800
     * ms}.
     */
    static String summaryLine(EntityReport entity) {
        EntitySummary summary = entity.summary();
        List<String> parts = new ArrayList<>();
        parts.add(summary.passed() ? "PASS" : "FAIL");
        parts.add(summary.windows() + (summary.windows() == 1 ? " window" : " windows"));
        for (QualityMetric metric : QualityMetric.values()) {
            Double share = metric.share(summary);
            parts.add(metric.key() + " " + (share == null ? "-" : percent(share)));
        }
        parts.add(
                "worst lag p95 "
                        + (summary.worstLagP95Millis() == null
                                ? "-"
                                : summary.worstLagP95Millis() + " ms"));
        String line = entity.name() + ": " + String.join(", ", parts);
        if (!summary.passed()) {
            line +=
                    "; below threshold: "
                            + String.join(
                                    ", ",
                                    summary.belowThreshold().stream()
                                            .map(QualityMetric::key)
                                            .toList());
        }
        return line;
    }

    private static String percent(double share) {
        return String.format(Locale.ROOT, "%.2f%%", share * 100);
    }

    private PrintWriter err() {
        return spec.commandLine().getErr();
    }

    /** Reads {@code --date} as an ISO date, saying how to write one when it is not. */
    static final class DateConverter implements ITypeConverter<LocalDate> {
        @Override
        public LocalDate convert(String value) {
            try {
                return LocalDate.parse(value);
            } catch (DateTimeParseException e) {
                throw new TypeConversionException(
                        "'" + value + "' is not a date; write an ISO date, e.g. 2026-11-25");
            }
        }
    }
}
