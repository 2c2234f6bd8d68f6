package io.syncline.operators.decode;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;

/**
 * The bookkeeping columns Syncline keeps in the tables of a bidirectional (write-back) source, and
 * the text form of the version vector stored in {@value #CLOCK}. Columns with the {@value #PREFIX}
 * prefix belong to Syncline and are never part of an entity's data.
 */
public final class OriginColumns {

    /** Prefix of every column Syncline owns in a source or target table. */
    public static final String PREFIX = "_syncline_";

    /**
     * The source id the written version came from; set by Syncline's own writes, NULL when an
     * application wrote the row.
     */
    public static final String ORIGIN = PREFIX + "origin";

    /** The entity's version vector as a compact JSON object, e.g. {@code {"a":2,"b":1}}. */
    public static final String CLOCK = PREFIX + "clock";

    private static final ObjectMapper JSON =
            JsonMapper.builder().enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS).build();

    // How much of a malformed clock an error message repeats.
    private static final int MAX_SHOWN = 80;

    private OriginColumns() {}

    /** Whether {@code column} is one of Syncline's bookkeeping columns. */
    public static boolean isBookkeeping(String column) {
        return column.startsWith(PREFIX);
    }

    /** The clock as compact JSON with its sources in name order, so equal clocks read the same. */
    public static String formatClock(Map<String, Long> clock) {
        try {
            return JSON.writeValueAsString(new TreeMap<>(clock));
        } catch (JsonProcessingException e) {
            // A map of strings to longs always serializes.
            throw new IllegalStateException(e);
        }
    }

    /**
     * The clock in {@code text}; NULL is the empty clock.
     *
     * @throws IllegalArgumentException when {@code text} is not a JSON object of non-negative whole
     *     numbers, with a message that says what is wrong
     */
    public static Map<String, Long> parseClock(String text) {
        if (text == null) {
            return Map.of();
        }
        JsonNode node;
        try {
            node = JSON.readTree(text);
        } catch (JsonProcessingException e) {
            throw notAClock(text, "it is not JSON");
        }
        if (node == null || !node.isObject()) {
            throw notAClock(text, "it is not a JSON object");
        }
        Map<String, Long> clock = new LinkedHashMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> entries = node.fields(); entries.hasNext(); ) {
            Map.Entry<String, JsonNode> entry = entries.next();
            JsonNode count = entry.getValue();
            if (!count.isIntegralNumber() || !count.canConvertToLong() || count.longValue() < 0) {
                throw notAClock(
                        text,
                        "the count of source '" + entry.getKey() + "' is not a whole number >= 0");
            }
            clock.put(entry.getKey(), count.longValue());
        }
        return clock;
    }

    private static IllegalArgumentException notAClock(String text, String reason) {
        String shown = text.length() <= MAX_SHOWN ? text : text.substring(0, MAX_SHOWN) + "...";
        return new IllegalArgumentException(
                "'"
                        + shown
                        + "' is not a version vector: "
                        + reason
                        + " (expected e.g. {\"a\":2,\"b\":1})");
    }
}
