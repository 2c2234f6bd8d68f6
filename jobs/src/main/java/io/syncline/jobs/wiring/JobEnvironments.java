package io.syncline.jobs.wiring;

import io.syncline.jobs.config.SynclineConfig;
import org.apache.flink.api.common.RuntimeExecutionMode;
import org.apache.flink.configuration.CheckpointingOptions;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.ExecutionOptions;
import org.apache.flink.configuration.ExternalizedCheckpointRetention;
import org.apache.flink.configuration.MemorySize;
import org.apache.flink.configuration.PipelineOptions;
import org.apache.flink.configuration.RestartStrategyOptions;
import org.apache.flink.configuration.StateBackendOptions;
import org.apache.flink.configuration.TaskManagerOptions;
import org.apache.flink.core.execution.CheckpointingMode;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

/**
 * The Flink settings every Syncline job runs with: RocksDB with incremental, retained, exactly-once
 * checkpoints and the exponential-delay restart strategy.
 */
public final class JobEnvironments {

    /** Managed memory of a local cluster's TaskManager, where RocksDB keeps its buffers. */
    static final MemorySize LOCAL_MANAGED_MEMORY = MemorySize.ofMebiBytes(512);

    private JobEnvironments() {}

    /** The job's Flink configuration, derived from {@code config}. */
    public static Configuration configuration(SynclineConfig config) {
        Configuration flink = new Configuration();
        flink.set(PipelineOptions.NAME, config.job().name());
        // No operator changes a record it was handed, so chained operators can share them
        // instead of copying each one.
        flink.set(PipelineOptions.OBJECT_REUSE, true);
        flink.set(StateBackendOptions.STATE_BACKEND, "rocksdb");
        // For a local cluster (the demo, the benchmarks); a real cluster sizes its TaskManagers
        // itself. RocksDB takes its memory from it, shared by the keyed stages' instances in a
        // slot: with Flink's local default of 128 MB their write buffers were so small that a
        // 40,000-change drain ran at 2,064 changes/s against 5,004 (with dedup still a stage).
        flink.set(TaskManagerOptions.MANAGED_MEMORY_SIZE, LOCAL_MANAGED_MEMORY);
        int prometheusPort = config.observability().prometheusPort();
        if (prometheusPort > 0) {
            // Read by a local cluster only (the demo, syncline run without a cluster); a real
            // cluster configures its reporters in its own Flink configuration.
            prometheusReporter(flink, String.valueOf(prometheusPort));
        }
        flink.set(CheckpointingOptions.INCREMENTAL_CHECKPOINTS, true);
        flink.set(CheckpointingOptions.CHECKPOINTS_DIRECTORY, config.checkpoints().directory());
        flink.set(CheckpointingOptions.CHECKPOINTING_INTERVAL, config.checkpoints().interval());
        flink.set(CheckpointingOptions.CHECKPOINTING_TIMEOUT, config.checkpoints().timeout());
        flink.set(
                CheckpointingOptions.MIN_PAUSE_BETWEEN_CHECKPOINTS,
                config.checkpoints().minPause());
        flink.set(
                CheckpointingOptions.CHECKPOINTING_CONSISTENCY_MODE,
                CheckpointingMode.EXACTLY_ONCE);
        flink.set(
                CheckpointingOptions.EXTERNALIZED_CHECKPOINT_RETENTION,
                ExternalizedCheckpointRetention.RETAIN_ON_CANCELLATION);
        flink.set(RestartStrategyOptions.RESTART_STRATEGY, "exponential-delay");
        flink.set(
                RestartStrategyOptions.RESTART_STRATEGY_EXPONENTIAL_DELAY_INITIAL_BACKOFF,
                config.restart().initialBackoff());
        flink.set(
                RestartStrategyOptions.RESTART_STRATEGY_EXPONENTIAL_DELAY_MAX_BACKOFF,
                config.restart().maxBackoff());
        flink.set(
                RestartStrategyOptions.RESTART_STRATEGY_EXPONENTIAL_DELAY_BACKOFF_MULTIPLIER,
                config.restart().backoffMultiplier());
        flink.set(
                RestartStrategyOptions.RESTART_STRATEGY_EXPONENTIAL_DELAY_RESET_BACKOFF_THRESHOLD,
                config.restart().resetBackoffThreshold());
        flink.set(
                RestartStrategyOptions.RESTART_STRATEGY_EXPONENTIAL_DELAY_JITTER_FACTOR,
                config.restart().jitterFactor());
        return flink;
    }

    /**
     * The Flink configuration of a bounded job of {@code config} (backfill, replay): the sync
     * job's, in BATCH execution mode, without checkpoints (a failed batch job restarts the failed
     * region instead), named {@code name}, with a slot per subtask when it runs locally.
     */
    public static Configuration batch(SynclineConfig config, String name, int parallelism) {
        Configuration flink = configuration(config);
        flink.set(ExecutionOptions.RUNTIME_MODE, RuntimeExecutionMode.BATCH);
        flink.removeConfig(CheckpointingOptions.CHECKPOINTING_INTERVAL);
        flink.set(PipelineOptions.NAME, name);
        // A local run's MiniCluster: a slot per subtask. Left alone, it sizes itself by the job
        // graph, whose BATCH vertices leave their parallelism to the adaptive scheduler, and gets
        // one slot, so the subtasks of each stage run one after the other. A cluster ignores it.
        flink.set(TaskManagerOptions.NUM_TASK_SLOTS, parallelism);
        return flink;
    }

    /**
     * Adds the Prometheus reporter to {@code flink}: every metric, with tenant, entity type and
     * source as labels, at {@code http://host:<port>/metrics}.
     *
     * @param ports a port or a range such as {@code 9249-9259}
     */
    public static void prometheusReporter(Configuration flink, String ports) {
        flink.setString(
                PROMETHEUS_PREFIX + "factory.class",
                "org.apache.flink.metrics.prometheus.PrometheusReporterFactory");
        flink.setString(PROMETHEUS_PREFIX + "port", ports);
    }

    private static final String PROMETHEUS_PREFIX = "metrics.reporter.prom.";

    /** Applies the job's settings to {@code env}. */
    public static StreamExecutionEnvironment configure(
            StreamExecutionEnvironment env, SynclineConfig config) {
        env.configure(configuration(config));
        env.setParallelism(config.job().parallelism());
        return env;
    }
}
