package io.syncline.operators.sink;

/** Quotes PostgreSQL identifiers, so names with capitals, spaces or quotes work as written. */
public final class SqlIdentifiers {

    private SqlIdentifiers() {}

    /** {@code name} as a quoted identifier. */
    public static String quote(String name) {
        return '"' + name.replace("\"", "\"\"") + '"';
    }

    /** {@code schema.table} with both parts quoted. */
    public static String qualified(String schema, String table) {
        return quote(schema) + "." + quote(table);
    }
}
