package io.syncline.jobs.wiring.sources;

import io.syncline.jobs.SyncJob;
import io.syncline.jobs.config.ChangeSourceConfig;
import io.syncline.jobs.config.MySqlSourceConfig;
import io.syncline.jobs.config.SynclineConfig;
import io.syncline.jobs.wiring.ChangeSourceWiring;
import io.syncline.jobs.wiring.DiscoveredTable;
import io.syncline.jobs.wiring.PostgresCdcSources;
import io.syncline.jobs.wiring.SourceTables;
import io.syncline.jobs.wiring.WiredSource;
import io.syncline.operators.decode.CdcChangeDeserializer;
import io.syncline.operators.decode.SourceRecordDecoder;
import io.syncline.schema.ChangeEvent;
import io.syncline.schema.ErrorRecord;
import java.time.Clock;
import java.util.List;
import java.util.Properties;
import java.util.Set;
import org.apache.flink.cdc.connectors.mysql.source.MySqlSource;
import org.apache.flink.cdc.connectors.mysql.source.MySqlSourceBuilder;
import org.apache.flink.cdc.connectors.mysql.source.MySqlSourceWithEmitter;
import org.apache.flink.cdc.connectors.mysql.table.StartupOptions;
import org.apache.flink.types.Either;

/**
 * Reads a MySQL or MariaDB database with Flink CDC's {@code MySqlSource}: an incremental snapshot
 * (chunks read without locks, each made consistent with the binlog around it), then the binlog,
 * with the binlog position in Flink's checkpoints. Records are decoded inside the source by {@link
 * SourceRecordDecoder}, by the same rules as Postgres changes.
 */
public final class MySqlSources implements ChangeSourceWiring {

    @Override
    public WiredSource wire(ChangeSourceConfig config, SynclineConfig sync, SourceTables tables) {
        MySqlSourceConfig source = (MySqlSourceConfig) config;
        List<DiscoveredTable> discovered = MySqlTableDiscovery.tables(source);
        MySqlTableDiscovery.BinlogStart start = MySqlTableDiscovery.binlogStart(source);
        SourceRecordDecoder decoder =
                new SourceRecordDecoder(
                        source.id(),
                        PostgresCdcSources.bindings(discovered),
                        Set.copyOf(sync.tenants()),
                        start.position(),
                        start.serverTime());
        CdcChangeDeserializer deserializer = new CdcChangeDeserializer(decoder, Clock.systemUTC());
        // Each snapshot read is versioned by its chunk, so a chunk read again wins (see
        // MySqlChunkEmitter).
        MySqlSource<Either<ErrorRecord, ChangeEvent>> mySqlSource =
                MySqlSourceWithEmitter.of(
                        builder(source).deserializer(deserializer).build(),
                        deserializer,
                        (metrics, readerConfig) ->
                                new MySqlChunkEmitter(
                                        deserializer,
                                        metrics,
                                        readerConfig.isIncludeSchemaChanges(),
                                        Clock.systemUTC()));
        return new WiredSource(new SyncJob.ChangeSource(source.id(), mySqlSource), discovered);
    }

    /** The connector's settings of {@code source}, without the deserializer. */
    static MySqlSourceBuilder<Either<ErrorRecord, ChangeEvent>> builder(MySqlSourceConfig source) {
        MySqlSourceBuilder<Either<ErrorRecord, ChangeEvent>> builder =
                MySqlSource.<Either<ErrorRecord, ChangeEvent>>builder()
                        .hostname(source.hostname())
                        .port(source.port())
                        .databaseList(source.databases().toArray(String[]::new))
                        .tableList(
                                source.tables().stream()
                                        .map(t -> t.schemaName() + "." + t.tableName())
                                        .toArray(String[]::new))
                        .username(source.username())
                        .password(source.password())
                        .serverTimeZone(source.serverTimeZone())
                        .startupOptions(
                                "latest".equals(source.startup())
                                        ? StartupOptions.latest()
                                        : StartupOptions.initial())
                        // The backfill makes a snapshot read show its row as of the chunk's end,
                        // which the decoder's ordering of reads before binlog changes relies on.
                        .skipSnapshotBackfill(false)
                        .splitSize(source.snapshotChunkSize())
                        .includeSchemaChanges(false)
                        .debeziumProperties(debeziumProperties());
        if (source.serverId() != null) {
            builder.serverId(source.serverId());
        }
        return builder;
    }

    /** Exact values: decimals and unsigned bigints as decimals, not doubles or wrapped longs. */
    static Properties debeziumProperties() {
        Properties properties = new Properties();
        properties.setProperty("decimal.handling.mode", "precise");
        properties.setProperty("bigint.unsigned.handling.mode", "precise");
        properties.setProperty("tombstones.on.delete", "false");
        return properties;
    }
}
