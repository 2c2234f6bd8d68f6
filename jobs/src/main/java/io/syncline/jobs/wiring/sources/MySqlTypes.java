package io.syncline.jobs.wiring.sources;

import java.util.Locale;

/**
 * The PostgreSQL type a MySQL or MariaDB column becomes in the target table: one that holds every
 * value the column can hold, in the form the MySQL connector (Debezium 1.9, {@code
 * decimal.handling.mode=precise}, {@code bigint.unsigned.handling.mode=precise}, adaptive time
 * precision) delivers it.
 */
final class MySqlTypes {

    private MySqlTypes() {}

    /**
     * The target type of a column, or {@code null} when Syncline cannot replicate the column's type
     * (spatial types, MariaDB's {@code uuid}/{@code inet4}/{@code inet6}).
     *
     * @param dataType {@code information_schema.COLUMNS.DATA_TYPE}, e.g. {@code int}
     * @param columnType {@code COLUMN_TYPE}, e.g. {@code int(10) unsigned} or {@code bit(1)}
     * @param precision {@code NUMERIC_PRECISION} (decimals), {@code null} otherwise
     * @param scale {@code NUMERIC_SCALE} (decimals), {@code null} otherwise
     * @param fractionDigits {@code DATETIME_PRECISION} (time types), {@code null} otherwise
     */
    static String postgresType(
            String dataType, String columnType, Long precision, Long scale, Long fractionDigits) {
        String type = dataType.toLowerCase(Locale.ROOT);
        boolean unsigned = columnType.toLowerCase(Locale.ROOT).contains("unsigned");
        int fraction = fractionDigits == null ? 0 : fractionDigits.intValue();
        return switch (type) {
                // The connector delivers tinyint (also tinyint(1), i.e. boolean) as a 16-bit int.
            case "tinyint" -> "smallint";
            case "smallint" -> unsigned ? "integer" : "smallint";
            case "mediumint" -> "integer";
            case "int", "integer" -> unsigned ? "bigint" : "integer";
            case "bigint" -> unsigned ? "numeric(20,0)" : "bigint";
            case "decimal", "numeric", "fixed" -> "numeric(" + precision + "," + scale + ")";
            case "float" -> "real";
            case "double", "double precision", "real" -> "double precision";
            case "bit" -> columnType.equalsIgnoreCase("bit(1)") ? "boolean" : "bytea";
            case "char", "varchar", "tinytext", "text", "mediumtext", "longtext", "enum", "set" ->
                    "text";
            case "json" -> "jsonb";
            case "binary", "varbinary", "tinyblob", "blob", "mediumblob", "longblob" -> "bytea";
            case "date" -> "date";
            case "datetime" -> "timestamp(" + fraction + ") without time zone";
                // A TIMESTAMP is an instant: the connector sends it in UTC.
            case "timestamp" -> "timestamp(" + fraction + ") with time zone";
            case "time" -> "time(" + fraction + ") without time zone";
            case "year" -> "integer";
            default -> null;
        };
    }
}
