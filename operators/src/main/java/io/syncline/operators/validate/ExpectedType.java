package io.syncline.operators.validate;

/** The type a schema expects of a field, as far as corrections need to know it. */
public enum ExpectedType {
    BOOLEAN,
    INTEGER,
    NUMBER,
    STRING,
    /** ISO-8601 date, {@code 2024-01-31}. */
    DATE,
    /** ISO-8601 date and time. */
    DATE_TIME,
    /** Anything, or a type corrections do not convert to. */
    ANY
}
