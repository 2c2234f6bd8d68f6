package io.syncline.operators.validate.correct;

import io.syncline.operators.validate.ExpectedType;
import io.syncline.operators.validate.FieldSpec;
import io.syncline.operators.validate.FieldValues;
import io.syncline.schema.FieldKind;
import io.syncline.schema.FieldValue;
import io.syncline.schema.Remediation;
import io.syncline.schema.RemediationAction;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * The corrections of the transformative validation level: defaults, trimming, lossless type
 * conversions, enumeration case and standard formats, each recorded as a {@link Remediation}. A
 * value it cannot correct without loss is left for validation to reject; stateless and safe to
 * share.
 */
public final class Corrector {

    private final Map<String, FieldSpec> fields;
    private final Map<String, FieldFormat> formats;
    private final PhoneNumbers phoneNumbers;

    /** Each defaulted field's value, already converted and standardized, in schema order. */
    private final Map<String, FieldValue> defaults;

    /**
     * @throws IllegalArgumentException if a default cannot be converted to its field's type or is
     *     not one of its symbols, a format is set on a field that is not text, or the default
     *     region has no known calling code
     */
    public Corrector(CorrectionSettings settings) {
        this.fields = settings.fields();
        this.formats = settings.formats();
        this.phoneNumbers = new PhoneNumbers(settings.defaultRegion());
        settings.fields().forEach(Corrector::checkField);
        settings.formats().forEach(this::checkFormat);
        this.defaults = defaults(settings.defaults());
    }

    /**
     * {@code image} corrected; the map given is not changed. Fields keep their order and defaulted
     * fields that were missing follow them.
     */
    public Corrected correct(Map<String, FieldValue> image) {
        Map<String, FieldValue> corrected = new LinkedHashMap<>();
        List<Remediation> remediations = new ArrayList<>();
        image.forEach((field, value) -> corrected.put(field, correct(field, value, remediations)));
        defaults.forEach(
                (field, fallback) -> {
                    if (!image.containsKey(field)) {
                        FieldValue value = copy(fallback);
                        corrected.put(field, value);
                        remediations.add(
                                remediation(
                                        field,
                                        RemediationAction.DEFAULTED,
                                        null,
                                        value,
                                        "defaulted missing value"));
                    }
                });
        return new Corrected(corrected, remediations);
    }

    private FieldValue correct(String field, FieldValue value, List<Remediation> remediations) {
        if (FieldValues.isNull(value)) {
            FieldValue fallback = defaults.get(field);
            if (fallback == null) {
                return value;
            }
            FieldValue defaulted = copy(fallback);
            remediations.add(
                    remediation(
                            field,
                            RemediationAction.DEFAULTED,
                            value,
                            defaulted,
                            "defaulted null value"));
            return defaulted;
        }
        FieldValue current = value;
        Optional<FieldValue> trimmed = trim(current);
        if (trimmed.isPresent()) {
            remediations.add(
                    remediation(
                            field,
                            RemediationAction.TRIMMED,
                            current,
                            trimmed.get(),
                            "trimmed surrounding white space"));
            current = trimmed.get();
        }
        FieldSpec spec = fields.get(field);
        Optional<FieldValue> converted =
                spec == null ? Optional.empty() : Conversions.convert(current, spec.type());
        if (converted.isPresent()) {
            remediations.add(
                    remediation(
                            field,
                            RemediationAction.CONVERTED,
                            current,
                            converted.get(),
                            "converted "
                                    + Conversions.describe(current.getKind())
                                    + " to "
                                    + Conversions.describe(spec.type())));
            current = converted.get();
        }
        Standardized standardized = standardize(field, current);
        if (!standardized.reasons().isEmpty()) {
            remediations.add(
                    remediation(
                            field,
                            RemediationAction.STANDARDIZED,
                            current,
                            standardized.value(),
                            String.join("; ", standardized.reasons())));
            current = standardized.value();
        }
        return current;
    }

    private static Optional<FieldValue> trim(FieldValue value) {
        if (value.getKind() != FieldKind.STRING) {
            return Optional.empty();
        }
        String text = value.getValue().toString();
        String stripped = text.strip();
        return stripped.equals(text) ? Optional.empty() : Optional.of(FieldValues.string(stripped));
    }

