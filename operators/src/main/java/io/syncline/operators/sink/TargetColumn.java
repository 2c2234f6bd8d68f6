package io.syncline.operators.sink;

import java.io.Serializable;

/**
 * A column of a target table.
 *
 * @param name column name
 * @param sqlType its PostgreSQL type as {@code format_type()} prints it, e.g. {@code numeric(12,2)}
 */
public record TargetColumn(String name, String sqlType) implements Serializable {}
