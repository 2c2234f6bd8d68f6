package io.syncline.jobs.ops;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.OptionalDouble;
import java.util.OptionalLong;
import java.util.TreeMap;
import java.util.UUID;

/**
 * A client of the Flink REST API (the JobManager's web port) for what {@code syncline} does on a
 * cluster: upload and run the job jar, read a job's state, checkpoints and restarts, trigger a
 * savepoint or stop with one. Every failure is a {@link ClusterException} that names the problem,
 * Flink's cause and the fix.
 */
public final class FlinkRest {

    /** Where the local cluster ({@code deploy/local/cluster.sh}) serves the REST API. */
    public static final String DEFAULT_URL = "http://localhost:8081";

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(5);
    private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(30);

    /**
     * Running a jar runs its main in the JobManager, which checks the configuration's systems and
     * builds the job graph before it answers.
     */
    private static final Duration RUN_TIMEOUT = Duration.ofMinutes(5);

    private static final Duration UPLOAD_TIMEOUT = Duration.ofMinutes(5);

    private final String url;
    private final HttpClient http;

    /**
     * @param url the REST API's base URL, e.g. {@code http://localhost:8081}
     * @throws ClusterException if it is not an http or https URL
     */
    public FlinkRest(String url) {
        this.url = checkedUrl(url);
        this.http = HttpClient.newBuilder().connectTimeout(CONNECT_TIMEOUT).build();
    }

    private static String checkedUrl(String url) {
        String trimmed = url.strip().replaceAll("/+$", "");
        try {
            URI uri = new URI(trimmed);
            if (("http".equals(uri.getScheme()) || "https".equals(uri.getScheme()))
                    && uri.getHost() != null) {
                return trimmed;
            }
        } catch (URISyntaxException e) {
            // reported below
        }
        throw new ClusterException(
                "'"
                        + url
                        + "' is not the URL of a Flink REST API; pass --rest (or set SYNCLINE_REST)"
                        + " like "
                        + DEFAULT_URL);
    }

    /** The base URL. */
    public String url() {
        return url;
    }

    /** The job's page in the Flink web UI. */
    public String webUi(String jobId) {
        return url + "/#/job/running/" + jobId + "/overview";
    }

    /** Every job the cluster knows, running or ended, newest first. */
    public List<JobSummary> jobs() {
        List<JobSummary> jobs = new ArrayList<>();
        for (JsonNode job : get("/jobs/overview", "list the jobs", null).path("jobs")) {
            jobs.add(
                    new JobSummary(
                            job.path("jid").asText(),
                            job.path("name").asText(),
                            job.path("state").asText(),
                            job.path("start-time").asLong()));
        }
        jobs.sort((a, b) -> Long.compare(b.startTime(), a.startTime()));
        return jobs;
    }

    /** The job's state, timestamps and vertices. */
    public JobDetails job(String jobId) {
        JsonNode job = get("/jobs/" + jobId, "read job " + jobId, jobNotFound(jobId));
        List<Vertex> vertices = new ArrayList<>();
        for (JsonNode vertex : job.path("vertices")) {
            vertices.add(
                    new Vertex(
                            vertex.path("id").asText(),
                            vertex.path("name").asText(),
                            vertex.path("parallelism").asInt(),
                            vertex.path("status").asText()));
        }
        JsonNode running = job.path("timestamps").path("RUNNING");
        return new JobDetails(
                job.path("jid").asText(),
                job.path("name").asText(),
                job.path("state").asText(),
                job.path("start-time").asLong(),
                running.asLong(0) > 0 ? running.asLong() : 0,
                job.path("now").asLong(System.currentTimeMillis()),
                vertices);
    }

    /**
     * How many times the job restarted since it was submitted (metric {@code numRestarts}); empty
     * when Flink has no metrics of the job (it is not running).
     */
    public OptionalLong restarts(String jobId) {
        JsonNode metrics =
                get(
                        "/jobs/" + jobId + "/metrics?get=numRestarts",
                        "read the restarts of job " + jobId,
                        jobNotFound(jobId));
        for (JsonNode metric : metrics) {
            if ("numRestarts".equals(metric.path("id").asText())) {
                return OptionalLong.of(metric.path("value").asLong());
            }
        }
        return OptionalLong.empty();
    }

