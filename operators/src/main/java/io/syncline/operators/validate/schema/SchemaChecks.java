package io.syncline.operators.validate.schema;

import io.syncline.operators.validate.SchemaCheck;

/** Compiles the schema texts of a rule set into {@link SchemaCheck}s. */
public final class SchemaChecks {

    private SchemaChecks() {}

    /**
     * A JSON Schema check (draft 2020-12 unless the text's {@code $schema} names another draft).
     *
     * @throws IllegalArgumentException if the text is not JSON or not a valid schema
     */
    public static JsonSchemaCheck jsonSchema(String text) {
        return new JsonSchemaCheck(text);
    }

    /**
     * An Avro check from the JSON text of a record schema.
     *
     * @throws IllegalArgumentException if the text is not a valid Avro record schema
     */
    public static AvroSchemaCheck avro(String text) {
        return new AvroSchemaCheck(text);
    }

    /**
     * An XSD check of the XML document in {@code field}.
     *
     * @throws IllegalArgumentException if the text is not a valid, self-contained XSD
     */
    public static XsdCheck xsd(String text, String field) {
        return new XsdCheck(text, field);
    }
}
