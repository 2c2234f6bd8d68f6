package io.syncline.jobs.config;

import io.syncline.operators.jdbc.PostgresConnections;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.DescribeClusterOptions;
import org.apache.kafka.common.KafkaException;

/**
 * Checks, before a job is submitted, that the systems a configuration names can be used: the source
 * databases (reachable, {@code wal_level=logical}, tables and columns present), the Kafka brokers
 * and the target database. A typo in a host or a column then fails in seconds with a message naming
 * the setting, instead of as a restart loop in a running job.
 *
 * <p>All systems are checked in parallel and every problem is reported at once.
 */
public final class ConfigPreflight {

    /** How long to wait for a database to accept a connection. */
    public static final Duration DEFAULT_DATABASE_TIMEOUT = Duration.ofSeconds(5);

    /** How long to wait for the Kafka cluster to describe itself. */
    public static final Duration DEFAULT_KAFKA_TIMEOUT = Duration.ofSeconds(10);

    private static final int MAX_LISTED_NAMES = 50;

    private ConfigPreflight() {}

    /**
     * Checks with the default timeouts.
     *
     * @throws ConfigException listing every problem found
     */
    public static void check(SynclineConfig config) {
        check(config, DEFAULT_DATABASE_TIMEOUT, DEFAULT_KAFKA_TIMEOUT);
    }

    /**
     * Checks every source, the Kafka brokers and the target database, in parallel.
     *
     * @param databaseTimeout how long to wait for a database connection (whole seconds, at least
     *     one: the JDBC driver counts in seconds)
     * @param kafkaTimeout how long to wait for the Kafka cluster
     * @throws ConfigException listing every problem found
     */
    public static void check(
            SynclineConfig config, Duration databaseTimeout, Duration kafkaTimeout) {
        List<Callable<List<ConfigProblem>>> checks = new ArrayList<>();
        List<SourceConfig> sources = config.sources();
        for (int i = 0; i < sources.size(); i++) {
            SourceConfig source = sources.get(i);
            String path = config.sourcePath(source.id());
            checks.add(() -> checkSource(source, path, databaseTimeout));
        }
        for (ChangeSourceConfig source : config.changeSources()) {
            String path = config.sourcePath(source.id());
            checks.add(() -> ChangeSourcePreflight.check(source, path, config, kafkaTimeout));
        }
        checks.add(() -> checkKafka(config.sinks().kafka(), kafkaTimeout));
        checks.add(() -> checkTarget(config.sinks().target(), databaseTimeout));

        // Each check bounds its own waiting; this only guards against a hung driver.
        Duration deadline = databaseTimeout.multipliedBy(3).plus(kafkaTimeout).plusSeconds(10);
        Problems problems = new Problems();
        ExecutorService executor = Executors.newFixedThreadPool(checks.size(), daemonThreads());
        try {
            List<Future<List<ConfigProblem>>> results = new ArrayList<>();
            for (Callable<List<ConfigProblem>> check : checks) {
                results.add(executor.submit(check));
            }
            long deadlineNanos = System.nanoTime() + deadline.toNanos();
            for (Future<List<ConfigProblem>> result : results) {
                problems.addAll(await(result, deadlineNanos, deadline));
            }
        } finally {
            executor.shutdownNow();
        }
        problems.throwIfAny(config.file());
    }

    // ---- sources

    static List<ConfigProblem> checkSource(SourceConfig source, String path, Duration timeout) {
        List<ConfigProblem> problems = new ArrayList<>();
        String address = source.hostname() + ":" + source.port() + "/" + source.database();
        try (Connection connection =
                connect(source.jdbcUrl(), source.username(), source.password(), timeout)) {
            walLevelProblem(walLevel(connection))
                    .ifPresent(message -> problems.add(new ConfigProblem(path, message)));
            Map<String, Map<String, Character>> tablesBySchema = new LinkedHashMap<>();
            List<TableMapping> tables = source.tables();
            for (int j = 0; j < tables.size(); j++) {
                TableMapping table = tables.get(j);
                Map<String, Character> tablesOfSchema = tablesBySchema.get(table.schemaName());
                if (tablesOfSchema == null) {
                    tablesOfSchema = tablesOf(connection, table.schemaName());
                    tablesBySchema.put(table.schemaName(), tablesOfSchema);
                }
                checkTable(
                        connection,
                        table,
                        tablesOfSchema,
                        ConfigPath.index(ConfigPath.key(path, "tables"), j),
                        source.publication(),
                        problems);
            }
        } catch (SQLException e) {
            problems.add(new ConfigProblem(path, cannotConnect(address, source.username(), e)));
        }
        return problems;
    }

