package io.syncline.jobs.config;

import io.syncline.operators.sink.TargetColumn;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Properties;

/**
 * A MySQL or MariaDB database read by Flink CDC's MySQL connector (types {@code mysql} and {@code
 * mariadb}): an incremental snapshot, then the binlog, with the binlog position in Flink's
 * checkpoints. Its tables' columns and keys are read from {@code information_schema}.
 *
 * @param type {@code mysql} or {@code mariadb}
 * @param database the database the source connects to; a table written without a database is in it
 * @param serverId the replica server id, or a range {@code 5400-5404} with one id per reader;
 *     {@code null} lets the connector pick one from 5400-6400
 * @param serverTimeZone the server's time zone ({@code time_zone}), which its {@code TIMESTAMP}
 *     values are read in; the connector refuses a server whose zone differs
 * @param startup {@code initial} (snapshot, then binlog) or {@code latest} (binlog from now on)
 * @param tables the tables, each {@code database.table}
 * @param snapshotChunkSize rows per chunk of the initial snapshot (default {@value
 *     SourceConfig#DEFAULT_SNAPSHOT_CHUNK_SIZE}), as for Postgres sources
 */
public record MySqlSourceConfig(
        String id,
        String type,
        int priority,
        String hostname,
        int port,
        String database,
        String username,
        String password,
        String serverId,
        String serverTimeZone,
        String startup,
        List<TableMapping> tables,
        int snapshotChunkSize)
        implements ChangeSourceConfig {

    public MySqlSourceConfig {
        Objects.requireNonNull(type, "type");
        tables = List.copyOf(tables);
    }

    /** The databases its tables lie in, for the connector's database filter. */
    public List<String> databases() {
        return tables.stream().map(TableMapping::schemaName).distinct().toList();
    }

    @Override
    public Map<String, List<TargetColumn>> declaredColumns() {
        return Map.of();
    }

    /**
     * A connection to the source database, as table discovery and the preflight open it.
     *
     * @param socketTimeout how long a query may wait for the server; {@code null} for no limit
     */
    public Connection connect(Duration connectTimeout, Duration socketTimeout) throws SQLException {
        Properties properties = new Properties();
        properties.setProperty("user", username);
        properties.setProperty("password", password);
        properties.setProperty("connectTimeout", String.valueOf(connectTimeout.toMillis()));
        if (socketTimeout != null) {
            properties.setProperty("socketTimeout", String.valueOf(socketTimeout.toMillis()));
        }
        // The driver directly: DriverManager may not see it from Flink's child-first loader.
        return new com.mysql.cj.jdbc.Driver()
                .connect("jdbc:mysql://" + hostname + ":" + port + "/" + database, properties);
    }
}
