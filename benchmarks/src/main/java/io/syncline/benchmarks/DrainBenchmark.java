package io.syncline.benchmarks;

import io.syncline.jobs.config.SynclineConfig;
import java.nio.file.Path;
import java.time.Duration;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
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
     * @param cpuMicrosPerChange CPU of this JVM and the PostgreSQL processes, but for the harness's
     *     own threads (the consumer counting the change topic), per change of the backlog, from
     *     submitting the job until the whole backlog was visible (start-up and restore included);
     *     null unless the variant is profiled ({@link #PROFILED})
     */
    record Drain(
            long changes,
            double rate,
            double seconds,
            boolean complete,
            Double cpuMicrosPerChange) {}

    /**
     * What the drain phase measured.
     *
     * @param cpu average cores per component while each profiled variant drained
     */
    record Outcome(
            Map<JobVariant, Drain> drains,
            double rawRate,
            long backlog,
            double fillRate,
            Map<JobVariant, Map<String, Double>> cpu) {

        /** CPU per component while the full pipeline drained; empty if it did not run. */
        Map<String, Double> fullPipelineCpu() {
            return cpu.getOrDefault(JobVariant.FULL, Map.of());
        }
    }

    /**
     * The variants whose CPU is measured while they drain: the full pipeline, and the job without
     * observability with and without field encryption and without the event store, whose CPU per
     * change tells those stages' cost where the throughput of a busy machine cannot.
     */
    private static final Set<JobVariant> PROFILED =
            EnumSet.of(
                    JobVariant.FULL,
                    JobVariant.NO_OBSERVABILITY,
                    JobVariant.FIELD_ENCRYPTION,
                    JobVariant.SUBJECT_KEYS,
                    JobVariant.NO_EVENT_STORE);

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
        Map<JobVariant, Map<String, Double>> cpu = new EnumMap<>(JobVariant.class);
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
                boolean profile = PROFILED.contains(variant);
                long profileStartNanos = System.nanoTime();
                if (profile) {
                    profiler.start();
                }
                JobClient job =
                        FlinkJobs.start(variant, configs.get(variant), savepoints.get(variant));
                FlinkJobs.awaitStreaming(
                        env.postgres(), BenchEnvironment.slotName(variant.id()), job);
                long startMillis = System.currentTimeMillis();
                boolean complete = consumer.awaitCount(backlog, timeout(backlog));
                Double cpuMicrosPerChange = null;
                if (profile) {
                    Map<String, Double> cores = profiler.stop();
                    double windowSeconds = (System.nanoTime() - profileStartNanos) / 1e9;
                    cpu.put(variant, cores);
                    cpuMicrosPerChange =
                            Results.round(
                                    cores.entrySet().stream()
                                                    .filter(c -> !isHarness(c.getKey()))
                                                    .mapToDouble(Map.Entry::getValue)
                                                    .sum()
                                            * windowSeconds
                                            / backlog
                                            * 1e6);
                }
                double rate = rate(consumer, backlog, startMillis);
                double seconds = (consumer.lastVisibleMillis() - startMillis) / 1000.0;
                awaitCommitted(variant, backlog);
                FlinkJobs.cancel(job);
                drains.put(
                        variant,
                        new Drain(consumer.count(), rate, seconds, complete, cpuMicrosPerChange));
                LOG.info("{} drained {} changes at {}/s", variant, consumer.count(), rate);
            }
            env.dropSlot(variant.id());
        }
        return new Outcome(drains, rawRate, backlog, fill.rate(), cpu);
    }

    /** Whether a CPU component is the benchmark's own work, not the system's it measures. */
    private static boolean isHarness(String component) {
        return component.equals("jvm: " + CpuProfiler.component("bench-consumer"))
                || component.equals("jvm: " + CpuProfiler.component("bench-"));
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
