package io.syncline.jobs.report;

import java.util.Locale;

/**
 * The four quality shares the report charts and judges, each with the count it is weighted by when
 * windows are summed up: a window that saw more changes says more about the day.
 */
public enum QualityMetric {
    COMPLETENESS("Completeness", "#1f77b4"),
    ACCURACY("Accuracy", "#2ca02c"),
    CONSISTENCY("Consistency", "#9467bd"),
    TIMELINESS("Timeliness", "#ff7f0e");

    private final String label;
    private final String colour;

    QualityMetric(String label, String colour) {
        this.label = label;
        this.colour = colour;
    }

    /** The metric as headings and legends name it, e.g. {@code Completeness}. */
    public String label() {
        return label;
    }

    /** The metric as JSON and messages name it, e.g. {@code completeness}. */
    public String key() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** The colour of its line in the quality chart. */
    String colour() {
        return colour;
    }

    /** The window's share, or null when the window measured none. */
    public Double share(QualityWindow window) {
        return switch (this) {
            case COMPLETENESS -> window.completeness();
            case ACCURACY -> window.accuracy();
            case CONSISTENCY -> window.consistency();
            case TIMELINESS -> window.timeliness();
        };
    }

    /**
     * How many changes the window's share was measured on. Completeness is counted by validation,
     * so it is weighted by the changes validated, like accuracy.
     */
    public long weight(QualityWindow window) {
        return switch (this) {
            case COMPLETENESS, ACCURACY -> window.validated();
            case CONSISTENCY -> window.readBackSampled();
            case TIMELINESS -> window.delivered();
        };
    }

    /** The summary's share, or null when no window of the day measured one. */
    public Double share(EntitySummary summary) {
        return switch (this) {
            case COMPLETENESS -> summary.completeness();
            case ACCURACY -> summary.accuracy();
            case CONSISTENCY -> summary.consistency();
            case TIMELINESS -> summary.timeliness();
        };
    }
}
