package io.syncline.jobs.report;

import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.function.DoubleFunction;

/**
 * Draws the report's charts as inline SVG, so the page needs no script, font or image to show them:
 * lines over one day with dashed guide lines, and horizontal bars. Text is escaped; coordinates are
 * printed with one decimal in {@link Locale#ROOT}, so the same data always draws the same markup.
 */
final class SvgCharts {

    static final int WIDTH = 960;
    private static final int HEIGHT = 300;
    private static final int LEFT = 72;
    private static final int RIGHT = 20;
    private static final int TOP = 56;
    private static final int BOTTOM = 36;
    private static final int LEGEND_ITEM_WIDTH = 220;
    private static final String DASHES = "6 6";
    private static final DateTimeFormatter HOUR =
            DateTimeFormatter.ofPattern("HH:mm", Locale.ROOT).withZone(ZoneOffset.UTC);

    private static final int BAR_LABEL_WIDTH = 240;
    private static final int BAR_ROW = 26;
    private static final String BAR_COLOUR = "#d62728";

    private SvgCharts() {}

    /** One value of a series; a null value is a gap in the line. */
    record Point(Instant time, Double value) {}

    /** One line of a chart. */
    record Series(String key, String label, String colour, List<Point> points) {
        Series {
            points = List.copyOf(points);
        }
    }

    /** A dashed horizontal line at {@code value}, e.g. a threshold. */
    record Guide(String key, String label, String colour, double value) {}

    /** The vertical axis: its range, the distance between its ticks and how ticks read. */
    record Axis(double min, double max, double step, DoubleFunction<String> tickLabel) {
        Axis {
            if (!(max > min) || !(step > 0)) {
                throw new IllegalArgumentException(
                        "an axis needs min < max and a positive step: " + min + ", " + max);
            }
            Objects.requireNonNull(tickLabel, "tickLabel");
        }
    }

    /** One bar of a bar chart; the tooltip says more than the label. */
    record Bar(String label, long value, String tooltip) {}

