package io.syncline.operators.validate.schema;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.networknt.schema.AbsoluteIri;
import com.networknt.schema.JsonNodePath;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaException;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SchemaLocation;
import com.networknt.schema.SchemaValidatorsConfig;
import com.networknt.schema.SpecVersion.VersionFlag;
import com.networknt.schema.SpecVersionDetector;
import com.networknt.schema.ValidationMessage;
import com.networknt.schema.resource.AllowSchemaLoader;
import io.syncline.operators.validate.ExpectedType;
import io.syncline.operators.validate.FieldSpec;
import io.syncline.operators.validate.FieldValues;
import io.syncline.operators.validate.SchemaCheck;
import io.syncline.operators.validate.ValidationCodes;
import io.syncline.operators.validate.Violation;
import io.syncline.schema.FieldValue;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.function.Predicate;
import java.util.stream.Collectors;

/**
 * A JSON Schema (draft 2020-12 unless {@code $schema} names another draft) that checks a row image
 * converted by {@link FieldValueJson}, with format assertions on. Each validation message becomes
 * one {@link Violation} on the top-level property at fault; the schema may only reference the
 * standard meta-schemas, never load other documents.
 */
public final class JsonSchemaCheck implements SchemaCheck {

    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final VersionFlag DEFAULT_VERSION = VersionFlag.V202012;
    private static final Predicate<AbsoluteIri> BUNDLED_META_SCHEMAS =
            iri -> iri.toString().startsWith("classpath:draft");

    private final JsonSchema schema;
    private final Map<String, FieldSpec> fields;
    private final boolean allowsUnknownFields;

    JsonSchemaCheck(String text) {
        Objects.requireNonNull(text, "JSON Schema text must not be null");
        JsonNode root = parse(text);
        VersionFlag version = version(root);
        JsonSchemaFactory factory = factory(version);
        SchemaValidatorsConfig config =
                SchemaValidatorsConfig.builder()
                        .formatAssertionsEnabled(true)
                        .locale(Locale.ENGLISH)
                        .build();
        checkAgainstMetaSchema(factory, config, version, root);
        try {
            this.schema = factory.getSchema(root, config);
            // Resolves every $ref now: a schema that cannot compile fails here, not on a row.
            schema.initializeValidators();
        } catch (JsonSchemaException e) {
            throw new IllegalArgumentException(
                    "JSON Schema cannot be compiled: "
                            + e.getMessage().replaceFirst("\\.$", "")
                            + ". Fix the reference or keyword it names; a schema may only"
                            + " reference its own definitions ($ref \"#/$defs/...\").",
                    e);
        }
        this.fields = fieldSpecs(root);
        this.allowsUnknownFields =
                !isFalse(root.get("additionalProperties"))
                        && !isFalse(root.get("unevaluatedProperties"));
    }

    /** A factory that loads only the meta-schemas bundled with the library, nothing else. */
    private static JsonSchemaFactory factory(VersionFlag version) {
        return JsonSchemaFactory.getInstance(
                version,
                builder ->
                        builder.schemaLoaders(
                                loaders ->
                                        loaders.add(new AllowSchemaLoader(BUNDLED_META_SCHEMAS))));
    }

    @Override
    public List<Violation> check(Map<String, FieldValue> image) {
        Set<ValidationMessage> messages = schema.validate(FieldValueJson.toObjectNode(image));
        List<Violation> violations = new ArrayList<>(messages.size());
        for (ValidationMessage message : messages) {
            violations.add(violation(message, image));
        }
        return violations;
    }

    @Override
    public Map<String, FieldSpec> fields() {
        return fields;
    }

    @Override
    public boolean allowsUnknownFields() {
        return allowsUnknownFields;
    }

    private static Violation violation(ValidationMessage message, Map<String, FieldValue> image) {
        JsonNodePath location = message.getInstanceLocation();
        String field;
        if (location.getNameCount() > 0) {
            field = String.valueOf(location.getElement(0));
        } else if (message.getType().equals("dependentRequired")) {
            // The property names the field that is present; the first argument the missing one.
            field = String.valueOf(message.getArguments()[0]);
        } else {
            field = message.getProperty();
        }
        String value = field == null ? null : FieldValues.text(image.get(field));
        return new Violation(field, code(message.getType()), message.getError(), value);
    }

