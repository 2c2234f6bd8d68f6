package io.syncline.jobs.wiring.sources;

import io.syncline.jobs.SyncJob;
import io.syncline.jobs.config.ChangeSourceConfig;
import io.syncline.jobs.config.HttpSourceConfig;
import io.syncline.jobs.config.SynclineConfig;
import io.syncline.jobs.config.TableMapping;
import io.syncline.jobs.wiring.ChangeSourceWiring;
import io.syncline.jobs.wiring.DiscoveredTable;
import io.syncline.jobs.wiring.SourceTables;
import io.syncline.jobs.wiring.WiredSource;
import io.syncline.operators.http.HttpDeltaSource;
import io.syncline.operators.http.HttpResource;
import io.syncline.operators.http.HttpSourceSettings;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Reads an HTTP delta API with an {@link HttpDeltaSource}: one split per resource, whose cursor is
 * in Flink's checkpoints, so a restored job asks again from the cursor of the last items emitted.
 */
public final class HttpSources implements ChangeSourceWiring {

    @Override
    public WiredSource wire(ChangeSourceConfig config, SynclineConfig sync, SourceTables tables) {
        HttpSourceConfig source = (HttpSourceConfig) config;
        List<DiscoveredTable> discovered = tables.resolve(source);
        return new WiredSource(
                new SyncJob.ChangeSource(
                        source.id(),
                        new HttpDeltaSource(
                                settings(source, discovered, Set.copyOf(sync.tenants())),
                                Clock.systemUTC())),
                discovered);
    }

    /** The operators' settings of {@code source}, its resources keyed as {@code tables} say. */
    public static HttpSourceSettings settings(
            HttpSourceConfig source, List<DiscoveredTable> tables, Set<String> tenants) {
        List<HttpResource> resources = new ArrayList<>();
        for (DiscoveredTable table : tables) {
            TableMapping mapping = table.mapping();
            resources.add(
                    new HttpResource(
                            "/" + mapping.table(),
                            mapping.entityType(),
                            table.primaryKey(),
                            mapping.tenantColumn(),
                            mapping.tenant()));
        }
        return new HttpSourceSettings(source.id(), source.api(), resources, tenants);
    }
}