    /** The job's checkpoint counts and its latest checkpoint, savepoint and restore. */
    public CheckpointStats checkpoints(String jobId) {
        JsonNode stats =
                get(
                        "/jobs/" + jobId + "/checkpoints",
                        "read the checkpoints of job " + jobId,
                        jobNotFound(jobId));
        JsonNode counts = stats.path("counts");
        JsonNode latest = stats.path("latest");
        JsonNode restored = latest.path("restored");
        return new CheckpointStats(
                counts.path("completed").asLong(),
                counts.path("failed").asLong(),
                counts.path("in_progress").asLong(),
                checkpoint(latest.path("completed")),
                checkpoint(latest.path("savepoint")),
                restored.isObject() ? restored.path("external_path").asText(null) : null);
    }

    private static Checkpoint checkpoint(JsonNode node) {
        if (!node.isObject()) {
            return null;
        }
        return new Checkpoint(
                node.path("id").asLong(),
                node.path("latest_ack_timestamp").asLong(),
                node.path("state_size").asLong(),
                node.path("checkpointed_size").asLong(),
                node.path("external_path").asText(null));
    }

    /**
     * The highest share of time, over the vertex's subtasks, that they were busy and that they were
     * back-pressured (0 to 1), from the last second's metrics; empty where Flink has none (the job
     * is not running).
     */
    public VertexLoad load(String jobId, Vertex vertex) {
        JsonNode metrics =
                get(
                        "/jobs/"
                                + jobId
                                + "/vertices/"
                                + vertex.id()
                                + "/subtasks/metrics?get=busyTimeMsPerSecond,"
                                + "backPressuredTimeMsPerSecond",
                        "read the load of " + vertex.name(),
                        jobNotFound(jobId));
        Map<String, Double> max = new TreeMap<>();
        for (JsonNode metric : metrics) {
            if (metric.path("max").isNumber()) {
                max.put(metric.path("id").asText(), metric.path("max").asDouble());
            }
        }
        return new VertexLoad(
                share(max.get("busyTimeMsPerSecond")),
                share(max.get("backPressuredTimeMsPerSecond")));
    }

    /**
     * The sum over the vertex's subtasks of each operator metric named {@code metric} (the vertex
     * lists them as {@code <subtask>.<operator>.<metric>}); empty where Flink has none yet. Flink's
     * REST API refreshes metrics every {@code metrics.fetcher.update-interval}.
     */
    public OptionalLong operatorMetricSum(String jobId, Vertex vertex, String metric) {
        String path = "/jobs/" + jobId + "/vertices/" + vertex.id() + "/metrics";
        String what = "read metric " + metric + " of " + vertex.name();
        List<String> ids = new ArrayList<>();
        for (JsonNode available : get(path, what, jobNotFound(jobId))) {
            String id = available.path("id").asText();
            if (id.endsWith("." + metric)) {
                ids.add(id);
            }
        }
        if (ids.isEmpty()) {
            return OptionalLong.empty();
        }
        long sum = 0;
        for (JsonNode value :
                get(path + "?get=" + String.join(",", ids), what, jobNotFound(jobId))) {
            sum += value.path("value").asLong();
        }
        return OptionalLong.of(sum);
    }

    private static OptionalDouble share(Double millisPerSecond) {
        return millisPerSecond == null || millisPerSecond.isNaN()
                ? OptionalDouble.empty()
                : OptionalDouble.of(Math.min(1.0, millisPerSecond / 1000.0));
    }

