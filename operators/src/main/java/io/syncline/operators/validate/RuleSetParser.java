package io.syncline.operators.validate;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.MissingNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.syncline.operators.validate.Reference.ParentDeletePolicy;
import io.syncline.operators.validate.correct.CorrectionSettings;
import io.syncline.operators.validate.correct.Corrector;
import io.syncline.operators.validate.correct.FieldFormat;
import io.syncline.operators.validate.rules.AllowedValuesRule;
import io.syncline.operators.validate.rules.PatternRule;
import io.syncline.operators.validate.rules.RangeRule;
import io.syncline.operators.validate.rules.RequiredIfRule;
import io.syncline.operators.validate.rules.RequiredRule;
import io.syncline.operators.validate.rules.Rule;
import io.syncline.operators.validate.schema.SchemaChecks;
import io.syncline.schema.RuleSetDocument;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Function;

/**
 * Compiles a {@link RuleSetDocument} (the rule file's YAML and the schema files it names) into a
 * {@link RuleSet}, or fails with every problem at once, each naming the place in the file, the bad
 * value and the fix. The format is documented in the README ("Validation rules").
 */
public final class RuleSetParser {

    private static final YAMLFactory YAML = new YAMLFactory();
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
    private static final Set<String> TOP_KEYS = Set.of("version", "entities");
    private static final Set<String> ENTITY_KEYS =
            Set.of(
                    "level",
                    "schema",
                    "defaults",
                    "formats",
                    "defaultRegion",
                    "confidential",
                    "rules",
                    "references");
    private static final Set<String> SCHEMA_KEYS = Set.of("type", "file", "inline", "field");
    private static final Set<String> REFERENCE_KEYS =
            Set.of("field", "fields", "entity", "onParentDelete");
    private static final Map<String, Set<String>> RULE_KEYS =
            Map.of(
                    "required", Set.of("type", "field"),
                    "range", Set.of("type", "field", "min", "max"),
                    "allowed", Set.of("type", "field", "values"),
                    "pattern", Set.of("type", "field", "regex"),
                    "required-if", Set.of("type", "field", "when", "in"));

    private final RuleSetDocument document;
    private final List<String> problems = new ArrayList<>();

    private RuleSetParser(RuleSetDocument document) {
        this.document = document;
    }

    /**
     * The compiled rule set.
     *
     * @throws RuleSetException listing every problem found
     */
    public static RuleSet parse(RuleSetDocument document) {
        RuleSetParser parser = new RuleSetParser(document);
        RuleSet ruleSet = parser.ruleSet();
        if (!parser.problems.isEmpty()) {
            throw new RuleSetException(parser.problems);
        }
        return ruleSet;
    }

    /** The rule file's {@code version}, without compiling the rest. */
    public static int versionOf(String rulesYaml) {
        try {
            Integer version = wholeNumber(readYaml(rulesYaml, new ArrayList<>()).path("version"));
            if (version != null) {
                return version;
            }
        } catch (IOException e) {
            // reported by parse
        }
        throw new RuleSetException(List.of("version: is missing or not a whole number"));
    }

    /** Schema file names the rule file refers to, for whoever collects them. */
    public static Set<String> schemaFilesOf(String rulesYaml) {
        Set<String> files = new TreeSet<>();
        try {
            readYaml(rulesYaml, new ArrayList<>())
                    .path("entities")
                    .forEach(
                            entity -> {
                                JsonNode file = entity.path("schema").path("file");
                                if (file.isTextual()) {
                                    files.add(file.textValue());
                                }
                            });
        } catch (IOException e) {
            // reported by parse
        }
        return files;
    }

    private RuleSet ruleSet() {
        JsonNode root;
        try {
            root = readYaml(document.getRules(), problems);
        } catch (JacksonException e) {
            problems.add(
                    "the rule file is not valid YAML: "
                            + e.getOriginalMessage()
                            + at(e)
                            + "; see the README, section Validation rules");
            return null;
        } catch (IOException e) {
            throw new IllegalStateException("reading a string cannot fail", e);
        }
        if (root == null || !root.isObject()) {
            problems.add("the rule file must be a mapping with version: and entities:");
            return null;
        }
        rejectUnknownKeys(root, "", TOP_KEYS);
        int version = version(root.path("version"));
        Map<String, EntityRules> entities = new LinkedHashMap<>();
        JsonNode entitiesNode = root.path("entities");
        if (!entitiesNode.isMissingNode() && !entitiesNode.isObject()) {
            problems.add("entities: must be a mapping of entity type to its rules");
        }
        for (Iterator<Map.Entry<String, JsonNode>> it = entitiesNode.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> entry = it.next();
            EntityRules entity =
                    entity(entry.getKey(), entry.getValue(), "entities." + entry.getKey());
            if (entity != null) {
                entities.put(entry.getKey(), entity);
            }
        }
        return new RuleSet(version, entities);
    }

