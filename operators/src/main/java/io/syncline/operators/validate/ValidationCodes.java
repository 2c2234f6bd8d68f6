package io.syncline.operators.validate;

/** Stable error codes of validation, on {@link io.syncline.schema.ErrorRecord}s. */
public final class ValidationCodes {
    /** A required field is missing or null. */
    public static final String SCHEMA_REQUIRED = "SCHEMA_REQUIRED";

    /** A value has the wrong type (e.g. text where a number is expected). */
    public static final String SCHEMA_TYPE_MISMATCH = "SCHEMA_TYPE_MISMATCH";

    /** A value is not one of the schema's enumeration symbols. */
    public static final String SCHEMA_ENUM = "SCHEMA_ENUM";

    /** A value breaks the schema's format (email, date, ...) or pattern. */
    public static final String SCHEMA_FORMAT = "SCHEMA_FORMAT";

    /** A value is outside the schema's minimum/maximum or length bounds. */
    public static final String SCHEMA_RANGE = "SCHEMA_RANGE";

    /** The change has a field the schema does not allow. */
    public static final String SCHEMA_UNKNOWN_FIELD = "SCHEMA_UNKNOWN_FIELD";

    /** An XML field does not conform to its XSD, or is not well-formed XML. */
    public static final String SCHEMA_XML_INVALID = "SCHEMA_XML_INVALID";

    /** Any other schema violation. */
    public static final String SCHEMA_VIOLATION = "SCHEMA_VIOLATION";

    /** A value is outside a range rule. */
    public static final String RULE_RANGE = "RULE_RANGE";

    /** A value is not one of a rule's allowed values. */
    public static final String RULE_ALLOWED_VALUES = "RULE_ALLOWED_VALUES";

    /** A value does not match a rule's regular expression. */
    public static final String RULE_PATTERN = "RULE_PATTERN";

    /** A field a rule requires is missing. */
    public static final String RULE_REQUIRED = "RULE_REQUIRED";

    /** A field required by a condition on another field is missing. */
    public static final String RULE_REQUIRED_IF = "RULE_REQUIRED_IF";

    /** A referenced parent does not exist for the tenant (after waiting for it). */
    public static final String RI_MISSING_PARENT = "RI_MISSING_PARENT";

    /** A parent was deleted while children still refer to it. */
    public static final String RI_PARENT_HAS_CHILDREN = "RI_PARENT_HAS_CHILDREN";

    /** A rule set published on the control topic was rejected; the one in force stays. */
    public static final String RULE_SET_INVALID = "RULE_SET_INVALID";

    private ValidationCodes() {}
}