    /** The problem with a server's {@code wal_level}, if any. */
    static Optional<String> walLevelProblem(String walLevel) {
        if ("logical".equals(walLevel)) {
            return Optional.empty();
        }
        return Optional.of(
                "wal_level is '"
                        + walLevel
                        + "', but change data capture needs 'logical'; run ALTER SYSTEM SET"
                        + " wal_level = logical as a superuser and restart PostgreSQL (on a"
                        + " managed service, set the parameter group's logical replication"
                        + " option)");
    }

    private static String walLevel(Connection connection) throws SQLException {
        try (Statement statement = connection.createStatement();
                ResultSet rs = statement.executeQuery("SHOW wal_level")) {
            rs.next();
            return rs.getString(1);
        }
    }

    /** Tables (and partitioned tables) of a schema, by name, with their replica identity. */
    private static Map<String, Character> tablesOf(Connection connection, String schema)
            throws SQLException {
        String sql =
                "SELECT c.relname, c.relreplident FROM pg_class c"
                        + " JOIN pg_namespace n ON n.oid = c.relnamespace"
                        + " WHERE n.nspname = ? AND c.relkind IN ('r', 'p') ORDER BY c.relname";
        Map<String, Character> tables = new LinkedHashMap<>();
        try (PreparedStatement statement = connection.prepareStatement(sql)) {
            statement.setString(1, schema);
            try (ResultSet rs = statement.executeQuery()) {
                while (rs.next()) {
                    tables.put(rs.getString(1), rs.getString(2).charAt(0));
                }
            }
        }
        return tables;
    }

    private static void checkTable(
            Connection connection,
            TableMapping table,
            Map<String, Character> tablesOfSchema,
            String path,
            String publication,
            List<ConfigProblem> problems)
            throws SQLException {
        String schema = table.schemaName();
        String name = table.tableName();
        String qualified = schema + "." + name;
        Character replicaIdentity = tablesOfSchema.get(name);
        if (replicaIdentity == null) {
            String tablePath = ConfigPath.key(path, "table");
            problems.add(new ConfigProblem(tablePath, missingTable(qualified, tablesOfSchema)));
            return;
        }
        Map<String, Boolean> columns = columnsOf(connection, schema, name);
        List<String> primaryKeyColumns =
                columns.entrySet().stream()
                        .filter(Map.Entry::getValue)
                        .map(Map.Entry::getKey)
                        .toList();
        String columnList = list(columns.keySet());

        List<String> configuredKey = table.primaryKey();
        for (int k = 0; k < configuredKey.size(); k++) {
            String column = configuredKey.get(k);
            if (!columns.containsKey(column)) {
                problems.add(
                        new ConfigProblem(
                                ConfigPath.index(ConfigPath.key(path, "primaryKey"), k),
                                missingColumn(column, qualified, columnList)));
            }
        }
        if (table.tenantColumn() != null && !columns.containsKey(table.tenantColumn())) {
            problems.add(
                    new ConfigProblem(
                            ConfigPath.key(path, "tenantColumn"),
                            missingColumn(table.tenantColumn(), qualified, columnList)));
        }
        if (configuredKey.isEmpty() && primaryKeyColumns.isEmpty()) {
            problems.add(
                    new ConfigProblem(
                            path,
                            "table "
                                    + qualified
                                    + " has no primary key constraint, so Syncline cannot tell"
                                    + " its rows apart; set primaryKey to the columns that"
                                    + " identify a row (columns: "
                                    + columnList
                                    + "), or add the constraint: ALTER TABLE "
                                    + qualified
                                    + " ADD PRIMARY KEY (...)"));
        } else if (primaryKeyColumns.isEmpty() && !hasReplicaIdentity(replicaIdentity)) {
            // PostgreSQL rejects UPDATE and DELETE on a published table without one.
            problems.add(
                    new ConfigProblem(
                            ConfigPath.key(path, "primaryKey"),
                            "table "
                                    + qualified
                                    + " has no primary key constraint and no replica identity:"
                                    + " once it is in publication "
                                    + publication
                                    + ", PostgreSQL rejects every UPDATE and DELETE on it, and"
                                    + " changes would lack their old values; run ALTER TABLE "
                                    + qualified
                                    + " REPLICA IDENTITY FULL"));
        }
    }

