package io.syncline.jobs.config;

import io.syncline.operators.http.AccessTokens;
import io.syncline.operators.http.OAuthSettings;
import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ListTopicsOptions;
import org.apache.kafka.common.KafkaException;

/**
 * The connectivity checks of {@code validate-config} for the source types besides Postgres: a
 * MySQL/MariaDB server (reachable, binary log on in ROW format with full images, the tables there),
 * a Debezium source's topics (on their cluster), an HTTP source's token endpoint (the client
 * credentials accepted). Webhook sources listen rather than connect: nothing to check.
 */
final class ChangeSourcePreflight {

    private ChangeSourcePreflight() {}

    /** The problems of {@code source}, found at {@code path} ({@code sources[i]}). */
    static List<ConfigProblem> check(
            ChangeSourceConfig source, String path, SynclineConfig config, Duration timeout) {
        if (source instanceof MySqlSourceConfig mysql) {
            return checkMySql(mysql, path, timeout);
        }
        if (source instanceof DebeziumKafkaSourceConfig debezium) {
            return checkTopics(debezium, path, config.sinks().kafka(), timeout);
        }
        if (source instanceof HttpSourceConfig http && http.api().auth() != null) {
            return checkToken(http.api().auth(), path, timeout);
        }
        return List.of();
    }

    // ---- MySQL and MariaDB

    private static List<ConfigProblem> checkMySql(
            MySqlSourceConfig source, String path, Duration timeout) {
        String address = source.hostname() + ":" + source.port() + "/" + source.database();
        List<ConfigProblem> problems = new ArrayList<>();
        try (Connection connection = source.connect(timeout, timeout)) {
            checkBinlog(connection, path, problems);
            List<TableMapping> tables = source.tables();
            for (int i = 0; i < tables.size(); i++) {
                TableMapping table = tables.get(i);
                if (!exists(connection, table)) {
                    problems.add(
                            new ConfigProblem(
                                    ConfigPath.key(
                                            ConfigPath.index(ConfigPath.key(path, "tables"), i),
                                            "table"),
                                    "table "
                                            + table.table()
                                            + " does not exist at "
                                            + address
                                            + " or user '"
                                            + source.username()
                                            + "' cannot see it; write database.table and grant"
                                            + " SELECT on it"));
                }
            }
        } catch (SQLException e) {
            problems.add(
                    new ConfigProblem(
                            path,
                            "cannot use "
                                    + source.type()
                                    + " at "
                                    + address
                                    + " as user '"
                                    + source.username()
                                    + "': "
                                    + ConfigPreflight.messageOf(e)
                                    + "; is the server running and reachable from here? check"
                                    + " hostname, port, database, username and password"));
        }
        return problems;
    }

    private static void checkBinlog(
            Connection connection, String path, List<ConfigProblem> problems) throws SQLException {
        try (PreparedStatement query =
                        connection.prepareStatement(
                                "SELECT @@log_bin, @@binlog_format, @@binlog_row_image");
                ResultSet row = query.executeQuery()) {
            row.next();
            String logBin = row.getString(1);
            String format = row.getString(2);
            String image = row.getString(3);
            if (!"1".equals(logBin) && !"ON".equalsIgnoreCase(logBin)) {
                problems.add(
                        new ConfigProblem(
                                path,
                                "the server's binary log is off, so there is nothing to capture;"
                                        + " start it with log_bin, binlog_format=ROW and"
                                        + " binlog_row_image=FULL (see docs/sources/mysql.md)"));
            } else if (!"ROW".equalsIgnoreCase(format) || !"FULL".equalsIgnoreCase(image)) {
                problems.add(
                        new ConfigProblem(
                                path,
                                "the server logs binlog_format="
                                        + format
                                        + ", binlog_row_image="
                                        + image
                                        + "; CDC needs ROW and FULL (deletes must carry the"
                                        + " whole row, with its tenant): set them in the server's"
                                        + " configuration"));
            }
        }
    }

