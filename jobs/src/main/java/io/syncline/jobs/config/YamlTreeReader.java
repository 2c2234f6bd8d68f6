package io.syncline.jobs.config;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLParser;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads a YAML document into a Jackson tree, replacing {@code ${VAR}} placeholders in its values.
 *
 * <p>Every scalar becomes a text node holding the value as written ({@code 0123} stays {@code
 * 0123}, not the octal number 83): the binder converts it to the type of the setting, so YAML's
 * guesses about types never change a value. Placeholders are replaced in parsed values, not in the
 * raw text, so a substituted password containing {@code #} or {@code ": "} cannot change the
 * document's structure, and placeholders in comments are left alone.
 */
final class YamlTreeReader {

    private static final YAMLFactory YAML = YAMLFactory.builder().build();
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
    private static final Pattern MARK =
            Pattern.compile("\\s*in '.*', line (\\d+), column (\\d+):\\s*");

    private final YAMLParser parser;
    private final Function<String, String> environment;
    private final Problems problems;

    private YamlTreeReader(
            YAMLParser parser, Function<String, String> environment, Problems problems) {
        this.parser = parser;
        this.environment = environment;
        this.problems = problems;
    }

    /**
     * The document's tree, or empty if the text is not valid YAML or holds no document (the problem
     * is then added). Unset variables are reported and replaced by an empty string, so that the
     * rest of the file is still checked.
     */
    static Optional<JsonNode> read(
            String text, Function<String, String> environment, Problems problems) {
        try (YAMLParser parser = YAML.createParser(text)) {
            if (parser.nextToken() == null) {
                problems.add(
                        "",
                        "the file is empty; start from the example in"
                                + " deploy/config/syncline.yaml");
                return Optional.empty();
            }
            JsonNode root = new YamlTreeReader(parser, environment, problems).readValue("");
            if (parser.nextToken() != null) {
                problems.add(
                        "",
                        at(parser.currentTokenLocation())
                                + "a second YAML document starts here; put the whole"
                                + " configuration in one document (remove the '---')");
            }
            return Optional.of(root);
        } catch (JsonProcessingException e) {
            problems.add("", syntaxError(e));
            return Optional.empty();
        } catch (IOException e) {
            // Reading from a String does no I/O.
            throw new UncheckedIOException(e);
        }
    }

    private JsonNode readValue(String path) throws IOException {
        JsonToken token = parser.currentToken();
        switch (token) {
            case START_OBJECT:
                return readMapping(path);
            case START_ARRAY:
                return readList(path);
            case VALUE_NULL:
                return NODES.nullNode();
            default:
                if (parser.isCurrentAlias()) {
                    // Jackson would return the alias name as if it were the value.
                    problems.add(
                            path,
                            at(parser.currentTokenLocation())
                                    + "YAML aliases (*"
                                    + parser.getText()
                                    + ") are not supported; write the value out");
                }
                return NODES.textNode(substitute(parser.getText(), path));
        }
    }

    private ObjectNode readMapping(String path) throws IOException {
        ObjectNode mapping = NODES.objectNode();
        while (parser.nextToken() == JsonToken.FIELD_NAME) {
            String key = parser.currentName();
            String keyPath = ConfigPath.key(path, key);
            JsonLocation keyLocation = parser.currentTokenLocation();
            parser.nextToken();
            JsonNode value = readValue(keyPath);
            if (mapping.has(key)) {
                // Jackson would silently keep the last one.
                problems.add(
                        keyPath,
                        at(keyLocation)
                                + "key '"
                                + key
                                + "' appears twice in the same mapping; keep one of them");
            } else {
                mapping.set(key, value);
            }
        }
        return mapping;
    }

    private ArrayNode readList(String path) throws IOException {
        ArrayNode list = NODES.arrayNode();
        while (parser.nextToken() != JsonToken.END_ARRAY) {
            list.add(readValue(ConfigPath.index(path, list.size())));
        }
        return list;
    }

    private String substitute(String text, String path) {
        EnvironmentSubstitution.Result result =
                EnvironmentSubstitution.substitute(text, environment);
        for (String problem : result.problems()) {
            problems.add(path, at(parser.currentTokenLocation()) + problem);
        }
        return result.value();
    }

    private static String at(JsonLocation location) {
        if (location == null || location.getLineNr() < 1) {
            return "";
        }
        return location.getColumnNr() < 1
                ? "line " + location.getLineNr() + ": "
                : "line " + location.getLineNr() + ", column " + location.getColumnNr() + ": ";
    }

    /**
     * SnakeYAML's message reads "context / in 'reader', line, column / quoted line / problem / in
     * 'reader', line, column / quoted line"; the problem and its location come last, and the
     * location Jackson reports is sometimes the context's.
     */
    static String syntaxError(JsonProcessingException e) {
        String message = e.getOriginalMessage() == null ? "" : e.getOriginalMessage();
        List<String> statements = new ArrayList<>();
        String location = at(e.getLocation());
        for (String line : message.split("\\R")) {
            Matcher mark = MARK.matcher(line);
            if (mark.matches()) {
                location = "line " + mark.group(1) + ", column " + mark.group(2) + ": ";
            } else if (!line.isBlank() && !Character.isWhitespace(line.charAt(0))) {
                statements.add(line.trim());
            }
        }
        if (statements.isEmpty()) {
            statements.add(e.getClass().getSimpleName());
        }
        String problem = statements.get(statements.size() - 1);
        String context = statements.size() > 1 ? " (" + statements.get(0) + ")" : "";
        return location
                + "invalid YAML: "
                + problem
                + context
                + "; check the indentation (spaces, not tabs) and the quotes and brackets around"
                + " it";
    }
}
