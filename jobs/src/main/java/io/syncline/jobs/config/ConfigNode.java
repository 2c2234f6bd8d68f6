package io.syncline.jobs.config;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.MissingNode;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * One node of the configuration tree together with its path, read as the binder asks for a type. A
 * value that is missing gives the default; a value that is wrong adds a problem at its path and
 * gives the default too, so that binding goes on and finds the other problems.
 *
 * <p>A mapping remembers the keys read from it, so {@link #rejectUnknownKeys()} can report the
 * others, with the known keys and the likely intended one.
 */
final class ConfigNode {

    private final JsonNode node;
    private final String path;
    private final Problems problems;
    // Under a node that is wrong or missing, "is required" would only repeat the parent's problem.
    private final boolean parentBroken;
    private final Set<String> knownKeys = new LinkedHashSet<>();

    private ConfigNode(JsonNode node, String path, Problems problems, boolean parentBroken) {
        this.node = node == null ? MissingNode.getInstance() : node;
        this.path = path;
        this.problems = problems;
        this.parentBroken = parentBroken;
    }

    static ConfigNode root(JsonNode node, Problems problems) {
        return new ConfigNode(node, "", problems, false);
    }

    String path() {
        return path;
    }

    /** Whether the key is absent (or written with no value). */
    boolean isAbsent() {
        return node.isMissingNode() || node.isNull();
    }

    void problem(String message) {
        problems.add(path, message);
    }

    // ---- mappings and lists

    /** The value under a key of this mapping; absent if this is not a mapping. */
    ConfigNode get(String key) {
        knownKeys.add(key);
        boolean isMapping = expect(node.isObject(), "a mapping of keys to values");
        return new ConfigNode(
                isMapping ? node.get(key) : null,
                ConfigPath.key(path, key),
                problems,
                parentBroken || (!path.isEmpty() && problems.has(path)));
    }

    /** Like {@link #get}, adding a problem if the key is absent. */
    ConfigNode require(String key, String example) {
        ConfigNode child = get(key);
        child.requirePresent(example);
        return child;
    }

    /** Reports the keys of this mapping that {@link #get} was never asked for. */
    void rejectUnknownKeys() {
        if (!node.isObject()) {
            return;
        }
        for (Iterator<String> keys = node.fieldNames(); keys.hasNext(); ) {
            String key = keys.next();
            if (knownKeys.contains(key)) {
                continue;
            }
            String suggestion =
                    KeySuggestions.closest(key, knownKeys)
                            .map(known -> "; did you mean '" + known + "'?")
                            .orElse(";");
            problems.add(
                    ConfigPath.key(path, key),
                    "unknown key '"
                            + key
                            + "'"
                            + suggestion
                            + " Known keys: "
                            + String.join(", ", knownKeys));
        }
    }

    /** The elements of this list; empty if absent or not a list. */
    List<ConfigNode> elements() {
        List<ConfigNode> elements = new ArrayList<>();
        if (expect(node.isArray(), "a list")) {
            for (int i = 0; i < node.size(); i++) {
                elements.add(
                        new ConfigNode(
                                node.get(i), ConfigPath.index(path, i), problems, parentBroken));
            }
        }
        return elements;
    }

    // ---- scalars

    /** The text of this value, or {@code defaultValue} if absent. */
    String text(String defaultValue) {
        if (isAbsent() || !expect(node.isTextual(), "a single value")) {
            return defaultValue;
        }
        return node.textValue();
    }

    /** The text of this value; a problem (with an example of a good value) if absent or empty. */
    String requiredText(String example) {
        requirePresent(example);
        String text = text(null);
        if (text != null && text.isBlank()) {
            problem("must not be empty; e.g. " + example);
            return null;
        }
        return text;
    }

    int integer(int defaultValue, int min, int max) {
        String text = text(null);
        if (text == null) {
            return defaultValue;
        }
        int value;
        try {
            value = Integer.parseInt(text.trim());
        } catch (NumberFormatException e) {
            problem("'" + text + "' is not a whole number");
            return defaultValue;
        }
        if (value < min || value > max) {
            problem(
                    max == Integer.MAX_VALUE
                            ? "must be at least " + min + ", was " + value
                            : "must be between " + min + " and " + max + ", was " + value);
            return defaultValue;
        }
        return value;
    }

    double decimal(double defaultValue) {
        String text = text(null);
        if (text == null) {
            return defaultValue;
        }
        try {
            double value = Double.parseDouble(text.trim());
            if (Double.isFinite(value)) {
                return value;
            }
        } catch (NumberFormatException e) {
            // Reported below.
        }
        problem("'" + text + "' is not a number; write e.g. 2.0");
        return defaultValue;
    }

    boolean bool(boolean defaultValue) {
        String text = text(null);
        if (text == null) {
            return defaultValue;
        }
        if (text.trim().equalsIgnoreCase("true")) {
            return true;
        }
        if (text.trim().equalsIgnoreCase("false")) {
            return false;
        }
        problem("'" + text + "' is not true or false");
        return defaultValue;
    }

    Duration duration(Duration defaultValue) {
        String text = text(null);
        if (text == null) {
            return defaultValue;
        }
        try {
            return Durations.parse(text);
        } catch (IllegalArgumentException e) {
            problem(e.getMessage());
            return defaultValue;
        }
    }

    /** A list of single values; empty if absent. */
    List<String> texts() {
        List<String> texts = new ArrayList<>();
        for (ConfigNode element : elements()) {
            String text = element.text(null);
            if (text != null && !text.isBlank()) {
                texts.add(text);
            } else if (!problems.has(element.path)) {
                element.problem("is an empty entry; write a value or remove the entry");
            }
        }
        return texts;
    }

    /** A mapping of keys to single values, in file order; empty if absent. */
    Map<String, String> textMap() {
        Map<String, String> map = new LinkedHashMap<>();
        if (expect(node.isObject(), "a mapping of keys to values")) {
            for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> field = it.next();
                ConfigNode value =
                        new ConfigNode(
                                field.getValue(),
                                ConfigPath.key(path, field.getKey()),
                                problems,
                                parentBroken);
                String text = value.text(null);
                if (text == null || text.isBlank()) {
                    value.problem("has no value; write one or remove the key");
                } else {
                    map.put(field.getKey(), text);
                }
            }
        }
        return map;
    }

    // ---- checks

    private void requirePresent(String example) {
        if (isAbsent() && !parentBroken) {
            problem("is required; e.g. " + example);
        }
    }

    /** Whether the node is present and of the expected kind; adds a problem if present but not. */
    private boolean expect(boolean isExpectedKind, String expected) {
        if (isAbsent()) {
            return false;
        }
        if (!isExpectedKind) {
            problem("expected " + expected + ", found " + describe(node));
        }
        return isExpectedKind;
    }

    private static String describe(JsonNode node) {
        if (node.isObject()) {
            return "a mapping (key: value lines)";
        }
        if (node.isArray()) {
            return "a list";
        }
        return "'" + node.asText() + "'";
    }
}
