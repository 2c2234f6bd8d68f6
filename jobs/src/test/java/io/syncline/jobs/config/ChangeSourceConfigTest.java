package io.syncline.jobs.config;

import static io.syncline.jobs.config.ConfigFiles.problem;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.entry;

import io.syncline.operators.sink.TargetColumn;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Sources of types other than {@code postgres}: how they bind beside Postgres ones, the {@code
 * tables:} and {@code columns:} they share, and the checks across all sources.
 */
class ChangeSourceConfigTest {

    private static final String POSTGRES_SOURCE =
            """
              - id: crm
                hostname: db.internal
                database: crm
                username: syncline
                tables:
                  - table: public.customers
                    entityType: customer
                    tenantColumn: tenant_id
            """;

    private static final String SINKS =
            """
            sinks:
              kafka:
                bootstrapServers: kafka:9092
              target:
                url: jdbc:postgresql://localhost:5432/warehouse
                username: syncline
            """;

    @TempDir Path directory;

    @Test
    void aDebeziumTopicSourceBindsBesideAPostgresSource() {
        SynclineConfig config =
                load(
                        POSTGRES_SOURCE
                                + """
                                  - id: erp
                                    type: debezium-kafka
                                    priority: 3
                                    topics: [erp.public.orders, erp.public.customers]
                                    startingOffsets: latest
                                    properties: {max.poll.records: "200"}
                                    tables:
                                      - table: public.orders
                                        entityType: order
                                        primaryKey: [id]
                                        tenant: acme
                                        columns: {id: bigint, total: "numeric(12,2)", note: text}
                                      - table: public.customers
                                        entityType: customer
                                        tenantColumn: tenant_id
                                """);

        assertThat(config.sources()).extracting(SourceConfig::id).containsExactly("crm");
        assertThat(config.changeSources()).hasSize(1);
        DebeziumKafkaSourceConfig erp = (DebeziumKafkaSourceConfig) config.changeSources().get(0);
        assertThat(erp.id()).isEqualTo("erp");
        assertThat(erp.type()).isEqualTo("debezium-kafka");
        assertThat(erp.priority()).isEqualTo(3);
        assertThat(erp.bootstrapServers()).as("the sinks' cluster").isNull();
        assertThat(erp.topics()).containsExactly("erp.public.orders", "erp.public.customers");
        assertThat(erp.groupId()).isEqualTo("syncline-erp");
        assertThat(erp.startingOffsets()).isEqualTo("latest");
        assertThat(erp.format()).isEqualTo("json");
        assertThat(erp.properties()).containsExactly(entry("max.poll.records", "200"));
        assertThat(erp.tables())
                .containsExactly(
                        new TableMapping(
                                "public.orders", "order", List.of("id"), null, "acme", "orders"),
                        new TableMapping(
                                "public.customers",
                                "customer",
                                List.of(),
                                "tenant_id",
                                null,
                                "customers"));
        assertThat(erp.declaredColumns())
                .containsOnlyKeys("order")
                .containsEntry(
                        "order",
                        List.of(
                                new TargetColumn("id", "bigint"),
                                new TargetColumn("total", "numeric(12,2)"),
                                new TargetColumn("note", "text")));
    }

    @Test
    void problemsOfAnotherTypeAreNamedWithTheirPath() {
        ConfigException e =
                failure(
                        POSTGRES_SOURCE
                                + """
                                  - id: crm
                                    type: debezium-kafka
                                    startingOffsets: newest
                                    format: protobuf
                                    topics: []
                                    tables:
                                      - table: public.orders
                                        entityType: Order
                                        tenant: acme
                                        columns: {id: "bigint; drop table x"}
                                    hostname: db
                                """);

        assertThat(problem(e, "sources[1].id")).contains("source id 'crm' is already used");
        assertThat(problem(e, "sources[1].startingOffsets"))
                .isEqualTo("'newest' is not one of earliest, latest");
        assertThat(problem(e, "sources[1].format")).isEqualTo("'protobuf' is not one of json");
        assertThat(problem(e, "sources[1].topics")).contains("at least one topic is required");
        assertThat(problem(e, "sources[1].tables[0].entityType"))
                .contains("is not a valid entity type");
        assertThat(problem(e, "sources[1].tables[0].columns"))
                .contains("column 'id' has type 'bigint; drop table x', which is not a Postgres");
        assertThat(problem(e, "sources[1].hostname")).contains("unknown");
    }

    @Test
    void anEntityTypeOfTwoSourceTypesGoesToOneTargetTable() {
        ConfigException e =
                failure(
                        POSTGRES_SOURCE
                                + """
                                  - id: erp
                                    type: debezium-kafka
                                    topics: [erp.public.customers]
                                    tables:
                                      - table: public.customers
                                        entityType: customer
                                        tenantColumn: tenant_id
                                        targetTable: clients
                                """);

        assertThat(problem(e, "sources[1].tables[0].targetTable"))
                .contains("entity type 'customer' goes to target table 'customers'");
    }

    private SynclineConfig load(String sources) {
        return ConfigFiles.load(directory, "sources:\n" + sources + SINKS);
    }

    private ConfigException failure(String sources) {
        return ConfigFiles.failure(directory, "sources:\n" + sources + SINKS);
    }
}
