package io.syncline.jobs.wiring.sources;

import io.syncline.jobs.SyncJob;
import io.syncline.jobs.config.ChangeSourceConfig;
import io.syncline.jobs.config.SqlServerSourceConfig;
import io.syncline.jobs.config.SynclineConfig;
import io.syncline.jobs.wiring.ChangeSourceWiring;
import io.syncline.jobs.wiring.SourceTables;
import io.syncline.jobs.wiring.WiredSource;
import io.syncline.operators.decode.CdcChangeDeserializer;
import io.syncline.operators.decode.SourceRecordDecoder;
import io.syncline.schema.ChangeEvent;
import io.syncline.schema.ErrorRecord;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Properties;
import java.util.Set;
import org.apache.flink.cdc.connectors.base.options.StartupOptions;
import org.apache.flink.cdc.connectors.sqlserver.source.SqlServerSourceBuilder;
import org.apache.flink.cdc.debezium.DebeziumDeserializationSchema;
import org.apache.flink.types.Either;

/**
 * Builds Flink CDC's SQL Server incremental source ({@code SqlServerIncrementalSource}), which
 * reads SQL Server's CDC change tables. Not run by Syncline's tests (there is no SQL Server to
 * start), and it cannot be built with this release: see {@link #build}.
 */
public final class SqlServerSources implements ChangeSourceWiring {

    @Override
    public WiredSource wire(ChangeSourceConfig config, SynclineConfig sync, SourceTables tables) {
        SqlServerSourceConfig source = (SqlServerSourceConfig) config;
        // The target tables must exist already or come from another source of the entity type.
        var discovered = tables.resolve(source);
        // SQL Server changes carry an LSN of their own that the decoder does not order yet: it
        // rejects them (DEBEZIUM_UNSUPPORTED_CONNECTOR) rather than misorder them.
        SourceRecordDecoder decoder =
                new SourceRecordDecoder(
                        source.id(),
                        io.syncline.jobs.wiring.PostgresCdcSources.bindings(discovered),
                        Set.copyOf(sync.tenants()),
                        0L,
                        Instant.EPOCH);
        return new WiredSource(
                new SyncJob.ChangeSource(
                        source.id(),
                        build(source, new CdcChangeDeserializer(decoder, Clock.systemUTC()))),
                discovered);
    }

    /**
     * The source, or an {@link IllegalStateException} naming why not: the newest connector Maven
     * Central serves (3.2.0) was compiled against flink-cdc-base 3.2.0, and the base 3.5.0 the
     * Postgres source needs has changed constructors it calls ({@code JdbcSourceConfig}, {@code
     * JdbcSourceChunkSplitter}).
     */
    static SqlServerSourceBuilder.SqlServerIncrementalSource<Either<ErrorRecord, ChangeEvent>>
            build(
                    SqlServerSourceConfig source,
                    DebeziumDeserializationSchema<Either<ErrorRecord, ChangeEvent>> deserializer) {
        try {
            return builder(source).deserializer(deserializer).build();
        } catch (LinkageError e) {
            throw new IllegalStateException(
                    "source '"
                            + source.id()
                            + "' (type sqlserver) cannot run with this build:"
                            + " the SQL Server connector on the class path was built for another Flink CDC"
                            + " release than flink-cdc-base ("
                            + e
                            + "); build Syncline with a SQL Server connector of the same Flink CDC"
                            + " release as the Postgres one, or read SQL Server through Debezium"
                            + " topics (type debezium-kafka)",
                    e);
        }
    }

    /** The connector's settings of {@code source}, without the deserializer. */
    static SqlServerSourceBuilder<Either<ErrorRecord, ChangeEvent>> builder(
            SqlServerSourceConfig source) {
        return SqlServerSourceBuilder.SqlServerIncrementalSource
                .<Either<ErrorRecord, ChangeEvent>>builder()
                .hostname(source.hostname())
                .port(source.port())
                .databaseList(source.database())
                .tableList(tableList(source).toArray(String[]::new))
                .username(source.username())
                .password(source.password())
                .startupOptions(
                        "latest".equals(source.startup())
                                ? StartupOptions.latest()
                                : StartupOptions.initial())
                .includeSchemaChanges(false)
                .debeziumProperties(debeziumProperties());
    }

    /** The captured tables as the connector names them, {@code schema.table}. */
    static List<String> tableList(SqlServerSourceConfig source) {
        return source.tables().stream().map(t -> t.schemaName() + "." + t.tableName()).toList();
    }

    /** Exact decimals, no tombstones (the decoder would skip them anyway). */
    static Properties debeziumProperties() {
        Properties properties = new Properties();
        properties.setProperty("decimal.handling.mode", "precise");
        properties.setProperty("tombstones.on.delete", "false");
        return properties;
    }
}
