package io.syncline.jobs.config;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/** The source types besides {@code postgres}, by the name written in {@code type:}. */
final class SourceBinders {

    private static final Map<String, SourceBinder> BINDERS = new LinkedHashMap<>();

    static {
        BINDERS.put(DebeziumKafkaSourceBinder.TYPE, new DebeziumKafkaSourceBinder());
        BINDERS.put(WebhookSourceBinder.TYPE, new WebhookSourceBinder());
        BINDERS.put(HttpSourceBinder.TYPE, new HttpSourceBinder());
        BINDERS.put(MySqlSourceBinder.MYSQL, new MySqlSourceBinder(MySqlSourceBinder.MYSQL));
        BINDERS.put(MySqlSourceBinder.MARIADB, new MySqlSourceBinder(MySqlSourceBinder.MARIADB));
        BINDERS.put(SqlServerSourceBinder.TYPE, new SqlServerSourceBinder());
    }

    private SourceBinders() {}

    /** The binder of {@code type}; {@code null} if there is none. */
    static SourceBinder of(String type) {
        return BINDERS.get(type);
    }

    /** The type names, in the order they are listed in messages. */
    static Set<String> types() {
        return BINDERS.keySet();
    }
}