    /** Columns in table order, each with whether it is part of the primary key. */
    private static Map<String, Boolean> columnsOf(
            Connection connection, String schema, String table) throws SQLException {
        String sql =
                "SELECT a.attname, EXISTS (SELECT 1 FROM pg_index i WHERE i.indrelid = c.oid"
                        + " AND i.indisprimary AND a.attnum = ANY (i.indkey))"
                        + " FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace"
                        + " JOIN pg_attribute a ON a.attrelid = c.oid"
                        + " WHERE n.nspname = ? AND c.relname = ? AND a.attnum > 0"
                        + " AND NOT a.attisdropped ORDER BY a.attnum";
        Map<String, Boolean> columns = new LinkedHashMap<>();
        try (PreparedStatement statement = connection.prepareStatement(sql)) {
            statement.setString(1, schema);
            statement.setString(2, table);
            try (ResultSet rs = statement.executeQuery()) {
                while (rs.next()) {
                    columns.put(rs.getString(1), rs.getBoolean(2));
                }
            }
        }
        return columns;
    }

    private static boolean hasReplicaIdentity(char replicaIdentity) {
        // 'f' = FULL, 'i' = USING INDEX; 'd' = the primary key (there is none), 'n' = NOTHING.
        return replicaIdentity == 'f' || replicaIdentity == 'i';
    }

    private static String missingTable(String qualified, Map<String, Character> tablesOfSchema) {
        String schema = qualified.substring(0, qualified.indexOf('.'));
        String name = qualified.substring(qualified.indexOf('.') + 1);
        String caseHint =
                tablesOfSchema.keySet().stream()
                        .filter(existing -> existing.equalsIgnoreCase(name))
                        .findFirst()
                        .map(
                                existing ->
                                        " (names are case-sensitive: did you mean "
                                                + existing
                                                + "?)")
                        .orElse("");
        return "table "
                + qualified
                + " does not exist"
                + caseHint
                + "; "
                + (tablesOfSchema.isEmpty()
                        ? "schema " + schema + " has no tables (or does not exist)"
                        : "tables in schema " + schema + ": " + list(tablesOfSchema.keySet()))
                + "; correct the name, or create the table";
    }

    private static String missingColumn(String column, String table, String columnList) {
        return "column '"
                + column
                + "' is not a column of "
                + table
                + "; its columns: "
                + columnList;
    }

    private static String cannotConnect(String address, String username, SQLException error) {
        return "cannot use PostgreSQL at "
                + address
                + " as user '"
                + username
                + "': "
                + withoutFinalPeriod(messageOf(error))
                + "; is PostgreSQL running and reachable from here? check hostname, port,"
                + " database, username and password, and tls if the server requires TLS or"
                + " client certificates";
    }

    // ---- Kafka

