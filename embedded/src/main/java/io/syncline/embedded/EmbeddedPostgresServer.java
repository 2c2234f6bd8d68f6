package io.syncline.embedded;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.OptionalLong;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.postgresql.Driver;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A real PostgreSQL 15 server with logical replication ({@code wal_level=logical}, pgoutput)
 * enabled, started from the binaries in the zonky Maven artifact, for the demo, integration tests
 * and benchmarks.
 *
 * <p>Authentication is {@code trust} for TCP connections from localhost, including replication
 * connections; the user is {@code postgres} and its password is set to {@code postgres} anyway, so
 * clients that insist on sending one work too.
 *
 * <p>Started {@linkplain #startWithTls with TLS}, it serves TLS 1.3 only and accepts only {@code
 * hostssl} connections (optionally only with a client certificate), so a plaintext client is
 * refused; its own connections ({@link #connect}) then use TLS too.
 */
public final class EmbeddedPostgresServer implements EmbeddedDatabaseServer {

    private static final Logger LOG = LoggerFactory.getLogger(EmbeddedPostgresServer.class);

    private static final String HOST = "localhost";
    private static final String USER = "postgres";
    private static final String PASSWORD = "postgres";
    private static final String DUPLICATE_DATABASE = "42P04";

    // Used directly instead of DriverManager, which may not see the driver from a child-first
    // class loader (Flink user code).
    private static final Driver DRIVER = new Driver();

    // The files the server reads its TLS settings from, in its data directory.
    private static final String SERVER_CERTIFICATE = "server.crt";
    private static final String SERVER_KEY = "server.key";
    private static final String CLIENT_CA = "root.crt";

    private volatile EmbeddedPostgres postgres;
    private final Path dataDirectory;
    private final PostgresServerTls tls;
    private final AtomicBoolean closed = new AtomicBoolean();

    private EmbeddedPostgresServer(
            EmbeddedPostgres postgres, Path dataDirectory, PostgresServerTls tls) {
        this.postgres = postgres;
        this.dataDirectory = dataDirectory;
        this.tls = tls;
    }

    /** Starts a server on a free port. */
    public static EmbeddedPostgresServer start() {
        return start(0);
    }

    /**
     * Starts a server on the given port ({@code 0} picks a free one).
     *
     * @throws IllegalStateException if the server does not start, e.g. the port is taken
     */
    public static EmbeddedPostgresServer start(int port) {
        return start(port, null);
    }

    /**
     * Starts a server on a free port that serves TLS 1.3 only and refuses plaintext connections.
     *
     * @throws IllegalStateException if the server does not start
     */
    public static EmbeddedPostgresServer startWithTls(PostgresServerTls tls) {
        return start(0, Objects.requireNonNull(tls, "tls"));
    }

    private static EmbeddedPostgresServer start(int port, PostgresServerTls tls) {
        Local.checkPort(port);
        Local.checkPortFree(port, "PostgreSQL");
        long startNanos = System.nanoTime();
        Path dataDirectory = Local.newTempDirectory("syncline-pg-");
        EmbeddedPostgres postgres;
        try {
            postgres = postmaster(port, dataDirectory, tls);
        } catch (IOException | RuntimeException e) {
            Local.deleteQuietly(dataDirectory);
            throw new IllegalStateException(
                    "Could not start PostgreSQL" + (port == 0 ? "" : " on port " + port), e);
        }
        EmbeddedPostgresServer server = new EmbeddedPostgresServer(postgres, dataDirectory, tls);
        try {
            server.execute("postgres", "ALTER ROLE postgres PASSWORD '" + PASSWORD + "'");
        } catch (RuntimeException e) {
            server.close();
            throw e;
        }
        LOG.info(
                "PostgreSQL started on port {}{} in {} ms (data in {})",
                server.port(),
                tls == null ? "" : " with TLS",
                Local.millisSince(startNanos),
                dataDirectory);
        return server;
    }

    /**
     * Starts a postmaster on {@code dataDirectory}, running initdb first if the directory holds no
     * cluster yet. The directory is never cleaned here: {@link #close()} deletes it, so a {@link
     * #crash()}ed server can start again on its data.
     */
    private static EmbeddedPostgres postmaster(int port, Path dataDirectory, PostgresServerTls tls)
            throws IOException {
        EmbeddedPostgres.Builder builder = EmbeddedPostgres.builder();
        if (tls != null) {
            withTls(builder, tls);
        }
        return builder.setPort(port)
                .setDataDirectory(dataDirectory)
                .setCleanDataDirectory(false)
                // The first start in a fresh tmpdir also unpacks the binaries.
                .setPGStartupWait(Duration.ofSeconds(60))
                .setServerConfig("wal_level", "logical")
                .setServerConfig("max_replication_slots", "40")
                .setServerConfig("max_wal_senders", "40")
                .setServerConfig("max_connections", "200")
                // Throwaway data: durability only costs time.
                .setServerConfig("fsync", "off")
                .setServerConfig("full_page_writes", "off")
                // Logical decoding only reads flushed WAL; with asynchronous commit
                // a committed change reaches CDC up to 3 x wal_writer_delay later.
                // With fsync off a synchronous commit is just a write() anyway.
                .setServerConfig("synchronous_commit", "on")
                .setServerConfig("timezone", "UTC")
                // Tests check last-writer-wins against the commit times the
                // database recorded (pg_xact_commit_timestamp).
                .setServerConfig("track_commit_timestamp", "on")
                .start();
    }

    /**
     * TLS 1.3 only, with the certificates copied into the data directory (the server refuses a key
     * others may read) and a {@code pg_hba.conf} of {@code hostssl} lines alone: a connection
     * without TLS matches no line and is refused. zonky's start-up check and {@link #connect} log
     * in over TLS with the client certificate.
     */
    private static void withTls(EmbeddedPostgres.Builder builder, PostgresServerTls tls) {
        builder.setServerConfig("ssl", "on")
                .setServerConfig("ssl_min_protocol_version", "TLSv1.3")
                .setServerConfig("ssl_cert_file", SERVER_CERTIFICATE)
                .setServerConfig("ssl_key_file", SERVER_KEY)
                .setServerConfig("ssl_ca_file", CLIENT_CA)
                .setDataDirectoryCustomizer(directory -> writeTlsFiles(directory.toPath(), tls));
        clientTlsProperties(tls).forEach(builder::setConnectConfig);
    }

    private static void writeTlsFiles(Path directory, PostgresServerTls tls) {
        String clientCert = tls.requireClientCertificate() ? " clientcert=verify-full" : "";
        StringBuilder hba = new StringBuilder("# TLS only (EmbeddedPostgresServer)\n");
        for (String database : List.of("all", "replication")) {
            for (String address : List.of("127.0.0.1/32", "::1/128")) {
                hba.append("hostssl ")
                        .append(database)
                        .append(" all ")
                        .append(address)
                        .append(" trust")
                        .append(clientCert)
                        .append('\n');
            }
        }
        try {
            Files.copy(
                    tls.serverCertificate(),
                    directory.resolve(SERVER_CERTIFICATE),
                    StandardCopyOption.REPLACE_EXISTING);
            Path key = directory.resolve(SERVER_KEY);
            Files.copy(tls.serverKey(), key, StandardCopyOption.REPLACE_EXISTING);
            Files.setPosixFilePermissions(key, PosixFilePermissions.fromString("rw-------"));
            Files.copy(
                    tls.certificateAuthority(),
                    directory.resolve(CLIENT_CA),
                    StandardCopyOption.REPLACE_EXISTING);
            Files.writeString(directory.resolve("pg_hba.conf"), hba, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("Could not write the TLS files to " + directory, e);
        }
    }

    /**
     * pgjdbc's settings for connecting as the server's own client: verified, with a certificate.
     */
    private static Map<String, String> clientTlsProperties(PostgresServerTls tls) {
        return Map.of(
                "sslmode", "verify-full",
                "sslrootcert", tls.certificateAuthority().toString(),
                "sslcert", tls.clientCertificate().toString(),
                "sslkey", tls.clientKey().toString());
    }

    /**
     * Stops the server as {@code pg_ctl stop -m immediate} does: SIGQUIT to the postmaster, which
     * ends every backend at once without a shutdown checkpoint, so the next start runs crash
     * recovery. Clients see their connections drop mid-statement. The data and port stay reserved
     * for {@link #restart()}.
     *
     * @throws IllegalStateException if the server is not running or does not exit
     */
    public synchronized void crash() {
        long pid =
                postmasterPid()
                        .orElseThrow(() -> new IllegalStateException(this + " is not running"));
        try {
            int exit = new ProcessBuilder("kill", "-QUIT", Long.toString(pid)).start().waitFor();
            if (exit != 0) {
                throw new IllegalStateException("kill -QUIT " + pid + " exited with " + exit);
            }
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (Local.isRunning(pid)) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException(this + " (pid " + pid + ") did not exit");
                }
                Thread.sleep(20);
            }
        } catch (IOException e) {
            throw new IllegalStateException("Could not signal PostgreSQL (pid " + pid + ")", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted while crashing " + this, e);
        }
        // Releases zonky's lock on the data directory; pg_ctl stop finds no server and only logs.
        closeQuietly(postgres);
        LOG.info("PostgreSQL on port {} crashed (immediate stop, pid {})", port(), pid);
    }

    /**
     * Starts the server again on the same port and data after {@link #crash()}; PostgreSQL replays
     * its WAL first, so every committed transaction and replication slot is back.
     *
     * @throws IllegalStateException if the server does not start
     */
    public synchronized void restart() {
        if (postmasterPid().isPresent() && Local.isRunning(postmasterPid().getAsLong())) {
            throw new IllegalStateException(this + " is still running: crash() it first");
        }
        long startNanos = System.nanoTime();
        int port = port();
        try {
            postgres = postmaster(port, dataDirectory, tls);
        } catch (IOException | RuntimeException e) {
            throw new IllegalStateException("Could not restart PostgreSQL on port " + port, e);
        }
        LOG.info("PostgreSQL restarted on port {} in {} ms", port, Local.millisSince(startNanos));
    }

    /** The host clients connect to: {@code localhost}. */
    public String host() {
        return HOST;
    }

    public int port() {
        return postgres.getPort();
    }

    /** The superuser, {@code postgres}; it may also open replication connections. */
    public String username() {
        return USER;
    }

    public String password() {
        return PASSWORD;
    }

    /**
     * The JDBC URL of a database, without credentials: pass {@link #username()} and {@link
     * #password()} separately. On a server with TLS, a client must also pass its TLS settings.
     */
    public String jdbcUrl(String database) {
        return "jdbc:postgresql://" + HOST + ":" + port() + "/" + database;
    }

    /** A new connection to a database as the superuser, in auto-commit mode. */
    public Connection connect(String database) throws SQLException {
        Properties properties = new Properties();
        properties.setProperty("user", USER);
        properties.setProperty("password", PASSWORD);
        if (tls != null) {
            properties.putAll(clientTlsProperties(tls));
        }
        return DRIVER.connect(jdbcUrl(database), properties);
    }

    /** Creates a database unless it already exists. */
    public void createDatabase(String name) {
        try (Connection connection = connect("postgres")) {
            try (PreparedStatement exists =
                    connection.prepareStatement("SELECT 1 FROM pg_database WHERE datname = ?")) {
                exists.setString(1, name);
                try (ResultSet rs = exists.executeQuery()) {
                    if (rs.next()) {
                        return;
                    }
                }
            }
            try (Statement statement = connection.createStatement()) {
                statement.execute("CREATE DATABASE " + quoteIdentifier(name));
            } catch (SQLException e) {
                // Someone else created it between the check and the CREATE.
                if (!DUPLICATE_DATABASE.equals(e.getSQLState())) {
                    throw e;
                }
            }
        } catch (SQLException e) {
            throw new IllegalStateException("Could not create database " + name, e);
        }
    }

    /**
     * Runs statements in order on one auto-commit connection to a database.
     *
     * @throws IllegalStateException wrapping the {@link SQLException} of the failed statement
     */
    public void execute(String database, String... sql) {
        try (Connection connection = connect(database)) {
            Local.execute(connection, database, sql);
        } catch (SQLException e) {
            throw new IllegalStateException("Could not connect to database " + database, e);
        }
    }

    /** Stops the server and deletes its data directory; does nothing the second time. */
    @Override
    public void close() {
        if (closed.getAndSet(true)) {
            return;
        }
        long startNanos = System.nanoTime();
        OptionalLong pid = postmasterPid();
        terminateWalSenders();
        closeQuietly(postgres);
        pid.ifPresent(EmbeddedPostgresServer::killIfAlive);
        Local.deleteQuietly(dataDirectory);
        LOG.info("PostgreSQL on port {} stopped in {} ms", port(), Local.millisSince(startNanos));
    }

    private static void closeQuietly(EmbeddedPostgres postgres) {
        try {
            postgres.close();
        } catch (IOException | RuntimeException e) {
            LOG.warn("Error while stopping PostgreSQL on port {}", postgres.getPort(), e);
        }
    }

    /** The data directory, deleted by {@link #close()}. */
    Path dataDirectory() {
        return dataDirectory;
    }

    /** The process id of the postmaster, from its pid file, if it is running. */
    OptionalLong postmasterPid() {
        try {
            List<String> lines =
                    Files.readAllLines(
                            dataDirectory.resolve("postmaster.pid"), StandardCharsets.UTF_8);
            return lines.isEmpty()
                    ? OptionalLong.empty()
                    : OptionalLong.of(Long.parseLong(lines.get(0).trim()));
        } catch (IOException | NumberFormatException e) {
            return OptionalLong.empty();
        }
    }

    /**
     * Disconnects replication clients. A logical walsender waits for its client to confirm the
     * shutdown checkpoint, so a stuck or idle CDC client would otherwise outlast pg_ctl's stop
     * timeout.
     */
    private void terminateWalSenders() {
        try (Connection connection = connect("postgres");
                Statement statement = connection.createStatement()) {
            statement.execute(
                    "SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
                            + " WHERE backend_type = 'walsender'");
        } catch (SQLException e) {
            LOG.debug("Could not terminate walsenders", e);
        }
    }

    /** Last resort when pg_ctl stop failed: zonky only logs that, leaving the server running. */
    private static void killIfAlive(long pid) {
        if (!Local.isRunning(pid)) {
            return;
        }
        LOG.warn("PostgreSQL (pid {}) still running after pg_ctl stop; killing it", pid);
        // The backends exit by themselves once they notice the postmaster is gone.
        ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (Local.isRunning(pid)) {
            if (System.nanoTime() > deadline) {
                LOG.warn("PostgreSQL (pid {}) did not exit", pid);
                return;
            }
            try {
                // Not our child, so there is no exit notification to wait on.
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    private static String quoteIdentifier(String name) {
        return '"' + name.replace("\"", "\"\"") + '"';
    }

    @Override
    public String toString() {
        return "EmbeddedPostgresServer[" + HOST + ":" + port() + "]";
    }
}
