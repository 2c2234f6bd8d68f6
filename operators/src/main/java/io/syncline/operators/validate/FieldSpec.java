package io.syncline.operators.validate;

import java.util.List;

/**
 * What a schema says about one field: enough for lenient nulling and transformative corrections.
 *
 * @param type the expected type
 * @param required the field must be present (and not null)
 * @param nullable null is a valid value
 * @param symbols the allowed values of an enumeration, empty if any value of the type is allowed
 */
public record FieldSpec(
        String name, ExpectedType type, boolean required, boolean nullable, List<String> symbols) {

    public FieldSpec {
        symbols = List.copyOf(symbols);
    }
}