    /**
     * The value with its enumeration symbol's case and its field's format, and why it changed; no
     * reasons if it did not.
     */
    private Standardized standardize(String field, FieldValue value) {
        if (value.getKind() != FieldKind.STRING) {
            return new Standardized(value, List.of());
        }
        String text = value.getValue().toString();
        List<String> reasons = new ArrayList<>(2);
        FieldSpec spec = fields.get(field);
        if (spec != null) {
            Optional<String> symbol = symbol(spec.symbols(), text);
            if (symbol.isPresent() && !symbol.get().equals(text)) {
                text = symbol.get();
                reasons.add("standardized case to enumeration symbol");
            }
        }
        FieldFormat format = formats.get(field);
        if (format != null) {
            Optional<String> formatted = format(format, text);
            if (formatted.isPresent() && !formatted.get().equals(text)) {
                text = formatted.get();
                reasons.add(
                        switch (format) {
                            case PHONE -> "standardized phone to E.164";
                            case EMAIL -> "standardized email to lower case";
                            case COUNTRY -> "standardized country to ISO 3166-1 alpha-2";
                        });
            }
        }
        return text.equals(value.getValue().toString())
                ? new Standardized(value, List.of())
                : new Standardized(FieldValues.string(text), reasons);
    }

    /** The one symbol that equals {@code text} ignoring case; empty if none or several do. */
    private static Optional<String> symbol(List<String> symbols, String text) {
        if (symbols.contains(text)) {
            return Optional.of(text);
        }
        List<String> matches =
                symbols.stream().filter(symbol -> symbol.equalsIgnoreCase(text)).toList();
        return matches.size() == 1 ? Optional.of(matches.get(0)) : Optional.empty();
    }

    private Optional<String> format(FieldFormat format, String text) {
        return switch (format) {
            case PHONE -> phoneNumbers.e164(text);
            case EMAIL ->
                    text.indexOf('@') >= 0 && text.indexOf('@') == text.lastIndexOf('@')
                            ? Optional.of(text.toLowerCase(Locale.ROOT))
                            : Optional.empty();
            case COUNTRY -> Countries.alpha2(text);
        };
    }

    private ExpectedType expectedType(String field) {
        FieldSpec spec = fields.get(field);
        return spec == null ? ExpectedType.STRING : spec.type();
    }

    private static void checkField(String field, FieldSpec spec) {
        if (field == null || spec == null || spec.type() == null) {
            throw new IllegalArgumentException(
                    "field '" + field + "' has no schema type; every field needs one");
        }
    }

    private void checkFormat(String field, FieldFormat format) {
        if (field == null || format == null) {
            throw new IllegalArgumentException(
                    "format of field '"
                            + field
                            + "' is '"
                            + format
                            + "'; name a field and one of phone, email, country");
        }
        ExpectedType type = expectedType(field);
        if (type != ExpectedType.STRING && type != ExpectedType.ANY) {
            throw new IllegalArgumentException(
                    "format "
                            + format.name().toLowerCase(Locale.ROOT)
                            + " of field '"
                            + field
                            + "' needs a text field, but the schema types it "
                            + type
                            + "; remove the format or the field's type");
        }
    }

    /** Each default converted and standardized as a value of its field would be. */
    private Map<String, FieldValue> defaults(Map<String, String> texts) {
        Map<String, FieldValue> converted = new LinkedHashMap<>();
        fields.keySet().stream()
                .filter(texts::containsKey)
                .forEach(field -> converted.put(field, defaultValue(field, texts.get(field))));
        texts.forEach(
                (field, text) -> {
                    if (!converted.containsKey(field)) {
                        converted.put(field, defaultValue(field, text));
                    }
                });
        return converted;
    }

    private FieldValue defaultValue(String field, String text) {
        if (field == null || text == null) {
            throw new IllegalArgumentException(
                    "default of field '" + field + "' is " + text + "; give a field and a value");
        }
        ExpectedType type = expectedType(field);
        FieldValue value = FieldValues.string(text.strip());
        value = Conversions.convert(value, type).orElse(value);
        if (!Conversions.fits(value.getKind(), type)) {
            throw new IllegalArgumentException(
                    "default '"
                            + text
                            + "' of field '"
                            + field
                            + "' cannot be converted to "
                            + Conversions.describe(type));
        }
        value = standardize(field, value).value();
        FieldSpec spec = fields.get(field);
        if (spec != null
                && !spec.symbols().isEmpty()
                && value.getKind() == FieldKind.STRING
                && !spec.symbols().contains(value.getValue().toString())) {
            throw new IllegalArgumentException(
                    "default '"
                            + text
                            + "' of field '"
                            + field
                            + "' is not one of its symbols "
                            + spec.symbols());
        }
        return value;
    }

    private static FieldValue copy(FieldValue value) {
        return new FieldValue(value.getKind(), value.getValue());
    }

    private static Remediation remediation(
            String field, RemediationAction action, FieldValue from, FieldValue to, String reason) {
        return new Remediation(field, action, FieldValues.text(from), FieldValues.text(to), reason);
    }

    private record Standardized(FieldValue value, List<String> reasons) {}
}
