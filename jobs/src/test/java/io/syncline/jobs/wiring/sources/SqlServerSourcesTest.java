package io.syncline.jobs.wiring.sources;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.entry;

import io.syncline.jobs.config.SqlServerSourceConfig;
import io.syncline.jobs.config.TableMapping;
import io.syncline.operators.decode.CdcChangeDeserializer;
import io.syncline.operators.decode.SourceRecordDecoder;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class SqlServerSourcesTest {

    private static final SqlServerSourceConfig ERP =
            new SqlServerSourceConfig(
                    "erp",
                    0,
                    "mssql.internal",
                    1433,
                    "erp",
                    "cdc",
                    "secret",
                    "initial",
                    List.of(
                            new TableMapping(
                                    "dbo.orders",
                                    "order",
                                    List.of("id"),
                                    "tenant_id",
                                    null,
                                    "orders"),
                            new TableMapping(
                                    "sales.customers",
                                    "customer",
                                    List.of("id"),
                                    null,
                                    "acme",
                                    "customers")));

    @Test
    void tablesAreNamedBySchemaAndDecimalsAreExact() {
        assertThat(SqlServerSources.tableList(ERP))
                .containsExactly("dbo.orders", "sales.customers");
        assertThat(SqlServerSources.debeziumProperties())
                .containsOnly(
                        entry("decimal.handling.mode", "precise"),
                        entry("tombstones.on.delete", "false"));
    }

    @Test
    void buildingTheSourceFailsNamingTheConnectorMismatch() {
        CdcChangeDeserializer deserializer =
                new CdcChangeDeserializer(
                        new SourceRecordDecoder("erp", List.of(), Set.of(), 0L, Instant.EPOCH),
                        Clock.systemUTC());

        assertThatThrownBy(() -> SqlServerSources.build(ERP, deserializer))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageStartingWith(
                        "source 'erp' (type sqlserver) cannot run with this build: the SQL Server"
                                + " connector on the class path was built for another Flink CDC"
                                + " release than flink-cdc-base (java.lang.NoSuchMethodError:")
                .hasMessageContaining("JdbcSourceConfig")
                .hasCauseInstanceOf(NoSuchMethodError.class);
    }
}