    private static String code(String keyword) {
        return switch (keyword) {
            case "required", "dependentRequired" -> ValidationCodes.SCHEMA_REQUIRED;
            case "type" -> ValidationCodes.SCHEMA_TYPE_MISMATCH;
            case "enum", "const" -> ValidationCodes.SCHEMA_ENUM;
            case "format", "pattern" -> ValidationCodes.SCHEMA_FORMAT;
            case "minimum",
                            "maximum",
                            "exclusiveMinimum",
                            "exclusiveMaximum",
                            "minLength",
                            "maxLength",
                            "multipleOf" ->
                    ValidationCodes.SCHEMA_RANGE;
            case "additionalProperties", "unevaluatedProperties" ->
                    ValidationCodes.SCHEMA_UNKNOWN_FIELD;
            default -> ValidationCodes.SCHEMA_VIOLATION;
        };
    }

    private static JsonNode parse(String text) {
        try {
            JsonNode root = MAPPER.readTree(text);
            if (root == null || !root.isObject()) {
                throw new IllegalArgumentException(
                        "JSON Schema must be a JSON object describing the row, e.g."
                                + " {\"type\": \"object\", \"properties\": {...}}; got "
                                + (root == null || root.isMissingNode()
                                        ? "an empty text"
                                        : root.getNodeType().toString().toLowerCase(Locale.ROOT))
                                + ".");
            }
            return root;
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException(
                    "JSON Schema is not valid JSON (line "
                            + e.getLocation().getLineNr()
                            + ", column "
                            + e.getLocation().getColumnNr()
                            + ": "
                            + e.getOriginalMessage()
                            + "). Fix the JSON syntax of the schema text.",
                    e);
        }
    }

    private static VersionFlag version(JsonNode root) {
        if (!root.has("$schema")) {
            return DEFAULT_VERSION;
        }
        try {
            return SpecVersionDetector.detectOptionalVersion(root, true).orElse(DEFAULT_VERSION);
        } catch (JsonSchemaException e) {
            throw new IllegalArgumentException(
                    "JSON Schema names an unsupported $schema "
                            + root.get("$schema")
                            + ". Use one of "
                            + Arrays.stream(VersionFlag.values())
                                    .map(VersionFlag::getId)
                                    .collect(Collectors.joining(", "))
                            + ", or leave $schema out for draft 2020-12.",
                    e);
        }
    }

    private static void checkAgainstMetaSchema(
            JsonSchemaFactory factory,
            SchemaValidatorsConfig config,
            VersionFlag version,
            JsonNode root) {
        JsonSchema metaSchema = factory.getSchema(SchemaLocation.of(version.getId()), config);
        Set<ValidationMessage> problems = metaSchema.validate(root);
        if (!problems.isEmpty()) {
            throw new IllegalArgumentException(
                    "JSON Schema is not a valid "
                            + version.getId()
                            + " schema: "
                            + problems.stream()
                                    .map(JsonSchemaCheck::describeProblem)
                                    .collect(Collectors.joining("; "))
                            + ". Fix the keywords at these locations of the schema.");
        }
    }

    private static String describeProblem(ValidationMessage problem) {
        String location = problem.getInstanceLocation().toString();
        return (location.isEmpty() ? "(root)" : location) + " " + problem.getError();
    }

    private static Map<String, FieldSpec> fieldSpecs(JsonNode root) {
        Set<String> required = new LinkedHashSet<>();
        root.path("required").forEach(name -> required.add(name.asText()));
        Map<String, FieldSpec> specs = new LinkedHashMap<>();
        for (Map.Entry<String, JsonNode> property : root.path("properties").properties()) {
            String name = property.getKey();
            specs.put(name, fieldSpec(name, property.getValue(), required.contains(name)));
        }
        for (String name : required) {
            specs.putIfAbsent(name, new FieldSpec(name, ExpectedType.ANY, true, true, List.of()));
        }
        return Collections.unmodifiableMap(specs);
    }