    private int version(JsonNode node) {
        Integer version = wholeNumber(node);
        if (node.isMissingNode()) {
            problems.add("version: is required; e.g. version: 1 (raise it with every change)");
        } else if (version == null || version < 1) {
            problems.add(
                    "version: must be a whole number of at least 1, was "
                            + node.asText()
                            + "; e.g. version: 1 (raise it with every change)");
        }
        return version == null ? 0 : version;
    }

    /** The node's whole number, {@code null} if it is none or too large. */
    private static Integer wholeNumber(JsonNode node) {
        if (!node.isTextual() || !node.textValue().matches("[+-]?\\d{1,10}")) {
            return null;
        }
        long number = Long.parseLong(node.textValue());
        return number == (int) number ? (int) number : null;
    }

    private EntityRules entity(String entityType, JsonNode node, String path) {
        if (!node.isObject()) {
            problems.add(path + ": must be a mapping (level:, schema:, rules:, ...)");
            return null;
        }
        rejectUnknownKeys(node, path, ENTITY_KEYS);
        ValidationLevel level = level(node.path("level"), path + ".level");
        SchemaCheck schema = schema(node.path("schema"), path + ".schema");
        Corrector corrector = null;
        if (level == ValidationLevel.TRANSFORMATIVE) {
            corrector = corrector(node, path, schema);
        } else {
            for (String key : List.of("defaults", "formats", "defaultRegion")) {
                if (node.has(key)) {
                    problems.add(
                            path
                                    + "."
                                    + key
                                    + ": applies only with level: transformative; set the level"
                                    + " or remove it");
                }
            }
        }
        List<Rule> rules = new ArrayList<>();
        int index = 0;
        for (JsonNode rule : list(node.path("rules"), path + ".rules")) {
            Rule compiled = rule(rule, path + ".rules[" + index++ + "]");
            if (compiled != null) {
                rules.add(compiled);
            }
        }
        List<Reference> references = new ArrayList<>();
        index = 0;
        for (JsonNode reference : list(node.path("references"), path + ".references")) {
            Reference compiled = reference(reference, path + ".references[" + index++ + "]");
            if (compiled != null) {
                references.add(compiled);
            }
        }
        Set<String> confidential = new LinkedHashSet<>(texts(node.path("confidential")));
        return new EntityRules(
                entityType, level, schema, corrector, rules, references, confidential);
    }

