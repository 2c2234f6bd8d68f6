package io.syncline.jobs.wiring;

import io.syncline.jobs.config.SourceConfig;
import io.syncline.jobs.config.TableMapping;
import io.syncline.operators.decode.CdcChangeDeserializer;
import io.syncline.operators.decode.SourceRecordDecoder;
import io.syncline.operators.decode.TableBinding;
import io.syncline.schema.ChangeEvent;
import io.syncline.schema.ErrorRecord;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Properties;
import java.util.Set;
import org.apache.flink.cdc.connectors.base.options.StartupOptions;
import org.apache.flink.cdc.connectors.postgres.source.PostgresSourceBuilder;
import org.apache.flink.types.Either;

/** Builds the Flink CDC incremental-snapshot source ({@code pgoutput}) of one Postgres source. */
public final class PostgresCdcSources {

    private PostgresCdcSources() {}

    /** Binds each discovered table to its entity type and tenant. */
    public static List<TableBinding> bindings(List<DiscoveredTable> tables) {
        return tables.stream()
                .map(
                        table -> {
                            TableMapping mapping = table.mapping();
                            return new TableBinding(
                                    mapping.schemaName(),
                                    mapping.tableName(),
                                    mapping.entityType(),
                                    table.primaryKey(),
                                    mapping.tenantColumn(),
                                    mapping.tenant());
                        })
                .toList();
    }

    /**
     * The source, decoding into changes or errors.
     *
     * @param snapshotStart the source's WAL position and clock now: version and commit time of
     *     snapshot reads, see {@link SourceRecordDecoder}
     */
    public static PostgresSourceBuilder.PostgresIncrementalSource<Either<ErrorRecord, ChangeEvent>>
            create(
                    SourceConfig source,
                    List<DiscoveredTable> tables,
                    Set<String> tenants,
                    WalPosition snapshotStart) {
        SourceRecordDecoder decoder =
                new SourceRecordDecoder(
                        source.id(),
                        bindings(tables),
                        tenants,
                        snapshotStart.lsn(),
                        snapshotStart.serverTime());
        Properties debezium = new Properties();
        debezium.setProperty("publication.name", source.publication());
        // Syncline creates the publication (see Publications); Debezium must not alter it.
        debezium.setProperty("publication.autocreate.mode", "disabled");
        // TRUNCATE stays skipped (Debezium's default): Flink CDC 3.5 fails on change records
        // without a key, so including it would restart-loop the job.
        debezium.setProperty("tombstones.on.delete", "false");
        return PostgresSourceBuilder.PostgresIncrementalSource
                .<Either<ErrorRecord, ChangeEvent>>builder()
                .hostname(source.hostname())
                .port(source.port())
                .database(source.database())
                .schemaList(
                        source.tables().stream()
                                .map(TableMapping::schemaName)
                                .distinct()
                                .toArray(String[]::new))
                .tableList(
                        source.tables().stream()
                                .map(t -> t.schemaName() + "." + t.tableName())
                                .toArray(String[]::new))
                .username(source.username())
                .password(source.password())
                .slotName(source.slotName())
                .decodingPluginName("pgoutput")
                .startupOptions(
                        "latest".equals(source.startup())
                                ? StartupOptions.latest()
                                : StartupOptions.initial())
                .heartbeatInterval(Duration.ofSeconds(10))
                .debeziumProperties(debezium)
                .deserializer(new CdcChangeDeserializer(decoder, Clock.systemUTC()))
                .build();
    }
}
