package io.syncline.operators.validate.correct;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/** A standard format the transformative level rewrites a text field to. */
public enum FieldFormat {
    /** E.164 phone number, e.g. {@code +14155552671}. */
    PHONE,
    /** E-mail address in lower case. */
    EMAIL,
    /** ISO 3166-1 alpha-2 country code in upper case, e.g. {@code GB}. */
    COUNTRY;

    /**
     * The format called {@code name} in a rule file: {@code phone}, {@code email} or {@code
     * country}, in any case.
     *
     * @throws IllegalArgumentException if {@code name} is none of them
     */
    public static FieldFormat parse(String name) {
        for (FieldFormat format : values()) {
            if (format.name().equalsIgnoreCase(name)) {
                return format;
            }
        }
        throw new IllegalArgumentException(
                "unknown field format '" + name + "'; allowed: " + allowedNames());
    }

    private static String allowedNames() {
        return Arrays.stream(values())
                .map(format -> format.name().toLowerCase(Locale.ROOT))
                .collect(Collectors.joining(", "));
    }
}
