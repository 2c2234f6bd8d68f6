package io.syncline.operators.validate.correct;

import io.syncline.operators.validate.FieldSpec;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * What the transformative level corrects in the changes of one entity type. {@link Corrector}
 * checks the settings when it is built.
 *
 * @param fields the fields the entity's schema describes, by name, in schema order; may be empty
 * @param defaults the default value, as text, of a field that is missing or null
 * @param formats the standard format of a text field
 * @param defaultRegion the ISO 3166-1 alpha-2 region whose calling code a phone number without one
 *     gets, e.g. {@code US}; {@code null} to leave such numbers as they are
 */
public record CorrectionSettings(
        Map<String, FieldSpec> fields,
        Map<String, String> defaults,
        Map<String, FieldFormat> formats,
        String defaultRegion) {

    public CorrectionSettings {
        fields = orderedCopy(fields, "fields");
        defaults = orderedCopy(defaults, "defaults");
        formats = orderedCopy(formats, "formats");
    }

    private static <V> Map<String, V> orderedCopy(Map<String, V> map, String setting) {
        Objects.requireNonNull(map, () -> "correction setting '" + setting + "' is missing");
        return Collections.unmodifiableMap(new LinkedHashMap<>(map));
    }
}
