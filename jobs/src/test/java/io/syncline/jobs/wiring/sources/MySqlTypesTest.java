package io.syncline.jobs.wiring.sources;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class MySqlTypesTest {

    @Test
    void integersKeepEveryValueOfTheirSignedness() {
        assertThat(type("tinyint", "tinyint(1)")).isEqualTo("smallint");
        assertThat(type("tinyint", "tinyint(3) unsigned")).isEqualTo("smallint");
        assertThat(type("smallint", "smallint(5) unsigned")).isEqualTo("integer");
        assertThat(type("mediumint", "mediumint(8) unsigned")).isEqualTo("integer");
        assertThat(type("int", "int(11)")).isEqualTo("integer");
        assertThat(type("int", "int(10) unsigned")).isEqualTo("bigint");
        assertThat(type("bigint", "bigint(20)")).isEqualTo("bigint");
        assertThat(type("bigint", "bigint(20) unsigned")).isEqualTo("numeric(20,0)");
    }

    @Test
    void decimalsAndTimesKeepTheirPrecision() {
        assertThat(MySqlTypes.postgresType("decimal", "decimal(12,2)", 12L, 2L, null))
                .isEqualTo("numeric(12,2)");
        assertThat(MySqlTypes.postgresType("datetime", "datetime(3)", null, null, 3L))
                .isEqualTo("timestamp(3) without time zone");
        assertThat(MySqlTypes.postgresType("timestamp", "timestamp", null, null, 0L))
                .isEqualTo("timestamp(0) with time zone");
        assertThat(MySqlTypes.postgresType("time", "time(6)", null, null, 6L))
                .isEqualTo("time(6) without time zone");
    }

    @Test
    void textBinaryAndOtherTypes() {
        assertThat(type("varchar", "varchar(20)")).isEqualTo("text");
        assertThat(type("enum", "enum('a','b')")).isEqualTo("text");
        assertThat(type("longtext", "longtext")).isEqualTo("text");
        assertThat(type("json", "json")).isEqualTo("jsonb");
        assertThat(type("varbinary", "varbinary(16)")).isEqualTo("bytea");
        assertThat(type("bit", "bit(1)")).isEqualTo("boolean");
        assertThat(type("bit", "bit(8)")).isEqualTo("bytea");
        assertThat(type("float", "float")).isEqualTo("real");
        assertThat(type("double", "double")).isEqualTo("double precision");
        assertThat(type("date", "date")).isEqualTo("date");
        assertThat(type("year", "year(4)")).isEqualTo("integer");
    }

    @Test
    void typesTheConnectorCannotDeliverHaveNone() {
        assertThat(type("geometry", "geometry")).isNull();
        assertThat(type("uuid", "uuid")).isNull();
        assertThat(type("inet6", "inet6")).isNull();
    }

    private static String type(String dataType, String columnType) {
        return MySqlTypes.postgresType(dataType, columnType, null, null, null);
    }
}
