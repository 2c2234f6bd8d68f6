package io.syncline.jobs.wiring;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.debezium.connector.postgresql.Utils;
import io.debezium.connector.postgresql.connection.PostgresConnection;
import io.debezium.jdbc.JdbcConnection;
import io.syncline.jobs.config.PostgresTls;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.HashMap;
import java.util.Map;
import org.apache.flink.cdc.connectors.base.config.JdbcSourceConfig;
import org.apache.flink.cdc.connectors.base.relational.connection.JdbcConnectionPoolFactory;
import org.apache.flink.cdc.connectors.base.source.meta.offset.Offset;
import org.apache.flink.cdc.connectors.postgres.source.PostgresConnectionPoolFactory;
import org.apache.flink.cdc.connectors.postgres.source.PostgresDialect;
import org.apache.flink.cdc.connectors.postgres.source.config.PostgresSourceConfig;
import org.apache.flink.cdc.connectors.postgres.source.offset.PostgresOffset;
import org.apache.flink.util.FlinkRuntimeException;

/**
 * Flink CDC's Postgres dialect with two changes.
 *
 * <p>The offsets it reads (a snapshot chunk's low and high watermarks, the stream's start) also
 * carry the server's clock, under {@value #READ_TIME_KEY}, read right after the WAL position: the
 * read time of the chunk's rows ({@link SnapshotChunkEmitter}).
 *
 * <p>With TLS, its connection pool uses TLS too. Debezium's own connections (replication, snapshot
 * reads, heartbeats) take the TLS settings from the {@code database.*} Debezium properties, but
 * Flink CDC 3.5 builds its pool (used to split tables and read offsets) from host, port and
 * database alone, so against a server that accepts TLS only it would be refused, and elsewhere it
 * would connect in plaintext.
 */
final class PostgresCdcDialect extends PostgresDialect {

    /** Offset key of the server's clock in microseconds since the epoch. */
    static final String READ_TIME_KEY = "syncline_read_time_us";

    private static final long serialVersionUID = 1L;

    private final boolean tls;

    /**
     * @param tls whether the connection pool uses TLS: the source config's Debezium properties must
     *     then hold the TLS settings ({@link PostgresTls#debeziumProperties()})
     */
    PostgresCdcDialect(PostgresSourceConfig sourceConfig, boolean tls) {
        super(sourceConfig);
        this.tls = tls;
    }

    @Override
    public Offset displayCurrentOffset(JdbcSourceConfig sourceConfig) {
        try (JdbcConnection jdbc = openJdbcConnection(sourceConfig)) {
            PostgresOffset position = Utils.currentOffset((PostgresConnection) jdbc);
            long micros =
                    jdbc.queryAndMap(
                            "SELECT (extract(epoch FROM clock_timestamp()) * 1000000)::bigint",
                            result -> {
                                result.next();
                                return result.getLong(1);
                            });
            Map<String, String> offset = new HashMap<>(position.getOffset());
            offset.put(READ_TIME_KEY, Long.toString(micros));
            return PostgresOffset.of(offset);
        } catch (SQLException e) {
            throw new FlinkRuntimeException(e);
        }
    }

    /** The server's clock in {@code offset}, or null when this dialect did not read it. */
    static Instant readTime(Map<String, ?> offset) {
        Object micros = offset.get(READ_TIME_KEY);
        if (micros == null) {
            return null;
        }
        return Instant.EPOCH.plus(Long.parseLong(micros.toString()), ChronoUnit.MICROS);
    }

    @Override
    public JdbcConnectionPoolFactory getPooledDataSourceFactory() {
        return tls ? new TlsConnectionPoolFactory() : super.getPooledDataSourceFactory();
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
