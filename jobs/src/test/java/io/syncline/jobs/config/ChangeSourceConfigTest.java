package io.syncline.jobs.config;

import static io.syncline.jobs.config.ConfigFiles.problem;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.entry;

import io.syncline.operators.decode.debezium.SchemaRegistrySettings;
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
    void aSourceIsNamedByItsPlaceInTheFileWhateverItsType() {
        SynclineConfig config =
                load(
                        """
                          - id: erp
                            type: debezium-kafka
                            topics: [erp.public.orders]
                            tables:
                              - {table: public.orders, entityType: order, tenant: acme}
                        """
                                + POSTGRES_SOURCE);

        assertThat(config.sourcePath("erp")).isEqualTo("sources[0]");
        assertThat(config.sourcePath("crm"))
                .as("the first Postgres source, second in the file")
                .isEqualTo("sources[1]");
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
        assertThat(problem(e, "sources[1].format"))
                .isEqualTo("'protobuf' is not one of json, avro");
        assertThat(problem(e, "sources[1].topics")).contains("at least one topic is required");
        assertThat(problem(e, "sources[1].tables[0].entityType"))
                .contains("is not a valid entity type");
        assertThat(problem(e, "sources[1].tables[0].columns"))
                .contains("column 'id' has type 'bigint; drop table x', which is not a Postgres");
        assertThat(problem(e, "sources[1].hostname")).contains("unknown");
    }

    @Test
    void anAvroDebeziumSourceNamesItsSchemaRegistry() {
        SynclineConfig config =
                load(
                        """
                          - id: erp
                            type: debezium-kafka
                            format: avro
                            schemaRegistry:
                              url: https://registry.internal:8081/
                              username: syncline
                              password: s3cret
                            topics: [erp.public.customers]
                            tables:
                              - table: public.customers
                                entityType: customer
                                tenantColumn: tenant_id
                                columns: {id: bigint, tenant_id: text}
                        """);

        DebeziumKafkaSourceConfig erp = (DebeziumKafkaSourceConfig) config.changeSources().get(0);
        assertThat(erp.format()).isEqualTo("avro");
        assertThat(erp.schemaRegistry())
                .isEqualTo(
                        new SchemaRegistrySettings(
                                "https://registry.internal:8081", "syncline", "s3cret"));
        assertThat(erp.schemaRegistry().toString()).doesNotContain("s3cret");
    }

    @Test
    void theSchemaRegistryGoesWithAvroOnly() {
        ConfigException e =
                failure(
                        """
                          - id: json
                            type: debezium-kafka
                            schemaRegistry: {url: http://registry:8081}
                            topics: [a.public.customers]
                            tables: [{table: public.customers, entityType: customer, tenant: acme}]
                          - id: bare
                            type: debezium-kafka
                            format: avro
                            topics: [b.public.customers]
                            tables: [{table: public.customers, entityType: customer, tenant: acme}]
                          - id: wrong
                            type: debezium-kafka
                            format: avro
                            schemaRegistry: {url: "registry:8081", user: syncline}
                            topics: [c.public.customers]
                            tables: [{table: public.customers, entityType: customer, tenant: acme}]
                          - id: nouser
                            type: debezium-kafka
                            format: avro
                            schemaRegistry: {url: "http://registry:8081", password: s3cret}
                            topics: [d.public.customers]
                            tables: [{table: public.customers, entityType: customer, tenant: acme}]
                        """);

        assertThat(problem(e, "sources[0].schemaRegistry"))
                .isEqualTo(
                        "is only used with format: avro; remove it, or set format: avro if the"
                                + " connector writes with io.confluent.connect.avro.AvroConverter");
        assertThat(problem(e, "sources[1].schemaRegistry"))
                .isEqualTo(
                        "is required with format: avro, where messages name their schema by its"
                                + " id in the registry; e.g. {url: http://schema-registry:8081}");
        assertThat(problem(e, "sources[2].schemaRegistry.url"))
                .isEqualTo(
                        "'registry:8081' is not an http or https URL; write the registry's base"
                                + " URL, e.g. http://schema-registry:8081");
        assertThat(problem(e, "sources[2].schemaRegistry.user"))
                .isEqualTo(
                        "unknown key 'user'; did you mean 'username'? Known keys: url, username,"
                                + " password");
        assertThat(problem(e, "sources[3].schemaRegistry.password"))
                .isEqualTo("needs a username too: the registry signs in with both");
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
        return ConfigFiles.load(directory, "sources:\n" + sources + ConfigFiles.SINKS);
    }

    private ConfigException failure(String sources) {
        return ConfigFiles.failure(directory, "sources:\n" + sources + ConfigFiles.SINKS);
    }
}
