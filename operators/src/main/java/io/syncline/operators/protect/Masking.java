package io.syncline.operators.protect;

import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * Masks confidential and restricted values in text that is shown or kept (error messages and
 * payloads, log lines): by field name, in the {@code name=value} form Syncline's payloads use and
 * in JSON, and by value, wherever a known value occurs.
 */
public final class Masking {

    /** What a masked value reads as. */
    public static final String MASK = "***";

    /**
     * Values shorter than this are not searched for in free text: masking every "M" or "42" would
     * garble the message and hide nothing that identifies anyone.
     */
    static final int MIN_SCRUBBED_LENGTH = 3;

    // Null when no field name is masked.
    private final Pattern json;
    private final Pattern assignment;

    /** Masking of the values of the fields named {@code names}; the patterns compile once. */
    public Masking(Set<String> names) {
        if (names.isEmpty()) {
            json = null;
            assignment = null;
            return;
        }
        String alternatives = names.stream().map(Pattern::quote).collect(Collectors.joining("|"));
        json =
                Pattern.compile(
                        "(\"(?:"
                                + alternatives
                                + ")\"\\s*:\\s*)(\"(?:[^\"\\\\]|\\\\.)*\"|[^,}\\]\\s]+)");
        assignment = Pattern.compile("(\\b(?:" + alternatives + ")=)(?!\\*\\*\\*)[^,}\\]]*");
    }

    /** {@code text} with the values of the named fields masked, and every {@code value}. */
    public String mask(String text, Collection<String> values) {
        if (text == null || text.isEmpty()) {
            return text;
        }
        return scrub(json == null ? text : maskNamed(text), values);
    }

    /** {@code text} with the values after {@code name=} and {@code "name":} masked. */
    String maskNamed(String text) {
        String masked =
                json.matcher(text)
                        .replaceAll(m -> Matcher.quoteReplacement(m.group(1) + "\"" + MASK + "\""));
        return assignment
                .matcher(masked)
                .replaceAll(m -> Matcher.quoteReplacement(m.group(1) + MASK));
    }

    /** {@code text} with every occurrence of each value masked, longest first. */
    static String scrub(String text, Collection<String> values) {
        List<String> sorted =
                values.stream()
                        .filter(v -> v != null && v.length() >= MIN_SCRUBBED_LENGTH)
                        .distinct()
                        .sorted(Comparator.comparingInt(String::length).reversed())
                        .toList();
        String scrubbed = text;
        for (String value : sorted) {
            scrubbed = scrubbed.replace(value, MASK);
        }
        return scrubbed;
    }
}
