package io.syncline.benchmarks;

import io.syncline.jobs.config.SynclineConfig;
import java.nio.file.Path;
import java.time.Duration;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.flink.core.execution.JobClient;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Throughput of each job variant draining the same pre-filled backlog, and of a raw logical
 * decoding read of that WAL. Every variant first starts streaming from its own replication slot and
 * is stopped with a savepoint; then one backlog is written; then each variant is resumed in turn
 * and timed until all of the backlog is written to its change topic (counted {@code
 * read_uncommitted}, so that commits on checkpoints do not quantize the rate).
 */
final class DrainBenchmark {

    private static final Logger LOG = LoggerFactory.getLogger(DrainBenchmark.class);

    private final BenchEnvironment env;
    private final Workload workload;
    private final Progress progress;

    /**
     * One variant's drain.
     *
     * @param changes changes in the backlog
     * @param rate changes per second, see {@link #rate(ChangeTopicConsumer, long, long)}
     * @param seconds from resuming the job until the last change was visible
     * @param complete whether the whole backlog arrived before the timeout
     */
    record Drain(long changes, double rate, double seconds, boolean complete) {}

    /** What the drain phase measured. */
    record Outcome(
            Map<JobVariant, Drain> drains,
            double rawRate,
            long backlog,
            double fillRate,
            Map<String, Double> fullPipelineCpu) {}

    DrainBenchmark(BenchEnvironment env, Workload workload, Progress progress) {
        this.env = env;
        this.workload = workload;
        this.progress = progress;
    }

    Outcome run(List<JobVariant> variants) throws Exception {
        Map<JobVariant, SynclineConfig> configs = new EnumMap<>(JobVariant.class);
        Map<JobVariant, String> savepoints = new EnumMap<>(JobVariant.class);
        for (JobVariant variant : variants) {
            progress.step("drain: starting " + variant.id() + " to take its place in the WAL");
            SynclineConfig config = env.config(variant);
            configs.put(variant, config);
            JobClient job = FlinkJobs.start(variant, config, null);
            FlinkJobs.awaitStreaming(env.postgres(), BenchEnvironment.slotName(variant.id()), job);
            Path directory = env.workDir().resolve("savepoints").resolve(variant.id());
            savepoints.put(variant, FlinkJobs.stopWithSavepoint(job, directory.toUri().toString()));
        }

        RawLogicalDecodingReader raw =
                new RawLogicalDecodingReader(env.postgres(), BenchEnvironment.PUBLICATION);
        raw.createSlot();
        progress.step(
                "drain: writing a backlog of " + env.settings().backlogChanges() + " changes");
        Workload.WriteStats fill = workload.runAsFastAsPossible(env.settings().backlogChanges());
        long backlog = fill.changes();
        progress.step(
                String.format(
                        "drain: backlog written at %,.0f changes/s; raw logical decoding read",
                        fill.rate()));
        double rawRate = raw.read(backlog, timeout(backlog));

        Map<JobVariant, Drain> drains = new EnumMap<>(JobVariant.class);
        Map<String, Double> cpu = new LinkedHashMap<>();
        CpuProfiler profiler = new CpuProfiler(env.postgres());
        for (JobVariant variant : variants) {
            progress.step("drain: resuming " + variant.id());
            try (ChangeTopicConsumer consumer =
                    new ChangeTopicConsumer(
                            env.kafka().bootstrapServers(),
                            BenchEnvironment.changeTopic(variant.id()),
                            false,
                            // Counted as written: with commits every checkpoint, a fast variant
                            // would otherwise show its whole backlog in one or two steps.
                            false)) {
                boolean profile = variant == JobVariant.FULL;
                if (profile) {
                    profiler.start();
                }
                JobClient job =
                        FlinkJobs.start(variant, configs.get(variant), savepoints.get(variant));
                FlinkJobs.awaitStreaming(
                        env.postgres(), BenchEnvironment.slotName(variant.id()), job);
                long startMillis = System.currentTimeMillis();
                boolean complete = consumer.awaitCount(backlog, timeout(backlog));
                if (profile) {
                    cpu.putAll(profiler.stop());
                }
                double rate = rate(consumer, backlog, startMillis);
                double seconds = (consumer.lastVisibleMillis() - startMillis) / 1000.0;
                awaitCommitted(variant, backlog);
                FlinkJobs.cancel(job);
                drains.put(variant, new Drain(consumer.count(), rate, seconds, complete));
                LOG.info("{} drained {} changes at {}/s", variant, consumer.count(), rate);
            }
            env.dropSlot(variant.id());
        }
        return new Outcome(drains, rawRate, backlog, fill.rate(), cpu);
    }

    /**
     * The drain rate: the steady pace between 10% and 90% of the backlog becoming visible, which
     * leaves out the job's start-up and the wait for the last checkpoint. When the backlog became
     * visible in one commit (a small one), the whole backlog over the time from the source starting
     * to stream until it was visible.
     */
    static double rate(ChangeTopicConsumer consumer, long backlog, long streamingSinceMillis) {
        double steady = consumer.steadyRate(backlog);
        if (!Double.isNaN(steady)) {
            return steady;
        }
        long count = Math.min(consumer.count(), backlog);
        double seconds =
                Math.max(0.001, (consumer.lastVisibleMillis() - streamingSinceMillis) / 1000.0);
        return count / seconds;
    }

    /**
     * Waits until the backlog is committed too, so that cancelling the job aborts nothing that a
     * later step reads back.
     */
    private void awaitCommitted(JobVariant variant, long backlog) throws InterruptedException {
        try (ChangeTopicConsumer committed =
                new ChangeTopicConsumer(
                        env.kafka().bootstrapServers(),
                        BenchEnvironment.changeTopic(variant.id()),
                        false,
                        true)) {
            committed.awaitCount(backlog, timeout(backlog));
        }
    }

    private static Duration timeout(long changes) {
        return Duration.ofSeconds(Math.min(300, 60 + changes / 1000));
    }
}