    private static boolean exists(Connection connection, TableMapping table) throws SQLException {
        try (PreparedStatement query =
                connection.prepareStatement(
                        "SELECT 1 FROM information_schema.tables WHERE table_schema = ? AND"
                                + " table_name = ?")) {
            query.setString(1, table.schemaName());
            query.setString(2, table.tableName());
            try (ResultSet rows = query.executeQuery()) {
                return rows.next();
            }
        }
    }

    // ---- Debezium topics

    private static List<ConfigProblem> checkTopics(
            DebeziumKafkaSourceConfig source,
            String path,
            KafkaSinkSettings sinks,
            Duration timeout) {
        boolean sameCluster = source.bootstrapServers() == null;
        String servers = sameCluster ? sinks.bootstrapServers() : source.bootstrapServers();
        int timeoutMillis = (int) Math.min(Integer.MAX_VALUE, timeout.toMillis());
        Properties properties =
                ConfigPreflight.adminProperties(
                        servers, sameCluster ? sinks.properties() : source.properties(), timeout);
        String where = sameCluster ? "sinks.kafka's cluster " + servers : servers;
        Admin admin;
        try {
            admin = Admin.create(properties);
        } catch (KafkaException e) {
            return List.of(
                    new ConfigProblem(
                            path,
                            "cannot use Kafka at " + where + ": " + ConfigPreflight.messageOf(e)));
        }
        try {
            Set<String> topics =
                    admin.listTopics(new ListTopicsOptions().timeoutMs(timeoutMillis))
                            .names()
                            .get(timeoutMillis + 1_000L, TimeUnit.MILLISECONDS);
            List<String> missing =
                    source.topics().stream().filter(t -> !topics.contains(t)).toList();
            return missing.isEmpty()
                    ? List.of()
                    : List.of(
                            new ConfigProblem(
                                    ConfigPath.key(path, "topics"),
                                    "no topic "
                                            + String.join(", ", missing)
                                            + " on "
                                            + where
                                            + "; Debezium names a table's topic"
                                            + " <topic.prefix>.<schema or database>.<table>:"
                                            + " check the names, or that the connector runs"));
        } catch (ExecutionException | TimeoutException e) {
            Throwable cause = e instanceof ExecutionException ? e.getCause() : e;
            return List.of(
                    new ConfigProblem(
                            path,
                            "cannot list the topics of Kafka at "
                                    + where
                                    + " within "
                                    + Durations.format(timeout)
                                    + ": "
                                    + ConfigPreflight.messageOf(cause)
                                    + "; check bootstrapServers (or eventHubs) and properties"));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return List.of(new ConfigProblem(path, "interrupted while contacting Kafka"));
        } finally {
            admin.close(Duration.ZERO);
        }
    }

    // ---- HTTP token endpoint

    private static List<ConfigProblem> checkToken(
            OAuthSettings auth, String path, Duration timeout) {
        String authPath = ConfigPath.key(path, "auth");
        try {
            HttpResponse<String> response =
                    HttpClient.newBuilder()
                            .connectTimeout(timeout)
                            .build()
                            .send(
                                    AccessTokens.tokenRequest(auth, timeout),
                                    HttpResponse.BodyHandlers.ofString());
            int status = response.statusCode();
            if (status == 200 && response.body().contains("access_token")) {
                return List.of();
            }
            return List.of(
                    new ConfigProblem(
                            authPath,
                            "the token endpoint "
                                    + auth.tokenUrl()
                                    + " answered "
                                    + status
                                    + (status == 400 || status == 401
                                            ? " to client '"
                                                    + auth.clientId()
                                                    + "'; check auth.clientId, auth.clientSecret"
                                                    + " and auth.scope"
                                            : " without an access token; check auth.tokenUrl")));
        } catch (IOException | IllegalArgumentException e) {
            return List.of(
                    new ConfigProblem(
                            authPath,
                            "cannot reach the token endpoint "
                                    + auth.tokenUrl()
                                    + ": "
                                    + ConfigPreflight.messageOf(e)
                                    + "; check auth.tokenUrl"));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return List.of(new ConfigProblem(authPath, "interrupted"));
        }
    }
}
