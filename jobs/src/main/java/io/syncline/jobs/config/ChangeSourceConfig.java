package io.syncline.jobs.config;

import io.syncline.operators.sink.TargetColumn;
import java.util.List;
import java.util.Map;

/**
 * A source other than a Postgres database read by Flink CDC (those are {@link SourceConfig}): a
 * MySQL database, a Debezium topic, an HTTP API, a webhook. Each type has its own record and binder
 * (registered in {@link SourceBinders}) and its own wiring; all of them decode into the same {@code
 * ChangeEvent}, so nothing after decode knows the type.
 */
public interface ChangeSourceConfig {

    /** Stable id of the source; part of every event id, so it must not change once running. */
    String id();

    /** The {@code type:} it was configured with, e.g. {@code debezium-kafka}. */
    String type();

    /** Breaks ties of last-writer-wins between sources, as {@link SourceConfig#priority()}. */
    int priority();

    /** What the source reads, each mapped to an entity type, its key, tenant and target table. */
    List<TableMapping> tables();

    /**
     * The target columns declared in the configuration, by entity type, for sources with no
     * database to discover them from; empty for entity types whose target table exists already.
     */
    Map<String, List<TargetColumn>> declaredColumns();
}
