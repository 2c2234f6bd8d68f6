package io.syncline.jobs.ops;

import io.syncline.jobs.ops.FlinkRest.JobDetails;
import io.syncline.jobs.ops.FlinkRest.JobSummary;
import io.syncline.jobs.ops.FlinkRest.SavepointStatus;
import java.time.Duration;
import java.util.List;
import java.util.function.Function;
import java.util.function.Predicate;
import java.util.function.Supplier;
import java.util.stream.Collectors;

/**
 * What the {@code syncline} cluster commands do with jobs, on top of {@link FlinkRest}: pick the
 * job a command is about, take a savepoint or stop with one and wait for it, run the job jar and
 * wait until the job runs.
 */
public final class ClusterJobs {

    /** The entry point the job jar's main runs through on the cluster. */
    public static final String ENTRY_CLASS = "io.syncline.jobs.cli.SynclineCli";

    private static final Duration POLL_INTERVAL = Duration.ofMillis(500);

    private final FlinkRest rest;

    public ClusterJobs(FlinkRest rest) {
        this.rest = rest;
    }

    /** The REST client. */
    public FlinkRest rest() {
        return rest;
    }

    /**
     * The job a command is about.
     *
     * @param jobId the job's id, or {@code null} to pick by name
     * @param name the job's name, or {@code null}: then the cluster's only job that has not ended
     * @param runningOnly whether the job must be RUNNING (to take a savepoint, stop or upgrade it);
     *     otherwise a job that has not ended is picked, or else the newest ended one of the name
     * @throws ClusterException if there is no such job, or several and no way to choose
     */
    public JobSummary select(String jobId, String name, boolean runningOnly) {
        if (jobId != null) {
            JobDetails job = rest.job(jobId);
            JobSummary summary = summary(job);
            if (runningOnly && !job.state().equals("RUNNING")) {
                throw new ClusterException(
                        "job " + describe(summary) + " is " + job.state() + ", not RUNNING");
            }
            return summary;
        }
        List<JobSummary> all = rest.jobs();
        List<JobSummary> named =
                name == null ? all : all.stream().filter(j -> j.name().equals(name)).toList();
        List<JobSummary> candidates =
                named.stream()
                        .filter(j -> runningOnly ? j.state().equals("RUNNING") : !j.ended())
                        .toList();
        if (candidates.size() == 1) {
            return candidates.get(0);
        }
        String which = name == null ? "" : " named '" + name + "'";
        if (candidates.size() > 1) {
            throw new ClusterException(
                    candidates.size()
                            + (runningOnly ? " RUNNING" : "")
                            + " jobs"
                            + which
                            + " on "
                            + rest.url()
                            + ": "
                            + list(candidates)
                            + "; pick one with --job ID"
                            + (name == null ? " or --name NAME" : ""));
        }
        if (!runningOnly && !named.isEmpty()) {
            return named.get(0); // the newest ended one: its final state is the answer
        }
        StringBuilder message =
                new StringBuilder(
                        "no "
                                + (runningOnly ? "RUNNING " : "")
                                + "job"
                                + which
                                + " on "
                                + rest.url());
        if (!named.isEmpty()) {
            message.append(" (jobs").append(which).append(": ").append(list(named)).append(')');
        }
        List<JobSummary> others = all.stream().filter(j -> !j.ended()).toList();
        if (!others.isEmpty() && name != null) {
            message.append("; jobs that have not ended: ").append(list(others));
        }
        message.append(
                name == null
                        ? "; submit one with: syncline submit --config FILE"
                        : "; check job.name in the configuration, or pick the job with --job ID");
        throw new ClusterException(message.toString());
    }

    /**
     * Triggers a savepoint of a running job and waits for it; the job keeps running.
     *
     * @param directory where to write it, {@code null} for the cluster's default
     * @return the savepoint's path
     * @throws ClusterException with Flink's cause if it failed or did not complete in time
     */
    public String savepoint(String jobId, String directory, Duration timeout) {
        String trigger = rest.triggerSavepoint(jobId, directory);
        return awaitSavepoint(jobId, trigger, timeout, "the job keeps running");
    }

    /**
     * Stops a running job with a savepoint and waits until the savepoint is complete and the job
     * has ended. If the savepoint fails, Flink keeps the job running.
     *
     * @return the savepoint's path
     * @throws ClusterException with Flink's cause if it failed or did not complete in time
     */
    public String stop(String jobId, String directory, Duration timeout) {
        String trigger = rest.stopWithSavepoint(jobId, directory);
        String path =
                awaitSavepoint(
                        jobId,
                        trigger,
                        timeout,
                        "Flink keeps the job running when its stop-with-savepoint fails");
        awaitState(jobId, timeout, "FINISHED");
        return path;
    }

