package io.syncline.jobs.config;

import io.syncline.operators.http.CursorSettings;
import io.syncline.operators.http.HttpApiSettings;
import io.syncline.operators.http.ItemFields;
import io.syncline.operators.http.OAuthSettings;
import io.syncline.operators.retry.RetryPolicy;
import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.List;

/** Binds a {@code type: http} source. */
final class HttpSourceBinder implements SourceBinder {

    static final String TYPE = "http";

    private static final String LINK = "link";
    private static final String NONE = "none";

    @Override
    public ChangeSourceConfig bind(ConfigNode node, SourceContext context) {
        String baseUrl = url(node.get("baseUrl"), "https://api.example.com/v2", true);
        OAuthSettings auth = auth(node.get("auth"));
        Duration pollInterval = positive(node.get("pollInterval"), Duration.ofSeconds(10));
        int pageSize = node.get("pageSize").integer(100, 1, 100_000);
        String pageSizeParam = nonBlank(node.get("pageSizeParam"), "limit");
        String items = pointer(node.get("items"), "/data");
        CursorSettings cursor = cursor(node.get("cursor"));
        ItemFields fields = fields(node.get("fields"));
        RetryPolicy retry = retry(node.get("retry"));
        Duration requestTimeout = positive(node.get("requestTimeout"), Duration.ofSeconds(30));
        SourceContext.Tables tables =
                context.tables(
                        node,
                        "[{table: customers, entityType: customer, primaryKey: [id],"
                                + " tenantColumn: tenant_id}]",
                        true);
        List<ConfigNode> entries = node.get("tables").elements();
        for (int i = 0; i < tables.mappings().size() && i < entries.size(); i++) {
            String table = tables.mappings().get(i).table();
            if (table != null && table.contains(".")) {
                entries.get(i)
                        .get("table")
                        .problem(
                                "'"
                                        + table
                                        + "' names a resource below baseUrl, which has no"
                                        + " schema; write the resource alone, e.g. customers,"
                                        + " and put any path before it into baseUrl");
            }
        }
        if (cursor != null
                && cursor.mode() == CursorSettings.Mode.TIMESTAMP
                && fields.updatedAtField() == null) {
            node.get("fields")
                    .problem(
                            "a timestamp cursor advances by the items' update time; set"
                                    + " fields.updatedAt, e.g. updated_at");
        }
        node.rejectUnknownKeys();
        HttpApiSettings api = null;
        if (baseUrl != null && items != null && pageSizeParam != null) {
            try {
                api =
                        new HttpApiSettings(
                                baseUrl,
                                auth,
                                pollInterval,
                                pageSize,
                                pageSizeParam,
                                items,
                                cursor,
                                fields,
                                retry,
                                requestTimeout);
            } catch (IllegalArgumentException e) {
                // Reported above; the loader throws before this is used.
            }
        }
        return new HttpSourceConfig(
                context.id(), context.priority(), api, tables.mappings(), tables.declaredColumns());
    }

    private static OAuthSettings auth(ConfigNode node) {
        if (node.isAbsent()) {
            return null;
        }
        String tokenUrl = url(node.get("tokenUrl"), "https://auth.example.com/oauth/token", true);
        String clientId = node.get("clientId").requiredText("syncline");
        String clientSecret = node.get("clientSecret").requiredText("${API_CLIENT_SECRET}");
        String scope = node.get("scope").text(null);
        String clientAuth =
                DebeziumKafkaSourceBinder.oneOf(node.get("clientAuth"), List.of("basic", "form"));
        Duration refreshMargin = positive(node.get("refreshMargin"), Duration.ofSeconds(30));
        node.rejectUnknownKeys();
        if (tokenUrl == null || clientId == null || clientSecret == null) {
            return null; // Reported; the loader throws before this is used.
        }
        return new OAuthSettings(
                tokenUrl, clientId, clientSecret, scope, "basic".equals(clientAuth), refreshMargin);
    }

