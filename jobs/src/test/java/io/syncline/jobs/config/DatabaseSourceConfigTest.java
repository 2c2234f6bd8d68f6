package io.syncline.jobs.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Sources of types {@code mysql}, {@code mariadb} and {@code sqlserver}, and the Postgres source's
 * snapshot settings: binding and checks.
 */
class DatabaseSourceConfigTest {

    @TempDir Path directory;

    @Test
    void aMySqlSourceBindsWithItsDefaults() {
        SynclineConfig config =
                load(
                        """
                          - id: shop
                            type: mysql
                            hostname: mysql.internal
                            database: shop
                            username: cdc
                            tables:
                              - table: shop.orders
                                entityType: order
                                tenantColumn: tenant_id
                        """);

        assertThat(config.sources()).isEmpty();
        assertThat(config.changeSources())
                .containsExactly(
                        new MySqlSourceConfig(
                                "shop",
                                "mysql",
                                0,
                                "mysql.internal",
                                3306,
                                "shop",
                                "cdc",
                                "",
                                null,
                                "UTC",
                                "initial",
                                List.of(
                                        new TableMapping(
                                                "shop.orders",
                                                "order",
                                                List.of(),
                                                "tenant_id",
                                                null,
                                                "orders")),
                                SourceConfig.DEFAULT_SNAPSHOT_CHUNK_SIZE));
    }

    @Test
    void aMariaDbSourceTakesEveryKey() {
        SynclineConfig config =
                load(
                        """
                          - id: shop
                            type: mariadb
                            hostname: mariadb.internal
                            port: 3307
                            database: shop
                            username: cdc
                            password: secret
                            serverId: 5400-5404
                            serverTimeZone: Europe/Berlin
                            startup: latest
                            priority: 2
                            snapshotChunkSize: 2000
                            tables:
                              - table: shop.orders
                                entityType: order
                                primaryKey: [id]
                                tenant: acme
                                targetTable: shop_orders
                              - table: billing.invoices
                                entityType: invoice
                                tenantColumn: tenant_id
                        """);

        MySqlSourceConfig shop = (MySqlSourceConfig) config.changeSources().get(0);
        assertThat(shop.type()).isEqualTo("mariadb");
        assertThat(shop.port()).isEqualTo(3307);
        assertThat(shop.password()).isEqualTo("secret");
        assertThat(shop.serverId()).isEqualTo("5400-5404");
        assertThat(shop.serverTimeZone()).isEqualTo("Europe/Berlin");
        assertThat(shop.startup()).isEqualTo("latest");
        assertThat(shop.priority()).isEqualTo(2);
        assertThat(shop.snapshotChunkSize()).isEqualTo(2000);
        assertThat(shop.databases()).containsExactly("shop", "billing");
        assertThat(shop.declaredColumns()).isEmpty();
        assertThat(shop.tables())
                .extracting(TableMapping::targetTable)
                .containsExactly("shop_orders", "invoices");
    }

    @Test
    void badMySqlValuesAreRefusedNamingTheFix() {
        ConfigException e =
                failure(
                        """
                          - id: shop
                            type: mysql
                            port: 70000
                            database: shop
                            username: cdc
                            serverId: 5404-5400
                            startup: earliest
                            tables:
                              - table: orders
                                entityType: order
                                tenantColumn: tenant_id
                                columns: {id: bigint}
                          - id: shop2
                            type: mariadb
                            hostname: db
                            database: shop
                            username: cdc
                            serverId: five
                            serverTimeZone: Mars/Olympus
                            tables:
                              - table: shop.invoices
                                entityType: invoice
                                tenant: acme
                        """);

        assertThat(problem(e, "sources[0].hostname")).isEqualTo("is required; e.g. db.example.com");
        assertThat(problem(e, "sources[0].port")).contains("70000").contains("65535");
        assertThat(problem(e, "sources[0].serverId"))
                .isEqualTo(
                        "'5404-5400' ends before it starts; write one id or a range as large as"
                                + " the source's parallelism, e.g. 5400-5404, unique among the"
                                + " server's replicas");
        assertThat(problem(e, "sources[0].startup"))
                .isEqualTo(
                        "'earliest' is not a startup mode; use initial (snapshot, then stream) or"
                                + " latest (stream changes from now on)");
        assertThat(problem(e, "sources[0].tables[0].table"))
                .isEqualTo("'orders' names no database; write database.table, e.g. shop.orders");
        assertThat(problem(e, "sources[0].tables[0].columns")).contains("unknown key");
        assertThat(problem(e, "sources[1].serverTimeZone"))
                .isEqualTo(
                        "'Mars/Olympus' is not a time zone; write the server's time_zone as a zone"
                                + " id, e.g. UTC, Europe/Berlin or +02:00");
        assertThat(problem(e, "sources[1].serverId"))
                .startsWith("'five' is not a server id; write one id or a range");
    }

    @Test
    void aSqlServerSourceBinds() {
        SynclineConfig config =
                load(
                        """
                          - id: erp
                            type: sqlserver
                            hostname: mssql.internal
                            database: erp
                            username: cdc
                            password: secret
                            tables:
                              - table: dbo.orders
                                entityType: order
                                tenantColumn: tenant_id
                        """);

        assertThat(config.changeSources())
                .containsExactly(
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
                                                List.of(),
                                                "tenant_id",
                                                null,
                                                "orders"))));
    }

    @Test
    void badSqlServerValuesAreRefusedNamingTheFix() {
        ConfigException e =
                failure(
                        """
                          - id: erp
                            type: sqlserver
                            hostname: mssql.internal
                            username: cdc
                            startup: snapshot
                            serverId: 5400
                            tables:
                              - table: orders
                                entityType: order
                                tenantColumn: tenant_id
                        """);

        assertThat(problem(e, "sources[0].database")).isEqualTo("is required; e.g. shop");
        assertThat(problem(e, "sources[0].startup")).startsWith("'snapshot' is not a startup mode");
        assertThat(problem(e, "sources[0].tables[0].table"))
                .isEqualTo("'orders' names no schema; write schema.table, e.g. dbo.orders");
        assertThat(problem(e, "sources[0].serverId")).contains("unknown key");
    }

    @Test
    void aPostgresSourceSnapshotsInChunksOfTheDefaultSizeOrTheGivenOne() {
        String source =
                """
                  - id: crm
                    hostname: pg.internal
                    database: crm
                    username: cdc
                    tables:
                      - table: public.customers
                        entityType: customer
                        tenantColumn: tenant_id
                """;

        assertThat(load(source).sources().get(0).snapshotChunkSize())
                .isEqualTo(SourceConfig.DEFAULT_SNAPSHOT_CHUNK_SIZE)
                .isEqualTo(8096);
        assertThat(
                        load(source.replace(
                                        "    tables:", "    snapshotChunkSize: 500\n    tables:"))
                                .sources()
                                .get(0)
                                .snapshotChunkSize())
                .isEqualTo(500);
        ConfigException e =
                failure(source.replace("    tables:", "    snapshotChunkSize: 0\n    tables:"));
        assertThat(problem(e, "sources[0].snapshotChunkSize")).contains("0");
    }

    private SynclineConfig load(String sources) {
        return ConfigFiles.load(directory, "sources:\n" + sources + ConfigFiles.SINKS);
    }

    private ConfigException failure(String sources) {
        return ConfigFiles.failure(directory, "sources:\n" + sources + ConfigFiles.SINKS);
    }

    private static String problem(ConfigException e, String path) {
        return ConfigFiles.problem(e, path);
    }
}