    private static FieldSpec fieldSpec(String name, JsonNode property, boolean required) {
        List<JsonNode> branches = branches(property);
        Set<String> types = new LinkedHashSet<>();
        boolean typed = !branches.isEmpty();
        for (JsonNode branch : branches) {
            JsonNode type = branch.get("type");
            if (type == null) {
                typed = false;
            } else if (type.isArray()) {
                type.forEach(t -> types.add(t.asText()));
            } else {
                types.add(type.asText());
            }
        }
        List<JsonNode> allowed = allowedValues(property);
        List<String> symbols = new ArrayList<>();
        boolean enumAllowsNull = false;
        if (allowed != null) {
            for (JsonNode symbol : allowed) {
                if (symbol.isNull()) {
                    enumAllowsNull = true;
                } else {
                    symbols.add(symbol.isTextual() ? symbol.textValue() : symbol.toString());
                }
            }
        }
        boolean nullable;
        if (typed) {
            nullable = types.contains("null") && (allowed == null || enumAllowsNull);
        } else if (allowed != null) {
            nullable = enumAllowsNull;
        } else {
            nullable = property.isBoolean() ? property.booleanValue() : property.isEmpty();
        }
        Set<String> nonNullTypes = new LinkedHashSet<>(types);
        nonNullTypes.remove("null");
        ExpectedType type =
                typed ? expectedType(nonNullTypes, format(branches)) : symbolType(allowed, symbols);
        return new FieldSpec(name, type, required, nullable, symbols);
    }

    /** The schemas of a property: itself, or the branches of its anyOf/oneOf if it has no type. */
    private static List<JsonNode> branches(JsonNode property) {
        if (!property.isObject()) {
            return List.of();
        }
        if (property.has("type")) {
            return List.of(property);
        }
        for (String keyword : List.of("anyOf", "oneOf")) {
            if (property.path(keyword).isArray() && !property.path(keyword).isEmpty()) {
                List<JsonNode> branches = new ArrayList<>();
                property.get(keyword).forEach(branches::add);
                return branches;
            }
        }
        return List.of();
    }

    private static List<JsonNode> allowedValues(JsonNode property) {
        if (property.path("enum").isArray()) {
            List<JsonNode> values = new ArrayList<>();
            property.get("enum").forEach(values::add);
            return values;
        }
        return property.has("const") ? List.of(property.get("const")) : null;
    }

    private static String format(List<JsonNode> branches) {
        for (JsonNode branch : branches) {
            if (branch.path("format").isTextual()) {
                return branch.get("format").textValue();
            }
        }
        return null;
    }

    private static ExpectedType expectedType(Set<String> types, String format) {
        if (types.size() == 2 && types.containsAll(List.of("integer", "number"))) {
            return ExpectedType.NUMBER;
        }
        if (types.size() != 1) {
            return ExpectedType.ANY;
        }
        return switch (types.iterator().next()) {
            case "string" ->
                    switch (format == null ? "" : format) {
                        case "date" -> ExpectedType.DATE;
                        case "date-time" -> ExpectedType.DATE_TIME;
                        default -> ExpectedType.STRING;
                    };
            case "integer" -> ExpectedType.INTEGER;
            case "number" -> ExpectedType.NUMBER;
            case "boolean" -> ExpectedType.BOOLEAN;
            default -> ExpectedType.ANY;
        };
    }

    private static ExpectedType symbolType(List<JsonNode> allowed, List<String> symbols) {
        boolean allText =
                allowed != null
                        && !symbols.isEmpty()
                        && allowed.stream().allMatch(v -> v.isTextual() || v.isNull());
        return allText ? ExpectedType.STRING : ExpectedType.ANY;
    }

    private static boolean isFalse(JsonNode node) {
        return node != null && node.isBoolean() && !node.booleanValue();
    }
}