    /**
     * A line chart over {@code [from, until)}, one line per series, each point at its time, with
     * the guides dashed and a legend of both above the plot.
     */
    static String timeChart(
            String title,
            String chartClass,
            Instant from,
            Instant until,
            Axis axis,
            List<Series> series,
            List<Guide> guides) {
        double plotWidth = WIDTH - LEFT - RIGHT;
        double plotHeight = HEIGHT - TOP - BOTTOM;
        double span = Duration.between(from, until).toMillis();
        CoordinateX x = time -> LEFT + plotWidth * Duration.between(from, time).toMillis() / span;
        CoordinateY y =
                value -> TOP + plotHeight * (axis.max() - value) / (axis.max() - axis.min());

        StringBuilder svg = new StringBuilder();
        open(svg, title, chartClass, HEIGHT);
        legend(svg, series, guides);

        svg.append("<g class=\"grid\">\n");
        for (double tick = axis.min();
                tick <= axis.max() + axis.step() / 1000;
                tick += axis.step()) {
            double tickY = y.at(tick);
            line(svg, LEFT, tickY, WIDTH - RIGHT, tickY, "#e5e5e5", null);
            text(svg, LEFT - 6, tickY + 4, "end", axis.tickLabel().apply(tick));
        }
        for (Instant tick = from; !tick.isAfter(until); tick = tick.plus(Duration.ofHours(3))) {
            double tickX = x.at(tick);
            line(svg, tickX, TOP, tickX, TOP + plotHeight, "#e5e5e5", null);
            String label = tick.equals(until) ? "24:00" : HOUR.format(tick);
            text(svg, tickX, HEIGHT - BOTTOM + 18, "middle", label);
        }
        svg.append("</g>\n");

        for (int i = 0; i < guides.size(); i++) {
            Guide guide = guides.get(i);
            double guideY = y.at(guide.value());
            svg.append("<line class=\"guide\" data-guide=\"")
                    .append(HtmlReport.escape(guide.key()))
                    .append("\" data-value=\"")
                    .append(number(guide.value()))
                    .append('"');
            coordinates(svg, LEFT, guideY, WIDTH - RIGHT, guideY);
            svg.append(" stroke=\"")
                    .append(guide.colour())
                    .append("\" stroke-width=\"1.5\" stroke-dasharray=\"")
                    .append(DASHES)
                    // Every other guide's dashes fill the gaps of the one before, so that two
                    // thresholds at the same value both show.
                    .append("\" stroke-dashoffset=\"")
                    .append(i % 2 == 0 ? 0 : 6)
                    .append("\"><title>")
                    .append(HtmlReport.escape(guide.label()))
                    .append("</title></line>\n");
        }

        for (Series line : series) {
            svg.append("<g class=\"series\" data-series=\"")
                    .append(HtmlReport.escape(line.key()))
                    .append("\" stroke=\"")
                    .append(line.colour())
                    .append("\" fill=\"")
                    .append(line.colour())
                    .append("\">\n");
            for (List<Point> segment : segments(line.points())) {
                if (segment.size() == 1) {
                    // A lone point has no line to be part of: draw it as a dot.
                    Point point = segment.get(0);
                    svg.append("<circle cx=\"")
                            .append(number(x.at(point.time())))
                            .append("\" cy=\"")
                            .append(number(y.at(point.value())))
                            .append("\" r=\"2.5\"/>\n");
                } else {
                    svg.append("<polyline fill=\"none\" stroke-width=\"1.5\" points=\"");
                    for (int i = 0; i < segment.size(); i++) {
                        Point point = segment.get(i);
                        svg.append(i == 0 ? "" : " ")
                                .append(number(x.at(point.time())))
                                .append(',')
                                .append(number(y.at(point.value())));
                    }
                    svg.append("\"/>\n");
                }
            }
            svg.append("</g>\n");
        }
        svg.append("<rect x=\"")
                .append(LEFT)
                .append("\" y=\"")
                .append(TOP)
                .append("\" width=\"")
                .append(number(plotWidth))
                .append("\" height=\"")
                .append(number(plotHeight))
                .append("\" fill=\"none\" stroke=\"#999\"/>\n");
        svg.append("</svg>\n");
        return svg.toString();
    }

    /** A horizontal bar per bar, longest first as given, each with its value at its end. */
    static String barChart(String title, String chartClass, List<Bar> bars) {
        int height = TOP / 2 + bars.size() * BAR_ROW + 8;
        double room = WIDTH - BAR_LABEL_WIDTH - RIGHT - 60;
        long max = bars.stream().mapToLong(Bar::value).max().orElse(1);
        StringBuilder svg = new StringBuilder();
        open(svg, title, chartClass, height);
        double top = TOP / 2.0;
        for (Bar bar : bars) {
            double length = max == 0 ? 0 : room * bar.value() / max;
            svg.append("<g class=\"bar\"><title>")
                    .append(HtmlReport.escape(bar.tooltip()))
                    .append("</title>\n");
            text(svg, BAR_LABEL_WIDTH - 8, top + BAR_ROW / 2.0 + 4, "end", bar.label());
            svg.append("<rect x=\"")
                    .append(BAR_LABEL_WIDTH)
                    .append("\" y=\"")
                    .append(number(top + 4))
                    .append("\" width=\"")
                    .append(number(length))
                    .append("\" height=\"")
                    .append(BAR_ROW - 8)
                    .append("\" fill=\"")
                    .append(BAR_COLOUR)
                    .append("\"/>\n");
            text(
                    svg,
                    BAR_LABEL_WIDTH + length + 6,
                    top + BAR_ROW / 2.0 + 4,
                    "start",
                    Long.toString(bar.value()));
            svg.append("</g>\n");
            top += BAR_ROW;
        }
        svg.append("</svg>\n");
        return svg.toString();
    }