    /**
     * Uploads a jar for {@link #runJar}.
     *
     * @return the id Flink gave it
     */
    public String uploadJar(Path jar) {
        String boundary = "syncline-" + UUID.randomUUID();
        byte[] head =
                ("--"
                                + boundary
                                + "\r\nContent-Disposition: form-data; name=\"jarfile\"; filename=\""
                                + jar.getFileName()
                                + "\"\r\nContent-Type: application/x-java-archive\r\n\r\n")
                        .getBytes(StandardCharsets.UTF_8);
        byte[] tail = ("\r\n--" + boundary + "--\r\n").getBytes(StandardCharsets.UTF_8);
        HttpRequest.BodyPublisher body;
        try {
            body =
                    HttpRequest.BodyPublishers.concat(
                            HttpRequest.BodyPublishers.ofByteArray(head),
                            HttpRequest.BodyPublishers.ofFile(jar),
                            HttpRequest.BodyPublishers.ofByteArray(tail));
        } catch (IOException e) {
            throw new ClusterException(
                    "cannot read the job jar " + jar + ": " + e + "; pass --jar with a job jar");
        }
        JsonNode uploaded =
                send(
                        request("/jars/upload", UPLOAD_TIMEOUT)
                                .header("Content-Type", "multipart/form-data; boundary=" + boundary)
                                .POST(body)
                                .build(),
                        "upload " + jar.getFileName(),
                        null);
        String file = uploaded.path("filename").asText("");
        if (file.isEmpty()) {
            throw new ClusterException(
                    "the cluster at "
                            + url
                            + " did not say where it stored "
                            + jar
                            + ": "
                            + uploaded);
        }
        return Path.of(file).getFileName().toString();
    }

    /**
     * Runs an uploaded jar's main in the JobManager, which submits the job it builds.
     *
     * @param savepoint the savepoint or retained checkpoint to start from, {@code null} for none
     * @return the id of the job it submitted
     */
    public String runJar(
            String jarId,
            String entryClass,
            List<String> arguments,
            String savepoint,
            boolean allowNonRestoredState) {
        ObjectNode body = JSON.createObjectNode();
        body.put("entryClass", entryClass);
        arguments.forEach(body.putArray("programArgsList")::add);
        if (savepoint != null) {
            body.put("savepointPath", savepoint);
            body.put("allowNonRestoredState", allowNonRestoredState);
        }
        JsonNode run =
                send(post("/jars/" + jarId + "/run", body, RUN_TIMEOUT), "run the job jar", null);
        String jobId = run.path("jobid").asText("");
        if (jobId.isEmpty()) {
            throw new ClusterException(
                    "the cluster at " + url + " ran the job jar but named no job: " + run);
        }
        return jobId;
    }

    /** Deletes an uploaded jar; a running job does not need it. */
    public void deleteJar(String jarId) {
        send(
                request("/jars/" + jarId, REQUEST_TIMEOUT).DELETE().build(),
                "delete the uploaded jar " + jarId,
                null);
    }

    /**
     * Triggers a savepoint of the job in Flink's canonical format, which any later version and
     * state backend can restore.
     *
     * @param directory where to write it, {@code null} for the cluster's {@code
     *     execution.checkpointing.savepoint-dir}
     * @return the trigger's id for {@link #savepoint}
     */
    public String triggerSavepoint(String jobId, String directory) {
        return savepointRequest(
                jobId,
                "/savepoints",
                JSON.createObjectNode().put("cancel-job", false),
                "target-directory",
                directory,
                "trigger a savepoint of job " + jobId);
    }

    /**
     * Stops the job with a savepoint, without draining (timers and windows keep their state for the
     * job that resumes from it); the job ends FINISHED.
     *
     * @param directory as for {@link #triggerSavepoint}
     * @return the trigger's id for {@link #savepoint}
     */
    public String stopWithSavepoint(String jobId, String directory) {
        return savepointRequest(
                jobId,
                "/stop",
                JSON.createObjectNode().put("drain", false),
                "targetDirectory",
                directory,
                "stop job " + jobId + " with a savepoint");
    }

    /** Posts a savepoint request in the canonical format and returns the trigger's id. */
    private String savepointRequest(
            String jobId,
            String action,
            ObjectNode body,
            String directoryField,
            String directory,
            String what) {
        body.put("formatType", "CANONICAL");
        if (directory != null) {
            body.put(directoryField, directory);
        }
        return send(
                        post("/jobs/" + jobId + action, body, REQUEST_TIMEOUT),
                        what,
                        jobNotFound(jobId))
                .path("request-id")
                .asText();
    }

