package io.syncline.jobs.wiring;

import io.syncline.jobs.config.ChangeSourceConfig;
import io.syncline.jobs.config.SynclineConfig;
import io.syncline.jobs.wiring.sources.DebeziumKafkaSources;
import io.syncline.jobs.wiring.sources.HttpSources;
import io.syncline.jobs.wiring.sources.MySqlSources;
import io.syncline.jobs.wiring.sources.SqlServerSources;
import io.syncline.jobs.wiring.sources.WebhookSources;
import java.util.Map;

/** The wiring of every source type besides {@code postgres}, by type name. */
public final class ChangeSources {

    private static final Map<String, ChangeSourceWiring> WIRINGS =
            Map.of(
                    "debezium-kafka", new DebeziumKafkaSources(),
                    "webhook", new WebhookSources(),
                    "http", new HttpSources(),
                    "mysql", new MySqlSources(),
                    "mariadb", new MySqlSources(),
                    "sqlserver", new SqlServerSources());

    private ChangeSources() {}

    /** The Flink source of {@code source}. */
    public static WiredSource wire(
            ChangeSourceConfig source, SynclineConfig config, SourceTables tables) {
        ChangeSourceWiring wiring = WIRINGS.get(source.type());
        if (wiring == null) {
            throw new IllegalStateException(
                    "source '" + source.id() + "' has type '" + source.type() + "', not wired");
        }
        return wiring.wire(source, config, tables);
    }
}