    /** A step that puts about five ticks on {@code range}: 1, 2 or 5 times a power of ten. */
    static double niceStep(double range) {
        double raw = range / 5;
        double power = Math.pow(10, Math.floor(Math.log10(raw)));
        double fraction = raw / power;
        double nice = fraction <= 1 ? 1 : fraction <= 2 ? 2 : fraction <= 5 ? 5 : 10;
        return nice * power;
    }

    /** The points split where a value is missing, so a line never bridges a gap. */
    private static List<List<Point>> segments(List<Point> points) {
        List<List<Point>> segments = new ArrayList<>();
        List<Point> current = new ArrayList<>();
        for (Point point : points) {
            if (point.value() == null) {
                if (!current.isEmpty()) {
                    segments.add(current);
                    current = new ArrayList<>();
                }
            } else {
                current.add(point);
            }
        }
        if (!current.isEmpty()) {
            segments.add(current);
        }
        return segments;
    }

    private static void open(StringBuilder svg, String title, String chartClass, int height) {
        svg.append("<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"chart ")
                .append(chartClass)
                .append("\" viewBox=\"0 0 ")
                .append(WIDTH)
                .append(' ')
                .append(height)
                .append("\" width=\"")
                .append(WIDTH)
                .append("\" height=\"")
                .append(height)
                .append("\" role=\"img\" font-family=\"system-ui, sans-serif\" aria-label=\"")
                .append(HtmlReport.escape(title))
                .append("\" font-size=\"12\">\n<title>")
                .append(HtmlReport.escape(title))
                .append("</title>\n");
    }

    /** Series in the first row, guides (dashed, as drawn) in the second. */
    private static void legend(StringBuilder svg, List<Series> series, List<Guide> guides) {
        svg.append("<g class=\"legend\">\n");
        for (int i = 0; i < series.size(); i++) {
            Series line = series.get(i);
            legendItem(svg, LEFT + i * LEGEND_ITEM_WIDTH, 16, line.colour(), null, line.label());
        }
        for (int i = 0; i < guides.size(); i++) {
            Guide guide = guides.get(i);
            legendItem(
                    svg, LEFT + i * LEGEND_ITEM_WIDTH, 36, guide.colour(), DASHES, guide.label());
        }
        svg.append("</g>\n");
    }

    private static void legendItem(
            StringBuilder svg, double x, double y, String colour, String dashes, String label) {
        line(svg, x, y - 4, x + 24, y - 4, colour, dashes);
        text(svg, x + 30, y, "start", label);
    }

    private static void line(
            StringBuilder svg,
            double x1,
            double y1,
            double x2,
            double y2,
            String colour,
            String dashes) {
        svg.append("<line");
        coordinates(svg, x1, y1, x2, y2);
        svg.append(" stroke=\"").append(colour).append("\" stroke-width=\"2\"");
        if (dashes != null) {
            svg.append(" stroke-dasharray=\"").append(dashes).append('"');
        }
        svg.append("/>\n");
    }

    private static void coordinates(StringBuilder svg, double x1, double y1, double x2, double y2) {
        svg.append(" x1=\"")
                .append(number(x1))
                .append("\" y1=\"")
                .append(number(y1))
                .append("\" x2=\"")
                .append(number(x2))
                .append("\" y2=\"")
                .append(number(y2))
                .append('"');
    }

    private static void text(StringBuilder svg, double x, double y, String anchor, String text) {
        svg.append("<text x=\"")
                .append(number(x))
                .append("\" y=\"")
                .append(number(y))
                .append("\" text-anchor=\"")
                .append(anchor)
                .append("\" fill=\"#333\">")
                .append(HtmlReport.escape(text))
                .append("</text>\n");
    }

    /** A coordinate or value with at most one decimal, never in a locale's notation. */
    static String number(double value) {
        String text = String.format(Locale.ROOT, "%.1f", value);
        return text.endsWith(".0") ? text.substring(0, text.length() - 2) : text;
    }

    @FunctionalInterface
    private interface CoordinateX {
        double at(Instant time);
    }

    @FunctionalInterface
    private interface CoordinateY {
        double at(double value);
    }
}
