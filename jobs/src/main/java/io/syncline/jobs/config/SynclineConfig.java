package io.syncline.jobs.config;

import java.nio.file.Path;
import java.util.List;

/**
 * The whole validated configuration of a Syncline job, parsed from one YAML file by {@link
 * ConfigLoader}. Immutable; every nested part is a record too.
 *
 * @param file the file it was read from, named in every error message
 * @param sources the Postgres sources (type {@code postgres}), read by Flink CDC
 * @param changeSources the sources of every other type, in file order
 * @param sourceOrder the ids of all sources as the file lists them, for messages naming a source by
 *     its path
 * @param tenants allow-list of tenants; empty means every tenant is accepted
 * @param consistency de-duplication, ordering and conflict resolution
 * @param observability quality and lag windows, thresholds, heartbeats and metrics
 * @param alerts where alerts go and how often
 * @param backfill how {@code syncline backfill} reads
 * @param security classification, encryption keys, signed control commands, audit and retention
 * @param eventStore the event topic every delivered change is appended to, for replays
 */
public record SynclineConfig(
        Path file,
        JobSettings job,
        CheckpointSettings checkpoints,
        RestartSettings restart,
        List<SourceConfig> sources,
        List<ChangeSourceConfig> changeSources,
        List<String> sourceOrder,
        List<String> tenants,
        SinkSettings sinks,
        ValidationSettings validation,
        ConsistencySettings consistency,
        ObservabilitySettings observability,
        AlertSettings alerts,
        BackfillSettings backfill,
        SecuritySettings security,
        EventStoreSettings eventStore) {

    public SynclineConfig {
        tenants = List.copyOf(tenants);
        sources = List.copyOf(sources);
        changeSources = List.copyOf(changeSources);
        sourceOrder = List.copyOf(sourceOrder);
    }

    /** The path of the source {@code id} in the file, e.g. {@code sources[1]}. */
    public String sourcePath(String id) {
        int index = sourceOrder.indexOf(id);
        return index < 0 ? "sources" : ConfigPath.index("sources", index);
    }
}
