package io.syncline.jobs.wiring;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.syncline.jobs.config.PostgresTls;
import java.sql.DriverManager;
import org.apache.flink.cdc.connectors.base.config.JdbcSourceConfig;
import org.apache.flink.cdc.connectors.base.relational.connection.JdbcConnectionPoolFactory;
import org.apache.flink.cdc.connectors.postgres.source.PostgresConnectionPoolFactory;
import org.apache.flink.cdc.connectors.postgres.source.PostgresDialect;
import org.apache.flink.cdc.connectors.postgres.source.PostgresSourceBuilder;
import org.apache.flink.cdc.connectors.postgres.source.PostgresSourceBuilder.PostgresIncrementalSource;
import org.apache.flink.cdc.connectors.postgres.source.config.PostgresSourceConfig;
import org.apache.flink.cdc.connectors.postgres.source.offset.PostgresOffsetFactory;
import org.apache.flink.cdc.debezium.DebeziumDeserializationSchema;

/**
 * Flink CDC's Postgres dialect, except that its connection pool uses TLS too. Debezium's own
 * connections (replication, snapshot reads, heartbeats) take the TLS settings from the {@code
 * database.*} Debezium properties, but Flink CDC 3.5 builds its pool (used to split tables and read
 * offsets) from host, port and database alone, so against a server that accepts TLS only it would
 * be refused, and elsewhere it would connect in plaintext.
 */
final class TlsPostgresDialect extends PostgresDialect {

    private static final long serialVersionUID = 1L;

    private TlsPostgresDialect(PostgresSourceConfig sourceConfig) {
        super(sourceConfig);
    }

    /**
     * What {@link PostgresSourceBuilder#build()} makes, with this dialect: the builder's Debezium
     * properties must hold the TLS settings ({@link PostgresTls#debeziumProperties()}).
     */
    static <T> PostgresIncrementalSource<T> source(
            PostgresSourceBuilder<T> builder, DebeziumDeserializationSchema<T> deserializer) {
        return new PostgresIncrementalSource<>(
                builder.getConfigFactory(),
                deserializer,
                new PostgresOffsetFactory(),
                new TlsPostgresDialect(builder.getConfigFactory().create(0)));
    }

    @Override
    public JdbcConnectionPoolFactory getPooledDataSourceFactory() {
        return new TlsConnectionPoolFactory();
    }

    /**
     * The pool of {@link PostgresConnectionPoolFactory} with the TLS driver properties added. Pools
     * are shared per JVM by factory class, host, port, user and database; as a class of its own,
     * this factory never shares a plaintext pool.
     */
    static final class TlsConnectionPoolFactory extends PostgresConnectionPoolFactory {

        @Override
        public HikariDataSource createPooledDataSource(JdbcSourceConfig sourceConfig) {
            HikariConfig config = new HikariConfig();
            config.setPoolName(
                    CONNECTION_POOL_PREFIX
                            + sourceConfig.getHostname()
                            + ":"
                            + sourceConfig.getPort());
            config.setJdbcUrl(getJdbcUrl(sourceConfig));
            config.setUsername(sourceConfig.getUsername());
            config.setPassword(sourceConfig.getPassword());
            config.setMinimumIdle(MINIMUM_POOL_SIZE);
            config.setMaximumPoolSize(sourceConfig.getConnectionPoolSize());
            config.setConnectionTimeout(sourceConfig.getConnectTimeout().toMillis());
            // As the base class does: loads the drivers first, against a class-loading deadlock.
            DriverManager.getDrivers();
            config.setDriverClassName(sourceConfig.getDriverClassName());
            PostgresTls.driverPropertiesOf(sourceConfig.getDbzProperties())
                    .forEach(config::addDataSourceProperty);
            return new HikariDataSource(config);
        }
    }
}
