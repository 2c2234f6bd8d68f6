package io.syncline.benchmarks;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.function.DoublePredicate;

/**
 * Everything one benchmark run measured: the ratios (each a Syncline figure over a baseline
 * measured in the same run), the raw measurements behind them, CPU per component, the machine and
 * the settings. Written as JSON and printed as a table.
 */
public final class Results {

    /** Ratio ids in report order. */
    public static final String[] RATIO_IDS = {
        "R1", "R2", "R3", "R4", "R5", "R7", "R8", "R9", "R10", "R11", "R12", "R13", "R14", "R15",
        "R16", "R17", "R18", "R19"
    };

    /**
     * One ratio.
     *
     * @param title what it compares
     * @param numerator what was measured for Syncline
     * @param denominator the baseline it is compared with
     * @param target the goal, e.g. {@code >= 0.5}, or null when there is none
     * @param met whether the goal is met, null when there is none
     */
    public record Ratio(
            String title,
            double value,
            Figure numerator,
            Figure denominator,
            String target,
            Boolean met) {}

    /** A measured figure with its unit and what it is. */
    public record Figure(String what, double value, String unit) {}

    private final Map<String, Object> machine = new LinkedHashMap<>();
    private final Map<String, Object> settings = new LinkedHashMap<>();
    private final Map<String, Ratio> ratios = new LinkedHashMap<>();
    private final Map<String, Object> measurements = new LinkedHashMap<>();
    private final Map<String, Map<String, Double>> cpuCores = new LinkedHashMap<>();
    private String startedAt;
    private double durationSeconds;

    public Map<String, Object> getMachine() {
        return machine;
    }

    public Map<String, Object> getSettings() {
        return settings;
    }

    public Map<String, Ratio> getRatios() {
        return ratios;
    }

    public Map<String, Object> getMeasurements() {
        return measurements;
    }

    /** Average cores used per component, per measurement window. */
    public Map<String, Map<String, Double>> getCpuCores() {
        return cpuCores;
    }

    public String getStartedAt() {
        return startedAt;
    }

    public double getDurationSeconds() {
        return durationSeconds;
    }

    void startedAt(String startedAt) {
        this.startedAt = startedAt;
    }

    void durationSeconds(double seconds) {
        this.durationSeconds = seconds;
    }

    /** Adds a ratio of numerator over denominator. */
    void ratio(String id, String title, Figure numerator, Figure denominator, Double atLeast) {
        put(
                id,
                title,
                numerator,
                denominator,
                atLeast == null ? null : ">= " + atLeast,
                atLeast == null ? null : value -> value >= atLeast);
    }

    /** Adds a ratio whose goal is an upper bound. */
    void ratioAtMost(String id, String title, Figure numerator, Figure denominator, double atMost) {
        put(id, title, numerator, denominator, "<= " + atMost, value -> value <= atMost);
    }

    private void put(
            String id,
            String title,
            Figure numerator,
            Figure denominator,
            String target,
            DoublePredicate met) {
        double value = denominator.value() == 0 ? 0 : numerator.value() / denominator.value();
        ratios.put(
                id,
                new Ratio(
                        title,
                        round(value),
                        numerator,
                        denominator,
                        target,
                        met == null ? null : met.test(value)));
    }

    void measurement(String name, Object value) {
        measurements.put(name, value);
    }

    void cpu(String window, Map<String, Double> cores) {
        cpuCores.put(window, cores);
    }

    static double round(double value) {
        if (Double.isNaN(value) || Double.isInfinite(value)) {
            return value;
        }
        return Math.round(value * 1000) / 1000.0;
    }

    /** Writes the results as JSON. */
    void write(Path file) throws IOException {
        Files.createDirectories(file.getParent());
        new ObjectMapper()
                .enable(SerializationFeature.INDENT_OUTPUT)
                .writeValue(file.toFile(), this);
    }

    /** The results as a text table (Markdown, so the README can take it as it is). */
    public String table() {
        StringBuilder out = new StringBuilder();
        out.append("| ratio | value | target | what | Syncline | baseline |\n");
        out.append("|---|---|---|---|---|---|\n");
        for (String id : RATIO_IDS) {
            Ratio ratio = ratios.get(id);
            if (ratio == null) {
                continue;
            }
            out.append(
                    String.format(
                            Locale.ROOT,
                            "| %s | %.2f | %s | %s | %s | %s |%n",
                            id,
                            ratio.value(),
                            ratio.target() == null
                                    ? "–"
                                    : ratio.target() + (ratio.met() ? " ✔" : " ✘"),
                            ratio.title(),
                            format(ratio.numerator()),
                            format(ratio.denominator())));
        }
        return out.toString();
    }

    /** CPU per component of one window, as a text table. */
    public String cpuTable(String window) {
        Map<String, Double> cores = cpuCores.get(window);
        if (cores == null) {
            return "";
        }
        StringBuilder out = new StringBuilder();
        out.append("| component (").append(window).append(") | cores |\n|---|---|\n");
        cores.forEach(
                (component, used) ->
                        out.append(String.format(Locale.ROOT, "| %s | %.2f |%n", component, used)));
        return out.toString();
    }

    private static String format(Figure figure) {
        String value =
                figure.value() >= 100
                        ? String.format(Locale.ROOT, "%,.0f", figure.value())
                        : String.format(Locale.ROOT, "%.2f", figure.value());
        return figure.what() + ": " + value + " " + figure.unit();
    }
}