    /**
     * Where a savepoint triggered by {@link #triggerSavepoint} or {@link #stopWithSavepoint} is.
     */
    public SavepointStatus savepoint(String jobId, String triggerId) {
        JsonNode status =
                get(
                        "/jobs/" + jobId + "/savepoints/" + triggerId,
                        "read savepoint " + triggerId + " of job " + jobId,
                        jobNotFound(jobId));
        if (!"COMPLETED".equals(status.path("status").path("id").asText())) {
            return new SavepointStatus(false, null, null);
        }
        JsonNode operation = status.path("operation");
        JsonNode failure = operation.path("failure-cause");
        if (failure.isObject()) {
            String trace = failure.path("stack-trace").asText("");
            return new SavepointStatus(
                    true,
                    null,
                    trace.isEmpty() ? failure.path("class").asText("unknown") : rootCause(trace));
        }
        return new SavepointStatus(true, operation.path("location").asText(), null);
    }

    private String jobNotFound(String jobId) {
        return "no job "
                + jobId
                + " on the cluster at "
                + url
                + "; see the cluster's jobs with: syncline status --rest "
                + url;
    }

    private JsonNode get(String path, String what, String notFound) {
        return send(request(path, REQUEST_TIMEOUT).GET().build(), what, notFound);
    }

