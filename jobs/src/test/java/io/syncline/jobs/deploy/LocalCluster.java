package io.syncline.jobs.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.syncline.jobs.Poll;
import java.io.File;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * The session cluster of {@code deploy/local/cluster.sh} for tests: its own work directory, free
 * ports for REST, RPC and every JVM's Prometheus endpoint, and the script's commands. Stopped on
 * {@link #close()} if the test did not stop it.
 */
final class LocalCluster implements AutoCloseable {

    static final Path ROOT = Path.of("").toAbsolutePath().getParent();
    private static final Path SCRIPT = ROOT.resolve("deploy/local/cluster.sh");
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Path workDir;
    private final Map<String, String> env;
    private final String rest;
    private final HttpClient http =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    private boolean running;

    /**
     * @param spareTaskManagers how many more TaskManagers than the two it starts with the test may
     *     add with {@link #addTaskManager()} (each needs a Prometheus port)
     */
    private LocalCluster(Path workDir, int spareTaskManagers) throws IOException {
        this.workDir = Files.createDirectories(workDir);
        int restPort = freePort();
        this.rest = "http://localhost:" + restPort;
        this.env =
                Map.of(
                        "SYNCLINE_CLUSTER_DIR", workDir.toString(),
                        "SYNCLINE_CLUSTER_REST_PORT", String.valueOf(restPort),
                        "SYNCLINE_CLUSTER_RPC_PORT", String.valueOf(freePort()),
                        "SYNCLINE_CLUSTER_PROM_PORT",
                                String.valueOf(freePortRun(3 + spareTaskManagers)));
    }

    /**
     * Starts a JobManager and two TaskManagers and waits for both to register. Their work
     * directory, {@code jobs/target/local-cluster/<name>}, outlives the test for its logs.
     */
    static LocalCluster start(String name, int spareTaskManagers) throws Exception {
        Path workDir = ROOT.resolve("jobs/target/local-cluster").resolve(name);
        if (Files.exists(workDir)) {
            try (Stream<Path> files = Files.walk(workDir)) {
                files.sorted(Comparator.reverseOrder()).map(Path::toFile).forEach(File::delete);
            }
        }
        LocalCluster cluster = new LocalCluster(workDir, spareTaskManagers);
        cluster.running = true;
        assertThat(cluster.run("start")).as("cluster.sh start").isZero();
        cluster.awaitTaskManagers(2);
        return cluster;
    }

    /** The REST API's base URL. */
    String rest() {
        return rest;
    }

    Path workDir() {
        return workDir;
    }

    /** Starts one more TaskManager ({@code cluster.sh add-taskmanager}). */
    void addTaskManager() throws Exception {
        assertThat(run("add-taskmanager")).as("cluster.sh add-taskmanager").isZero();
    }

    /** Stops the cluster ({@code cluster.sh stop}) and checks every JVM it started is gone. */
    void stop() throws Exception {
        Map<String, Long> pids = pids();
        running = false;
        assertThat(run("stop")).as("cluster.sh stop").isZero();
        pids.forEach(
                (name, pid) ->
                        assertThat(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false))
                                .as("%s (pid %d) after stop", name, pid)
                                .isFalse());
    }

    @Override
    public void close() throws Exception {
        if (running) {
            running = false;
            run("stop");
        }
    }

    /**
     * Waits until {@code count} TaskManagers are registered with the JobManager, as both {@code
     * /taskmanagers} and {@code /overview} say: the REST handlers cache their answers separately,
     * so one can count a new TaskManager a moment before the other.
     */
    void awaitTaskManagers(int count) throws Exception {
        Poll.until(
                Duration.ofSeconds(60),
                count + " TaskManagers registered at " + rest,
                () -> {
                    JsonNode taskManagers = get("/taskmanagers");
                    JsonNode overview = get("/overview");
                    return taskManagers != null
                            && taskManagers.path("taskmanagers").size() == count
                            && overview != null
                            && overview.path("taskmanagers").asInt() == count;
                });
    }

    /** The process id of each JVM the script started, by name (jobmanager, taskmanager-1, ...). */
    Map<String, Long> pids() throws IOException {
        Map<String, Long> pids = new TreeMap<>();
        try (Stream<Path> files = Files.list(workDir.resolve("pid"))) {
            for (Path file : (Iterable<Path>) files::iterator) {
                pids.put(
                        file.getFileName().toString().replace(".pid", ""),
                        Long.parseLong(Files.readString(file).trim()));
            }
        }
        return pids;
    }

    /** GET of a REST path; null while the cluster does not answer it with 200. */
    JsonNode get(String path) throws InterruptedException {
        try {
            HttpResponse<String> response =
                    http.send(
                            HttpRequest.newBuilder(URI.create(rest + path))
                                    .timeout(Duration.ofSeconds(5))
                                    .build(),
                            HttpResponse.BodyHandlers.ofString());
            return response.statusCode() == 200 ? JSON.readTree(response.body()) : null;
        } catch (IOException notYetUp) {
            return null;
        }
    }

    /** The shaded job jar the build made in {@code jobs/target}. */
    static Path jobJar() throws IOException {
        try (Stream<Path> files = Files.list(ROOT.resolve("jobs/target"))) {
            return files.filter(f -> f.getFileName().toString().endsWith("-job.jar"))
                    .findFirst()
                    .orElseThrow(
                            () -> new AssertionError("no job jar in jobs/target; run mvn package"));
        }
    }

    private int run(String command) throws Exception {
        ProcessBuilder builder =
                new ProcessBuilder(SCRIPT.toString(), command)
                        .redirectErrorStream(true)
                        .redirectOutput(
                                ProcessBuilder.Redirect.appendTo(
                                        workDir.resolve("cluster-" + command + ".out").toFile()));
        builder.environment().putAll(env);
        Process process = builder.start();
        assertThat(process.waitFor(90, TimeUnit.SECONDS)).as("cluster.sh " + command).isTrue();
        return process.exitValue();
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    /** The first of {@code length} consecutive free ports. */
    private static int freePortRun(int length) throws IOException {
        for (int attempt = 0; attempt < 50; attempt++) {
            int first = freePort();
            if (first + length - 1 > 65535) {
                continue;
            }
            boolean allFree = true;
            for (int port = first + 1; port < first + length && allFree; port++) {
                try (ServerSocket socket = new ServerSocket(port)) {
                    socket.getLocalPort();
                } catch (IOException taken) {
                    allFree = false;
                }
            }
            if (allFree) {
                return first;
            }
        }
        throw new IOException("no " + length + " consecutive free ports");
    }
}