    private String awaitSavepoint(String jobId, String trigger, Duration timeout, String after) {
        SavepointStatus status =
                poll(
                        timeout,
                        () -> rest.savepoint(jobId, trigger),
                        SavepointStatus::done,
                        last ->
                                "the savepoint of job "
                                        + jobId
                                        + " did not complete within "
                                        + timeout.toSeconds()
                                        + " s (trigger "
                                        + trigger
                                        + "); see the web UI's Checkpoints tab ("
                                        + rest.webUi(jobId)
                                        + "), or allow more time with --timeout");
        if (status.failure() != null) {
            throw new ClusterException(
                    "the savepoint of job "
                            + jobId
                            + " failed: "
                            + status.failure()
                            + "; "
                            + after
                            + ". See the web UI's Checkpoints tab and Exceptions ("
                            + rest.webUi(jobId)
                            + "), fix the cause and try again");
        }
        return status.path();
    }

    /**
     * Runs an uploaded jar's main in the JobManager with {@code arguments}, then deletes the
     * uploaded jar (the submitted job keeps its own copy).
     *
     * @param savepoint the savepoint or retained checkpoint to start from, {@code null} for none
     * @return the submitted job's id
     */
    public String run(
            String jarId, List<String> arguments, String savepoint, boolean allowNonRestoredState) {
        String jobId;
        try {
            jobId = rest.runJar(jarId, ENTRY_CLASS, arguments, savepoint, allowNonRestoredState);
        } catch (ClusterException e) {
            discard(jarId, e);
            throw e;
        }
        try {
            rest.deleteJar(jarId);
        } catch (ClusterException e) {
            throw new ClusterException(
                    "job "
                            + jobId
                            + " was submitted, but the uploaded jar could not be deleted: "
                            + e.getMessage()
                            + "; delete it in the web UI (Submit New Job)",
                    e);
        }
        return jobId;
    }

    /** Deletes an uploaded jar after {@code failure}, which keeps any trouble doing so. */
    public void discard(String jarId, ClusterException failure) {
        try {
            rest.deleteJar(jarId);
        } catch (ClusterException cleanup) {
            failure.addSuppressed(cleanup);
        }
    }

    /**
     * Waits until the job and all its tasks run.
     *
     * @throws ClusterException if the job ends, or is not running by the deadline
     */
    public JobDetails awaitRunning(String jobId, Duration timeout) {
        JobDetails job =
                poll(
                        timeout,
                        () -> rest.job(jobId),
                        j -> j.allRunning() || summary(j).ended(),
                        last ->
                                "job "
                                        + describe(summary(last))
                                        + " was submitted but is not running after "
                                        + timeout.toSeconds()
                                        + " s (state "
                                        + last.state()
                                        + "); see the web UI's Exceptions tab ("
                                        + rest.webUi(jobId)
                                        + ") or check again with: syncline status --job "
                                        + jobId);
        if (!job.allRunning()) {
            throw new ClusterException(
                    "job "
                            + describe(summary(job))
                            + " is "
                            + job.state()
                            + "; see why in the web UI's Exceptions tab: "
                            + rest.webUi(jobId));
        }
        return job;
    }

    private void awaitState(String jobId, Duration timeout, String state) {
        poll(
                timeout,
                () -> rest.job(jobId),
                job -> job.state().equals(state),
                last ->
                        "job "
                                + jobId
                                + " is "
                                + last.state()
                                + ", not "
                                + state
                                + ", "
                                + timeout.toSeconds()
                                + " s after its savepoint; see "
                                + rest.webUi(jobId));
    }

    /**
     * Asks {@code read} every half second until {@code done} holds for its answer, and returns it.
     *
     * @param timedOut the message when it does not hold by the deadline, from the last answer
     */
    private static <T> T poll(
            Duration timeout, Supplier<T> read, Predicate<T> done, Function<T, String> timedOut) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            T answer = read.get();
            if (done.test(answer)) {
                return answer;
            }
            if (System.nanoTime() > deadline) {
                throw new ClusterException(timedOut.apply(answer));
            }
            pause();
        }
    }

    private static JobSummary summary(JobDetails job) {
        return new JobSummary(job.id(), job.name(), job.state(), job.startTime());
    }

    private static void pause() {
        try {
            Thread.sleep(POLL_INTERVAL.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ClusterException("interrupted while waiting for the cluster", e);
        }
    }

    /** "name (id)". */
    public static String describe(JobSummary job) {
        return "'" + job.name() + "' (" + job.id() + ")";
    }

    private static String list(List<JobSummary> jobs) {
        return jobs.stream()
                .map(j -> j.id() + " '" + j.name() + "' " + j.state())
                .collect(Collectors.joining(", "));
    }
}
