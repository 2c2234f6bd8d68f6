package io.syncline.jobs.config;

import java.time.DateTimeException;
import java.time.ZoneId;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Binds a {@code type: mysql} or {@code type: mariadb} source. */
final class MySqlSourceBinder implements SourceBinder {

    static final String MYSQL = "mysql";
    static final String MARIADB = "mariadb";

    private static final int DEFAULT_PORT = 3306;
    private static final Pattern SERVER_ID = Pattern.compile("(\\d{1,10})(?:-(\\d{1,10}))?");
    private static final long MAX_SERVER_ID = 4_294_967_295L;

    private final String type;

    MySqlSourceBinder(String type) {
        this.type = type;
    }

    @Override
    public ChangeSourceConfig bind(ConfigNode node, SourceContext context) {
        DatabaseSourceKeys keys = DatabaseSourceKeys.bind(node, DEFAULT_PORT, "shop");
        String serverId = serverId(node.get("serverId"));
        String serverTimeZone = timeZone(node.get("serverTimeZone"));
        SourceContext.Tables tables =
                context.tables(
                        node,
                        "[{table: shop.orders, entityType: order, tenantColumn: tenant_id}]",
                        false);
        DatabaseSourceKeys.requireQualifiedTables(node, "database", "shop.orders");
        int snapshotChunkSize = DatabaseSourceKeys.snapshotChunkSize(node);
        node.rejectUnknownKeys();
        return new MySqlSourceConfig(
                context.id(),
                type,
                context.priority(),
                keys.hostname(),
                keys.port(),
                keys.database(),
                keys.username(),
                keys.password(),
                serverId,
                serverTimeZone,
                keys.startup(),
                tables.mappings(),
                snapshotChunkSize);
    }

    /**
     * A time zone id ({@code UTC}, {@code Europe/Berlin}, {@code +02:00}); {@code UTC} if absent.
     */
    private static String timeZone(ConfigNode node) {
        String value = node.text("UTC");
        try {
            return value == null ? null : ZoneId.of(value).getId();
        } catch (DateTimeException e) {
            node.problem(
                    "'"
                            + value
                            + "' is not a time zone; write the server's time_zone as a zone id,"
                            + " e.g. UTC, Europe/Berlin or +02:00");
            return null;
        }
    }

    /**
     * {@code 5400} or {@code 5400-5404}: ids of replicas, unique among all replicas of the server,
     * in 1..2^32-1; a range has one id per parallel reader.
     */
    private static String serverId(ConfigNode node) {
        String value = node.text(null);
        if (value == null) {
            return null;
        }
        Matcher matcher = SERVER_ID.matcher(value.trim());
        String fix =
                "; write one id or a range as large as the source's parallelism, e.g. 5400-5404,"
                        + " unique among the server's replicas";
        if (!matcher.matches()) {
            node.problem("'" + value + "' is not a server id" + fix);
            return null;
        }
        long first = Long.parseLong(matcher.group(1));
        long last = matcher.group(2) == null ? first : Long.parseLong(matcher.group(2));
        if (first < 1 || last > MAX_SERVER_ID) {
            node.problem("'" + value + "' is outside 1.." + MAX_SERVER_ID + fix);
            return null;
        }
        if (last < first) {
            node.problem("'" + value + "' ends before it starts" + fix);
            return null;
        }
        return value.trim();
    }
}
