package io.syncline.benchmarks;

import io.syncline.embedded.EmbeddedPostgresServer;
import io.syncline.jobs.config.SynclineConfig;
import io.syncline.jobs.wiring.JobEnvironments;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.apache.flink.api.common.JobStatus;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.RestOptions;
import org.apache.flink.configuration.StateRecoveryOptions;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.core.execution.SavepointFormatType;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.util.ExceptionUtils;

/**
 * Starts job variants on a local MiniCluster of their own, waits for their CDC source to stream,
 * and stops them with a savepoint to resume from later: that is how a backlog is put in front of a
 * job that has already started streaming.
 */
final class FlinkJobs {

    private static final Duration STARTUP_TIMEOUT = Duration.ofMinutes(2);

    private FlinkJobs() {}

    /**
     * Submits {@code variant}.
     *
     * @param savepoint savepoint to resume from, or null
     */
    static JobClient start(JobVariant variant, SynclineConfig config, String savepoint)
            throws Exception {
        Configuration flink = variant.configuration(JobEnvironments.configuration(config));
        // The local cluster's REST endpoint must not take 8081 from a demo running beside.
        flink.set(RestOptions.BIND_PORT, "0");
        if (savepoint != null) {
            flink.set(StateRecoveryOptions.SAVEPOINT_PATH, savepoint);
        }
        StreamExecutionEnvironment env =
                StreamExecutionEnvironment.createLocalEnvironment(
                        config.job().parallelism(), flink);
        env.configure(flink);
        env.getConfig().disableGenericTypes();
        variant.build(env, config);
        return env.executeAsync(config.job().name());
    }

    /** Waits until the variant's replication slot is being streamed from. */
    static void awaitStreaming(EmbeddedPostgresServer postgres, String slot, JobClient job)
            throws Exception {
        long deadline = System.nanoTime() + STARTUP_TIMEOUT.toNanos();
        while (!slotActive(postgres, slot)) {
            JobStatus status = job.getJobStatus().get(10, TimeUnit.SECONDS);
            if (status.isGloballyTerminalState()) {
                job.getJobExecutionResult().get(10, TimeUnit.SECONDS);
                throw new IllegalStateException("job ended before streaming: " + status);
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("slot " + slot + " not streamed after 2 min");
            }
            TimeUnit.MILLISECONDS.sleep(20);
        }
    }

    /** Waits until the job runs (all its tasks deployed). */
    static void awaitRunning(JobClient job) throws Exception {
        long deadline = System.nanoTime() + STARTUP_TIMEOUT.toNanos();
        while (job.getJobStatus().get(10, TimeUnit.SECONDS) != JobStatus.RUNNING) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("job not running after 2 min");
            }
            TimeUnit.MILLISECONDS.sleep(50);
        }
    }

    /**
     * Stops the job with a savepoint under {@code directory}; returns its path. Retries while some
     * of its tasks are still starting (a savepoint needs them all running).
     */
    static String stopWithSavepoint(JobClient job, String directory) throws Exception {
        long deadline = System.nanoTime() + STARTUP_TIMEOUT.toNanos();
        while (true) {
            try {
                return job.stopWithSavepoint(false, directory, SavepointFormatType.CANONICAL)
                        .get(2, TimeUnit.MINUTES);
            } catch (ExecutionException e) {
                boolean starting =
                        ExceptionUtils.findThrowableWithMessage(e, "not being executed").isPresent()
                                || ExceptionUtils.findThrowableWithMessage(
                                                e, "Not all required tasks")
                                        .isPresent();
                if (!starting || System.nanoTime() > deadline) {
                    throw e;
                }
                TimeUnit.MILLISECONDS.sleep(200);
            }
        }
    }

    /** Cancels the job and waits until it is gone. */
    static void cancel(JobClient job) throws Exception {
        try {
            job.cancel().get(1, TimeUnit.MINUTES);
        } catch (Exception e) {
            // Already finished or failed: nothing left to stop.
        }
        try {
            job.getJobExecutionResult().get(1, TimeUnit.MINUTES);
        } catch (Exception e) {
            // A cancelled job ends with an exception by design.
        }
    }

    private static boolean slotActive(EmbeddedPostgresServer postgres, String slot)
            throws SQLException {
        try (Connection connection = postgres.connect(BenchEnvironment.SOURCE_DATABASE);
                PreparedStatement query =
                        connection.prepareStatement(
                                "SELECT active FROM pg_replication_slots WHERE slot_name = ?")) {
            query.setString(1, slot);
            try (ResultSet row = query.executeQuery()) {
                return row.next() && row.getBoolean(1);
            }
        }
    }
}
