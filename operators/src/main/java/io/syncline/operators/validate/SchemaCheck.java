package io.syncline.operators.validate;

import io.syncline.schema.FieldValue;
import java.util.List;
import java.util.Map;

/**
 * A compiled schema of one entity type (JSON Schema, Avro or XSD) that checks a row image. Plain
 * Java, built once per rule set; implementations are thread-confined and need not be serializable.
 */
public interface SchemaCheck {

    /** Every violation of {@code image} (the change's after image), empty if it is valid. */
    List<Violation> check(Map<String, FieldValue> image);

    /**
     * The fields the schema describes, by name, in schema order (an XSD describes just the field
     * holding the XML document).
     */
    Map<String, FieldSpec> fields();

    /** Whether the schema allows fields it does not describe. */
    boolean allowsUnknownFields();
}