    private ValidationLevel level(JsonNode node, String path) {
        if (node.isMissingNode()) {
            return ValidationLevel.STRICT;
        }
        try {
            return ValidationLevel.valueOf(node.asText().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            problems.add(
                    path
                            + ": '"
                            + node.asText()
                            + "' is not a level; use strict, lenient or transformative");
            return ValidationLevel.STRICT;
        }
    }

    private SchemaCheck schema(JsonNode node, String path) {
        if (node.isMissingNode()) {
            return null;
        }
        rejectUnknownKeys(node, path, SCHEMA_KEYS);
        String type = node.path("type").asText("");
        String text = schemaText(node, path);
        if (text == null) {
            return null;
        }
        try {
            return switch (type) {
                case "json-schema" -> SchemaChecks.jsonSchema(text);
                case "avro" -> SchemaChecks.avro(text);
                case "xsd" -> {
                    String field = node.path("field").asText(null);
                    if (field == null) {
                        problems.add(
                                path
                                        + ".field: an xsd schema needs the field that holds the"
                                        + " XML document; e.g. field: document");
                        yield null;
                    }
                    yield SchemaChecks.xsd(text, field);
                }
                default -> {
                    problems.add(
                            path
                                    + ".type: '"
                                    + type
                                    + "' is not a schema type; use json-schema, avro or xsd");
                    yield null;
                }
            };
        } catch (IllegalArgumentException e) {
            problems.add(path + ": " + e.getMessage());
            return null;
        }
    }

    private String schemaText(JsonNode node, String path) {
        JsonNode file = node.path("file");
        JsonNode inline = node.path("inline");
        if (file.isMissingNode() == inline.isMissingNode()) {
            problems.add(
                    path
                            + ": set exactly one of file: (a schema file next to the rule file)"
                            + " and inline: (the schema text)");
            return null;
        }
        if (!inline.isMissingNode()) {
            return inline.asText();
        }
        String text = document.getFiles().get(file.asText());
        if (text == null) {
            problems.add(
                    path
                            + ".file: '"
                            + file.asText()
                            + "' was not published with the rule set; publish the rule file"
                            + " with 'syncline rules publish', which reads the files it names");
        }
        return text;
    }

    private Corrector corrector(JsonNode node, String path, SchemaCheck schema) {
        Map<String, String> defaults = textMap(node.path("defaults"), path + ".defaults");
        Map<String, FieldFormat> formats = new LinkedHashMap<>();
        textMap(node.path("formats"), path + ".formats")
                .forEach(
                        (field, format) -> {
                            try {
                                formats.put(field, FieldFormat.parse(format));
                            } catch (IllegalArgumentException e) {
                                problems.add(path + ".formats." + field + ": " + e.getMessage());
                            }
                        });
        String region = node.path("defaultRegion").asText(null);
        try {
            return new Corrector(
                    new CorrectionSettings(
                            schema == null ? Map.of() : schema.fields(),
                            defaults,
                            formats,
                            region));
        } catch (IllegalArgumentException e) {
            problems.add(path + ": " + e.getMessage());
            return null;
        }
    }

    private Rule rule(JsonNode node, String path) {
        String type = node.path("type").asText("");
        Set<String> keys = RULE_KEYS.get(type);
        if (keys == null) {
            problems.add(
                    path
                            + ".type: '"
                            + type
                            + "' is not a rule type; use one of "
                            + String.join(", ", new TreeSet<>(RULE_KEYS.keySet())));
            return null;
        }
        rejectUnknownKeys(node, path, keys);
        String field = required(node, "field", path);
        if (field == null) {
            return null;
        }
        try {
            return switch (type) {
                case "required" -> new RequiredRule(field);
                case "range" ->
                        new RangeRule(
                                field,
                                node.path("min").asText(null),
                                node.path("max").asText(null));
                case "allowed" -> new AllowedValuesRule(field, texts(node.path("values")));
                case "pattern" -> {
                    String regex = required(node, "regex", path);
                    yield regex == null ? null : new PatternRule(field, regex);
                }
                default -> {
                    String when = required(node, "when", path);
                    yield when == null
                            ? null
                            : new RequiredIfRule(field, when, texts(node.path("in")));
                }
            };
        } catch (IllegalArgumentException e) {
            problems.add(path + ": " + e.getMessage());
            return null;
        }
    }

    private Reference reference(JsonNode node, String path) {
        rejectUnknownKeys(node, path, REFERENCE_KEYS);
        List<String> fields = referenceFields(node, path);
        String entity = required(node, "entity", path);
        String policyText = node.path("onParentDelete").asText("flag");
        ParentDeletePolicy policy;
        try {
            policy = ParentDeletePolicy.valueOf(policyText.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            problems.add(
                    path
                            + ".onParentDelete: '"
                            + policyText
                            + "' is not a policy; use flag, reject or allow");
            return null;
        }
        return fields == null || entity == null ? null : new Reference(fields, entity, policy);
    }

    /** {@code field: x}, or {@code fields: [a, b]} for a composite key; {@code null} if wrong. */
    private List<String> referenceFields(JsonNode node, String path) {
        if (node.has("field") == node.has("fields")) {
            problems.add(
                    path
                            + ": set exactly one of field: (the column holding the parent's id)"
                            + " and fields: (the columns holding a composite key, in the"
                            + " parent's key order)");
            return null;
        }
        if (node.has("field")) {
            String field = required(node, "field", path);
            return field == null ? null : List.of(field);
        }
        List<String> fields = texts(node.path("fields"));
        if (fields.isEmpty() || fields.stream().anyMatch(String::isBlank)) {
            problems.add(path + ".fields: must list at least one column, e.g. [region, number]");
            return null;
        }
        return fields;
    }

    private String required(JsonNode node, String key, String path) {
        JsonNode value = node.path(key);
        if (!value.isValueNode() || value.isNull() || value.asText().isBlank()) {
            problems.add(path + "." + key + ": is required");
            return null;
        }
        return value.asText();
    }

    private List<JsonNode> list(JsonNode node, String path) {
        List<JsonNode> elements = new ArrayList<>();
        if (node.isMissingNode() || node.isNull()) {
            return elements;
        }
        if (!node.isArray()) {
            problems.add(path + ": must be a list");
            return elements;
        }
        int index = 0;
        for (JsonNode element : node) {
            if (element.isObject()) {
                elements.add(element);
            } else {
                problems.add(path + "[" + index + "]: must be a mapping, was " + element);
            }
            index++;
        }
        return elements;
    }

    private static List<String> texts(JsonNode node) {
        List<String> texts = new ArrayList<>();
        if (node.isArray()) {
            node.forEach(
                    element -> {
                        if (!element.isNull()) {
                            texts.add(element.asText());
                        }
                    });
        } else if (node.isValueNode() && !node.isNull()) {
            texts.add(node.asText());
        }
        return texts;
    }

    private Map<String, String> textMap(JsonNode node, String path) {
        Map<String, String> map = new LinkedHashMap<>();
        if (node.isMissingNode()) {
            return map;
        }
        if (!node.isObject()) {
            problems.add(path + ": must be a mapping of field to value");
            return map;
        }
        node.fields().forEachRemaining(entry -> map.put(entry.getKey(), entry.getValue().asText()));
        return map;
    }

    private void rejectUnknownKeys(JsonNode node, String path, Set<String> known) {
        node.fieldNames()
                .forEachRemaining(
                        key -> {
                            if (!known.contains(key)) {
                                problems.add(
                                        (path.isEmpty() ? "" : path + ".")
                                                + key
                                                + ": unknown key; known keys are "
                                                + String.join(", ", new TreeSet<>(known)));
                            }
                        });
    }

    /**
     * The YAML as a tree whose scalars are text as written: YAML 1.1 would read {@code NO} (Norway)
     * as false, {@code 010} as 8 and {@code 0.50} as 0.5, and values are compared as text. A key
     * given twice in one mapping is a problem, as the first one's rules would be lost silently.
     */
    private static JsonNode readYaml(String yaml, List<String> problems) throws IOException {
        try (JsonParser parser = YAML.createParser(yaml)) {
            return parser.nextToken() == null
                    ? MissingNode.getInstance()
                    : node(parser, "", problems);
        }
    }

    private static JsonNode node(JsonParser parser, String path, List<String> problems)
            throws IOException {
        switch (parser.currentToken()) {
            case START_OBJECT:
                ObjectNode object = NODES.objectNode();
                while (parser.nextToken() == JsonToken.FIELD_NAME) {
                    String key = parser.currentName();
                    String keyPath = path.isEmpty() ? key : path + "." + key;
                    int line = parser.currentTokenLocation().getLineNr();
                    parser.nextToken();
                    if (object.replace(key, node(parser, keyPath, problems)) != null) {
                        problems.add(
                                keyPath
                                        + ": is given a second time at line "
                                        + line
                                        + ", which would silently replace the first; merge"
                                        + " them into one");
                    }
                }
                return object;
            case START_ARRAY:
                ArrayNode array = NODES.arrayNode();
                while (parser.nextToken() != JsonToken.END_ARRAY) {
                    array.add(node(parser, path + "[" + array.size() + "]", problems));
                }
                return array;
            case VALUE_NULL:
                return NODES.nullNode();
            default:
                return NODES.textNode(parser.getText());
        }
    }

    private static String at(JacksonException e) {
        return e.getLocation() == null
                ? ""
                : " (line "
                        + e.getLocation().getLineNr()
                        + ", column "
                        + e.getLocation().getColumnNr()
                        + ")";
    }

    /** For tests: a document of the rules alone, with schema files looked up by name. */
    public static RuleSetDocument document(String rulesYaml, Function<String, String> files) {
        Map<String, String> texts = new LinkedHashMap<>();
        for (String name : schemaFilesOf(rulesYaml)) {
            String text = files.apply(name);
            if (text != null) {
                texts.put(name, text);
            }
        }
        return RuleSetDocument.newBuilder()
                .setVersion(safeVersion(rulesYaml))
                .setRules(rulesYaml)
                .setFiles(texts)
                .build();
    }

    private static int safeVersion(String rulesYaml) {
        try {
            return versionOf(rulesYaml);
        } catch (RuleSetException e) {
            return 0;
        }
    }
}
