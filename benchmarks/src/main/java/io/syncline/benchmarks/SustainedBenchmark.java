package io.syncline.benchmarks;

import io.syncline.jobs.config.SynclineConfig;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.HdrHistogram.Histogram;
import org.apache.flink.core.execution.JobClient;

/**
 * The sync job under open-loop load at fixed rates: the highest rate it sustains (the writer keeps
 * the rate, every change becomes visible, and the p99 latency from when a change was due stays
 * under the bound), then a longer run at the target rate (or the highest sustained one, if lower)
 * for the latency percentiles, from source commit to visible in the change topic ({@code
 * read_committed}) and in the target table.
 */
final class SustainedBenchmark {

    private static final String VARIANT = "sustained";
    private static final Duration DRAIN_TIMEOUT = Duration.ofSeconds(60);
    private static final int PROBE_EVERY = 50;

    private final BenchEnvironment env;
    private final Workload workload;
    private final Progress progress;

    /** One rate held for a while. */
    record Step(
            int offeredRate,
            double writtenRate,
            double deliveredRate,
            boolean drained,
            double scheduleLagP99Millis,
            Latency sinceCommit,
            Latency sinceDue,
            Latency targetTable,
            boolean sustained) {}

    /** Latency percentiles in milliseconds. */
    record Latency(double p50, double p99, double max, long count) {
        static Latency of(Histogram histogram) {
            return new Latency(
                    histogram.getValueAtPercentile(50),
                    histogram.getValueAtPercentile(99),
                    histogram.getMaxValue(),
                    histogram.getTotalCount());
        }
    }

    /** What the sustained phase measured. */
    record Outcome(
            List<Step> steps, int highestSustained, Step latencyRun, Map<String, Double> cpu) {}

    SustainedBenchmark(BenchEnvironment env, Workload workload, Progress progress) {
        this.env = env;
        this.workload = workload;
        this.progress = progress;
    }

    Outcome run() throws Exception {
        SynclineConfig config = env.config(VARIANT);
        progress.step("sustained: starting the sync job");
        JobClient job = FlinkJobs.start(JobVariant.FULL, config, null);
        try (ChangeTopicConsumer consumer =
                        new ChangeTopicConsumer(
                                env.kafka().bootstrapServers(),
                                BenchEnvironment.changeTopic(VARIANT),
                                true,
                                true);
                TargetProbe probe =
                        new TargetProbe(
                                env.postgres(),
                                BenchEnvironment.targetDatabase(VARIANT),
                                PROBE_EVERY)) {
            FlinkJobs.awaitStreaming(env.postgres(), BenchEnvironment.slotName(VARIANT), job);
            // Warm-up: JIT, connections, the first checkpoints.
            step(
                    consumer,
                    probe,
                    Math.min(1_000, env.settings().rates().get(0)),
                    Duration.ofSeconds(3));

            List<Step> steps = new ArrayList<>();
            int highest = 0;
            for (int rate : env.settings().rates()) {
                progress.step(String.format("sustained: %,d changes/s", rate));
                Step step = step(consumer, probe, rate, env.settings().stepDuration());
                steps.add(step);
                progress.step(
                        String.format(
                                "sustained: %,d/s offered, %,.0f/s written, %,.0f/s delivered,"
                                        + " p99 %,.0f ms since due -> %s",
                                rate,
                                step.writtenRate(),
                                step.deliveredRate(),
                                step.sinceDue().p99(),
                                step.sustained() ? "sustained" : "NOT sustained"));
                if (!step.sustained()) {
                    break;
                }
                highest = rate;
            }

            int latencyRate =
                    highest == 0
                            ? env.settings().rates().get(0) / 2
                            : Math.min(highest, BenchmarkSettings.TARGET_RATE);
            progress.step(String.format("latency: %,d changes/s", latencyRate));
            CpuProfiler profiler = new CpuProfiler(env.postgres());
            profiler.start();
            Step latencyRun = step(consumer, probe, latencyRate, env.settings().latencyDuration());
            Map<String, Double> cpu = new LinkedHashMap<>(profiler.stop());
            return new Outcome(steps, highest, latencyRun, cpu);
        } finally {
            FlinkJobs.cancel(job);
            env.dropSlot(VARIANT);
        }
    }

    private Step step(ChangeTopicConsumer consumer, TargetProbe probe, int rate, Duration duration)
            throws Exception {
        consumer.commitLatency().reset();
        consumer.dueLatency().reset();
        probe.latency().reset();
        long before = consumer.count();
        long startMillis = System.currentTimeMillis();
        Workload.WriteStats written = workload.runAtRate(rate, duration, probe);
        boolean drained = consumer.awaitCount(before + written.changes(), DRAIN_TIMEOUT);
        long delivered = consumer.count() - before;
        double seconds = Math.max(1e-3, (consumer.lastVisibleMillis() - startMillis) / 1000.0);
        // Target-table probes trail the topic by a batch interval at most; give them a moment.
        Thread.sleep(500);
        Latency sinceCommit = Latency.of(consumer.commitLatency().getIntervalHistogram());
        Latency sinceDue = Latency.of(consumer.dueLatency().getIntervalHistogram());
        Latency target = Latency.of(probe.latency().getIntervalHistogram());
        boolean sustained =
                drained
                        && written.rate() >= 0.97 * rate
                        && sinceDue.p99() <= env.settings().latencyBound().toMillis();
        return new Step(
                rate,
                written.rate(),
                delivered / seconds,
                drained,
                written.scheduleLagP99Millis(),
                sinceCommit,
                sinceDue,
                target,
                sustained);
    }
}
