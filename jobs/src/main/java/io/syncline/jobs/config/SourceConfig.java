package io.syncline.jobs.config;

import java.util.List;
import java.util.Objects;

/**
 * One PostgreSQL database read through Flink CDC (snapshot, then logical replication with {@code
 * pgoutput}).
 *
 * @param id stable id of the source; part of every event id, so it must not change once running
 * @param slotName logical replication slot (default {@code syncline_<id>})
 * @param publication publication created for the configured tables (default {@code syncline_<id>})
 * @param startup {@code initial} (snapshot, then stream) or {@code latest} (stream only)
 * @param priority breaks ties of last-writer-wins: on equal commit times the version from the
 *     source with the higher priority wins (default 0)
 * @param writeBack whether this source is a bidirectional peer: Syncline also writes the resolved
 *     state of the source's entity types back into its tables (default false)
 * @param tls how every connection to the database is secured (default {@link
 *     PostgresTls#DISABLED}); {@link #jdbcUrl()} carries it
 * @param snapshotChunkSize rows per chunk of the initial snapshot (default {@value
 *     #DEFAULT_SNAPSHOT_CHUNK_SIZE}): a reader holds a whole chunk in memory, and a job restored
 *     from a checkpoint reads the chunks it had not finished again
 */
public record SourceConfig(
        String id,
        String type,
        String hostname,
        int port,
        String database,
        String username,
        String password,
        String slotName,
        String publication,
        String startup,
        List<TableMapping> tables,
        int priority,
        boolean writeBack,
        PostgresTls tls,
        int snapshotChunkSize) {

    /** Flink CDC's default chunk size. */
    public static final int DEFAULT_SNAPSHOT_CHUNK_SIZE = 8096;

    public SourceConfig {
        tables = List.copyOf(tables);
        Objects.requireNonNull(tls, "tls");
    }

    /** A source snapshotted in chunks of the default size. */
    public SourceConfig(
            String id,
            String type,
            String hostname,
            int port,
            String database,
            String username,
            String password,
            String slotName,
            String publication,
            String startup,
            List<TableMapping> tables,
            int priority,
            boolean writeBack,
            PostgresTls tls) {
        this(
                id,
                type,
                hostname,
                port,
                database,
                username,
                password,
                slotName,
                publication,
                startup,
                tables,
                priority,
                writeBack,
                tls,
                DEFAULT_SNAPSHOT_CHUNK_SIZE);
    }

    /** A source connected to in plaintext. */
    public SourceConfig(
            String id,
            String type,
            String hostname,
            int port,
            String database,
            String username,
            String password,
            String slotName,
            String publication,
            String startup,
            List<TableMapping> tables,
            int priority,
            boolean writeBack) {
        this(
                id,
                type,
                hostname,
                port,
                database,
                username,
                password,
                slotName,
                publication,
                startup,
                tables,
                priority,
                writeBack,
                PostgresTls.DISABLED);
    }

    /**
     * JDBC URL of this source database, with the {@link #tls} settings as its parameters so that
     * every connection made with it uses them.
     */
    public String jdbcUrl() {
        return tls.addTo("jdbc:postgresql://" + hostname + ":" + port + "/" + database);
    }
}