    private HttpRequest post(String path, JsonNode body, Duration timeout) {
        return request(path, timeout)
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body.toString()))
                .build();
    }

    private HttpRequest.Builder request(String path, Duration timeout) {
        return HttpRequest.newBuilder(URI.create(url + path)).timeout(timeout);
    }

    /**
     * Sends the request and reads the JSON answer.
     *
     * @param what what the request does, for messages: "could not {what}"
     * @param notFound the message for a 404, {@code null} to treat it as any other failure
     */
    private JsonNode send(HttpRequest request, String what, String notFound) {
        HttpResponse<String> response;
        try {
            response = http.send(request, HttpResponse.BodyHandlers.ofString());
        } catch (ConnectException | HttpConnectTimeoutException e) {
            throw unreachable(e);
        } catch (HttpTimeoutException e) {
            throw new ClusterException(
                    "could not "
                            + what
                            + ": the Flink REST API at "
                            + url
                            + " did not answer within "
                            + request.timeout().map(Duration::toString).orElse("the timeout")
                            + "; check the JobManager's log",
                    e);
        } catch (IOException e) {
            if (e.getCause() instanceof ConnectException) {
                throw unreachable(e);
            }
            throw new ClusterException(
                    "could not " + what + " at " + url + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ClusterException("interrupted while trying to " + what, e);
        }
        int status = response.statusCode();
        if (status == 404 && notFound != null) {
            throw new ClusterException(notFound);
        }
        if (status >= 300) {
            throw new ClusterException(
                    "could not "
                            + what
                            + ": the cluster at "
                            + url
                            + " answered HTTP "
                            + status
                            + ": "
                            + errorOf(response.body()));
        }
        try {
            return response.body().isEmpty()
                    ? JSON.createObjectNode()
                    : JSON.readTree(response.body());
        } catch (IOException e) {
            throw new ClusterException(
                    "could not "
                            + what
                            + ": "
                            + url
                            + " answered with something that is not JSON; is --rest the Flink"
                            + " REST API (the web UI's address)?",
                    e);
        }
    }

    private ClusterException unreachable(Exception e) {
        // The HTTP client's ConnectException for a refused connection has no message.
        String why = e.getMessage() != null ? e.getMessage() : "connection refused";
        return new ClusterException(
                "cannot reach the Flink REST API at "
                        + url
                        + " ("
                        + why
                        + "); start the local cluster with deploy/local/cluster.sh start, or pass"
                        + " --rest (or set SYNCLINE_REST) with the JobManager's REST address",
                e);
    }

    /**
     * What Flink's error answer says, at its root: Flink sends whole server-side stack traces,
     * whose last "Caused by" is the actual reason (e.g. the message a job's main failed with).
     */
    static String errorOf(String body) {
        try {
            JsonNode errors = JSON.readTree(body).path("errors");
            if (errors.isArray() && !errors.isEmpty()) {
                List<String> reasons = new ArrayList<>();
                for (JsonNode error : errors) {
                    String text = error.asText();
                    if (!text.equals("Internal server error.")) {
                        reasons.add(rootCause(text));
                    }
                }
                return reasons.isEmpty() ? "Internal server error." : String.join("; ", reasons);
            }
        } catch (IOException notJson) {
            // fall through to the body itself
        }
        return body.isBlank() ? "(no details)" : body.strip();
    }

    /**
     * The message of the innermost exception in a Java stack trace's text: the last "Caused by:"
     * (or the first line), without the exception's class when it has a message, with every line up
     * to the first stack frame.
     */
    static String rootCause(String trace) {
        String text = trace.replace("<Exception on server side:", "").strip();
        int caused = text.lastIndexOf("Caused by: ");
        if (caused >= 0) {
            text = text.substring(caused + "Caused by: ".length());
        }
        List<String> lines = new ArrayList<>();
        for (String line : text.split("\n")) {
            if (line.startsWith("\tat ")
                    || line.startsWith("\t... ")
                    || line.startsWith("End of")) {
                break;
            }
            lines.add(line.stripTrailing());
        }
        String message = String.join("\n", lines).strip();
        // "java.lang.IllegalStateException: the reason" -> "the reason"
        int colon = message.indexOf(": ");
        if (colon > 0 && message.substring(0, colon).matches("[\\w$.]+")) {
            String reason = message.substring(colon + 2).strip();
            if (!reason.isEmpty()) {
                return reason;
            }
        }
        return message;
    }

    /** A job as the cluster lists it. */
    public record JobSummary(String id, String name, String state, long startTime) {

        /** Whether the job has ended and will not run again (finished, cancelled, failed). */
        public boolean ended() {
            return state.equals("FINISHED") || state.equals("CANCELED") || state.equals("FAILED");
        }
    }

    /**
     * A job's details.
     *
     * @param startTime when it was submitted (epoch ms)
     * @param runningSince when it last went RUNNING (epoch ms), 0 if never
     * @param now the cluster's clock when it answered (epoch ms)
     */
    public record JobDetails(
            String id,
            String name,
            String state,
            long startTime,
            long runningSince,
            long now,
            List<Vertex> vertices) {

        /** Whether the job and every one of its tasks run. */
        public boolean allRunning() {
            return state.equals("RUNNING")
                    && vertices.stream().allMatch(v -> v.status().equals("RUNNING"));
        }
    }

    /** A vertex of the job graph: one or several chained operators and their subtasks. */
    public record Vertex(String id, String name, int parallelism, String status) {}

    /**
     * The highest busy and back-pressured share among a vertex's subtasks, 0 to 1; empty when
     * unknown.
     */
    public record VertexLoad(OptionalDouble busy, OptionalDouble backPressured) {}

    /**
     * A completed checkpoint or savepoint.
     *
     * @param completedAt when its last acknowledgement arrived (epoch ms)
     * @param stateSize the whole state it stands for, in bytes
     * @param checkpointedSize what this checkpoint wrote (incremental checkpoints), in bytes
     * @param path where it is, to resume from
     */
    public record Checkpoint(
            long id, long completedAt, long stateSize, long checkpointedSize, String path) {}

    /**
     * A job's checkpoints.
     *
     * @param latest the newest completed checkpoint, {@code null} if none
     * @param latestSavepoint the newest savepoint, {@code null} if none
     * @param restoredFrom the savepoint or checkpoint the job last restored, {@code null} if none
     */
    public record CheckpointStats(
            long completed,
            long failed,
            long inProgress,
            Checkpoint latest,
            Checkpoint latestSavepoint,
            String restoredFrom) {}

    /**
     * A triggered savepoint.
     *
     * @param done whether it has completed or failed
     * @param path where it is, once done; {@code null} if it failed
     * @param failure why it failed, {@code null} if it did not
     */
    public record SavepointStatus(boolean done, String path, String failure) {}
}
