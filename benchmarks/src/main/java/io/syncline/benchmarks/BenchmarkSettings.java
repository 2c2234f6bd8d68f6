package io.syncline.benchmarks;

import java.time.Duration;
import java.util.List;

/**
 * The sizes of one benchmark run: the full run (minutes, the figures worth reporting) or the quick
 * run (seconds, a smoke test that every measurement still works).
 *
 * @param parallelism parallelism of every Flink job
 * @param checkpointInterval checkpoint interval of every Flink job
 * @param writers workload connections writing concurrently
 * @param txSize changes per source transaction
 * @param seedRowsPerTable rows in each source table before anything is measured
 * @param backlogChanges changes pre-filled for the drain measurements
 * @param rates change rates tried, in order, for the highest sustained rate
 * @param stepDuration how long each rate is held
 * @param latencyDuration how long the latency run lasts
 * @param jdbcRows rows written for the JDBC sink comparison
 * @param latencyBound the latency (p99, from when a change was due) a sustained rate must stay
 *     under
 */
public record BenchmarkSettings(
        boolean quick,
        int parallelism,
        Duration checkpointInterval,
        int writers,
        int txSize,
        int seedRowsPerTable,
        long backlogChanges,
        List<Integer> rates,
        Duration stepDuration,
        Duration latencyDuration,
        int jdbcRows,
        Duration latencyBound) {

    /** The required sustained rate, changes per second. */
    public static final int TARGET_RATE = 10_000;

    public BenchmarkSettings {
        rates = List.copyOf(rates);
    }

    /** The full run. */
    public static BenchmarkSettings full(int parallelism, Duration checkpointInterval) {
        return new BenchmarkSettings(
                false,
                parallelism,
                checkpointInterval,
                4,
                4,
                20_000,
                150_000,
                List.of(4_000, 6_000, 8_000, 10_000, 12_000, 14_000),
                Duration.ofSeconds(20),
                Duration.ofSeconds(40),
                100_000,
                Duration.ofSeconds(5));
    }

    /** The smoke-test run: tiny loads, a few seconds per measurement. */
    public static BenchmarkSettings quick(int parallelism, Duration checkpointInterval) {
        return new BenchmarkSettings(
                true,
                parallelism,
                checkpointInterval,
                2,
                4,
                500,
                3_000,
                List.of(500),
                Duration.ofSeconds(4),
                Duration.ofSeconds(4),
                2_000,
                Duration.ofSeconds(5));
    }

    /** The same settings with other rates tried. */
    public BenchmarkSettings withRates(List<Integer> newRates) {
        return new BenchmarkSettings(
                quick,
                parallelism,
                checkpointInterval,
                writers,
                txSize,
                seedRowsPerTable,
                backlogChanges,
                newRates,
                stepDuration,
                latencyDuration,
                jdbcRows,
                latencyBound);
    }
}
