package io.syncline.jobs.wiring;

import io.syncline.jobs.config.HeartbeatSettings;
import io.syncline.jobs.config.SourceConfig;
import io.syncline.jobs.config.TableMapping;
import io.syncline.operators.decode.CdcChangeDeserializer;
import io.syncline.operators.decode.SourceRecordDecoder;
import io.syncline.operators.decode.TableBinding;
import io.syncline.operators.observe.Heartbeats;
import io.syncline.schema.ChangeEvent;
import io.syncline.schema.ErrorRecord;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Properties;
import java.util.Set;
import org.apache.flink.cdc.connectors.base.options.StartupOptions;
import org.apache.flink.cdc.connectors.postgres.source.PostgresSourceBuilder;
import org.apache.flink.types.Either;

/** Builds the Flink CDC incremental-snapshot source ({@code pgoutput}) of one Postgres source. */
public final class PostgresCdcSources {

    /** Without Syncline's heartbeats, the connector's own still advance the slot's offset. */
    private static final Duration DEFAULT_HEARTBEAT_INTERVAL = Duration.ofSeconds(10);

    private PostgresCdcSources() {}

    /** Binds each discovered table to its entity type and tenant, and the heartbeat table if on. */
    public static List<TableBinding> bindings(
            List<DiscoveredTable> tables, HeartbeatSettings heartbeat) {
        List<TableBinding> bindings = new ArrayList<>(bindings(tables));
        if (heartbeat.enabled()) {
            bindings.add(
                    new TableBinding(
                            heartbeat.schema(),
                            heartbeat.table(),
                            Heartbeats.ENTITY_TYPE,
                            List.of(Heartbeats.SOURCE_COLUMN),
                            null,
                            Heartbeats.TENANT));
        }
        return bindings;
    }

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
                    WalPosition snapshotStart,
                    HeartbeatSettings heartbeat) {
        SourceRecordDecoder decoder =
                new SourceRecordDecoder(
                        source.id(),
                        bindings(tables, heartbeat),
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
        debezium.putAll(source.tls().debeziumProperties());
        List<String> tableList = new ArrayList<>();
        source.tables().forEach(t -> tableList.add(t.schemaName() + "." + t.tableName()));
        Set<String> schemas = new LinkedHashSet<>();
        source.tables().forEach(t -> schemas.add(t.schemaName()));
        if (heartbeat.enabled()) {
            // Syncline's heartbeat writer updates it; its change travels the stream like any other.
            tableList.add(heartbeat.schema() + "." + heartbeat.table());
            schemas.add(heartbeat.schema());
        }
        CdcChangeDeserializer deserializer = new CdcChangeDeserializer(decoder, Clock.systemUTC());
        PostgresSourceBuilder<Either<ErrorRecord, ChangeEvent>> builder =
                PostgresSourceBuilder.PostgresIncrementalSource
                        .<Either<ErrorRecord, ChangeEvent>>builder()
                        .hostname(source.hostname())
                        .port(source.port())
                        .database(source.database())
                        .schemaList(schemas.toArray(String[]::new))
                        .tableList(tableList.toArray(String[]::new))
                        .username(source.username())
                        .password(source.password())
                        .slotName(source.slotName())
                        .splitSize(source.snapshotChunkSize())
                        .decodingPluginName("pgoutput")
                        .startupOptions(
                                "latest".equals(source.startup())
                                        ? StartupOptions.latest()
                                        : StartupOptions.initial())
                        .heartbeatInterval(
                                heartbeat.enabled()
                                        ? heartbeat.interval()
                                        : DEFAULT_HEARTBEAT_INTERVAL)
                        .debeziumProperties(debezium)
                        .deserializer(deserializer);
        return new PostgresCdcSource(builder, deserializer, source.tls().enabled());
    }
}