    static List<ConfigProblem> checkKafka(KafkaSinkSettings kafka, Duration timeout) {
        String path = "sinks.kafka.bootstrapServers";
        int timeoutMillis = (int) Math.min(Integer.MAX_VALUE, timeout.toMillis());
        Properties properties =
                adminProperties(kafka.bootstrapServers(), kafka.properties(), timeout);
        String fix =
                "; is the broker running and reachable from here? check bootstrapServers; for"
                        + " TLS set sinks.kafka.tls, for SASL security.protocol and sasl.* in"
                        + " sinks.kafka.properties";
        Admin admin;
        try {
            admin = Admin.create(properties);
        } catch (KafkaException e) {
            return List.of(
                    new ConfigProblem(
                            path,
                            "cannot use Kafka at "
                                    + kafka.bootstrapServers()
                                    + ": "
                                    + messageOf(e)
                                    + fix));
        }
        try {
            admin.describeCluster(new DescribeClusterOptions().timeoutMs(timeoutMillis))
                    .nodes()
                    .get(timeoutMillis + 1_000L, TimeUnit.MILLISECONDS);
            return List.of();
        } catch (ExecutionException | TimeoutException e) {
            Throwable cause = e instanceof ExecutionException ? e.getCause() : e;
            return List.of(
                    new ConfigProblem(
                            path,
                            "cannot reach Kafka at "
                                    + kafka.bootstrapServers()
                                    + " within "
                                    + Durations.format(timeout)
                                    + ": "
                                    + messageOf(cause)
                                    + fix));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return List.of(new ConfigProblem(path, "interrupted while contacting Kafka"));
        } finally {
            // Do not wait for requests still retrying against an unreachable broker.
            admin.close(Duration.ZERO);
        }
    }

    /**
     * The settings of the preflight's admin client of {@code servers}: the security settings of
     * {@code clientProperties} (security.protocol, sasl.*, ssl.* are needed to connect at all;
     * producer-only settings would only be logged as unknown) and {@code timeout} for every call.
     */
    static Properties adminProperties(
            String servers, Map<String, String> clientProperties, Duration timeout) {
        Properties properties = new Properties();
        clientProperties.entrySet().stream()
                .filter(e -> AdminClientConfig.configNames().contains(e.getKey()))
                .forEach(e -> properties.setProperty(e.getKey(), e.getValue()));
        String timeoutMillis = String.valueOf(Math.min(Integer.MAX_VALUE, timeout.toMillis()));
        properties.setProperty(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, servers);
        properties.setProperty(AdminClientConfig.CLIENT_ID_CONFIG, "syncline-preflight");
        properties.setProperty(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, timeoutMillis);
        properties.setProperty(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, timeoutMillis);
        return properties;
    }

    // ---- target

    static List<ConfigProblem> checkTarget(TargetSettings target, Duration timeout) {
        try (Connection connection =
                connect(target.url(), target.username(), target.password(), timeout)) {
            return List.of();
        } catch (SQLException e) {
            return List.of(
                    new ConfigProblem(
                            "sinks.target.url",
                            cannotConnect(
                                    PostgresConnections.withoutParameters(target.url()),
                                    target.username(),
                                    e)));
        }
    }

    // ---- helpers

    private static Connection connect(
            String url, String username, String password, Duration timeout) throws SQLException {
        return PostgresConnections.open(url, username, password, timeout, "syncline-preflight");
    }

    private static List<ConfigProblem> await(
            Future<List<ConfigProblem>> result, long deadlineNanos, Duration deadline) {
        try {
            return result.get(Math.max(0, deadlineNanos - System.nanoTime()), TimeUnit.NANOSECONDS);
        } catch (TimeoutException e) {
            return List.of(
                    new ConfigProblem(
                            "",
                            "the connectivity checks did not finish within "
                                    + Durations.format(deadline)));
        } catch (ExecutionException e) {
            // A bug in a check, not a problem of the configuration.
            throw new IllegalStateException("Connectivity check failed", e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted during the connectivity checks", e);
        }
    }

    static String messageOf(Throwable e) {
        String message = e.getMessage();
        return message == null || message.isBlank() ? e.getClass().getSimpleName() : message;
    }

    private static String withoutFinalPeriod(String message) {
        return message.endsWith(".") ? message.substring(0, message.length() - 1) : message;
    }

    private static String list(Iterable<String> names) {
        List<String> all = new ArrayList<>();
        names.forEach(all::add);
        if (all.size() <= MAX_LISTED_NAMES) {
            return String.join(", ", all);
        }
        return String.join(", ", all.subList(0, MAX_LISTED_NAMES))
                + " and "
                + (all.size() - MAX_LISTED_NAMES)
                + " more";
    }

    private static ThreadFactory daemonThreads() {
        AtomicInteger count = new AtomicInteger();
        return runnable -> {
            Thread thread = new Thread(runnable, "syncline-preflight-" + count.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        };
    }
}