    private static CursorSettings cursor(ConfigNode node) {
        String mode =
                DebeziumKafkaSourceBinder.oneOf(node.get("mode"), List.of("token", "timestamp"));
        boolean timestamp = "timestamp".equals(mode);
        String param = nonBlank(node.get("param"), timestamp ? "since" : "cursor");
        ConfigNode nextNode = node.get("next");
        String next = null;
        if (timestamp) {
            if (!nextNode.isAbsent()) {
                nextNode.problem(
                        "a timestamp cursor is the latest update time read, not read from the"
                                + " page; remove next or use mode: token");
            }
        } else {
            next = nextNode.text("/next_cursor");
            if (LINK.equals(next)) {
                next = null;
            } else if (next != null && !next.startsWith("/")) {
                nextNode.problem(
                        "'"
                                + next
                                + "' is neither a JSON pointer nor 'link'; write e.g."
                                + " /next_cursor, /meta/next, or link for a Link: <...>;"
                                + " rel=\"next\" header");
            }
        }
        ConfigNode initialNode = node.get("initial");
        String initial = initialNode.text(null);
        if (timestamp && initial != null) {
            try {
                Instant.parse(initial);
            } catch (DateTimeParseException e) {
                initialNode.problem(
                        "'" + initial + "' is not an ISO-8601 instant; e.g. 2026-01-01T00:00:00Z");
            }
        }
        node.rejectUnknownKeys();
        return new CursorSettings(
                timestamp ? CursorSettings.Mode.TIMESTAMP : CursorSettings.Mode.TOKEN,
                param == null ? "cursor" : param,
                next,
                initial);
    }

    private static ItemFields fields(ConfigNode node) {
        String version = optionalField(node.get("version"), null);
        String updatedAt = optionalField(node.get("updatedAt"), "updated_at");
        String deleted = optionalField(node.get("deleted"), "deleted");
        String op = optionalField(node.get("op"), null);
        node.rejectUnknownKeys();
        if (version == null && updatedAt == null) {
            node.problem(
                    "an item needs a version that rises with each change of its entity: set"
                            + " version (a whole-number field) or updatedAt (a timestamp field)");
            return ItemFields.defaults();
        }
        return new ItemFields(version, updatedAt, deleted, op);
    }

    /** A field name, or null when absent with no default or written {@code none}. */
    private static String optionalField(ConfigNode node, String defaultName) {
        String name = node.text(defaultName);
        if (name != null && name.isBlank()) {
            node.problem("must not be empty; write a field name or none");
            return defaultName;
        }
        return NONE.equals(name) ? null : name;
    }

    private static RetryPolicy retry(ConfigNode node) {
        Duration initial = positive(node.get("initialBackoff"), Duration.ofSeconds(1));
        ConfigNode maxNode = node.get("maxBackoff");
        Duration max = positive(maxNode, Duration.ofMinutes(1));
        int maxAttempts = node.get("maxAttempts").integer(8, 1, 1000);
        ConfigNode jitterNode = node.get("jitter");
        double jitter = jitterNode.decimal(0.2);
        if (jitter < 0 || jitter > 1) {
            jitterNode.problem("must be between 0 and 1, was " + jitter);
            jitter = 0.2;
        }
        node.rejectUnknownKeys();
        if (max.compareTo(initial) < 0) {
            maxNode.problem(
                    "must not be shorter than initialBackoff ("
                            + Durations.format(initial)
                            + "), was "
                            + Durations.format(max));
            max = initial;
        }
        return new RetryPolicy(maxAttempts, initial, max, 2.0, jitter);
    }

    private static String url(ConfigNode node, String example, boolean required) {
        String text = required ? node.requiredText(example) : node.text(null);
        if (text == null) {
            return null;
        }
        try {
            URI uri = new URI(text);
            if (("http".equals(uri.getScheme()) || "https".equals(uri.getScheme()))
                    && uri.getHost() != null
                    && uri.getQuery() == null) {
                return text;
            }
        } catch (URISyntaxException e) {
            // Reported below.
        }
        node.problem("'" + text + "' is not an http(s) URL without a query; e.g. " + example);
        return null;
    }

    private static String pointer(ConfigNode node, String defaultPointer) {
        String pointer = node.text(defaultPointer);
        if (pointer != null && !pointer.isEmpty() && !pointer.startsWith("/")) {
            node.problem(
                    "'"
                            + pointer
                            + "' is not a JSON pointer; write e.g. /data, /result/items, or \"\""
                            + " when the page is the array itself");
            return defaultPointer;
        }
        return pointer;
    }

    private static String nonBlank(ConfigNode node, String defaultValue) {
        String text = node.text(defaultValue);
        if (text != null && text.isBlank()) {
            node.problem("must not be empty; e.g. " + defaultValue);
            return defaultValue;
        }
        return text;
    }

    private static Duration positive(ConfigNode node, Duration defaultValue) {
        Duration duration = node.duration(defaultValue);
        if (duration.isNegative() || duration.isZero()) {
            node.problem("must be longer than 0, e.g. " + Durations.format(defaultValue));
            return defaultValue;
        }
        return duration;
    }
}
