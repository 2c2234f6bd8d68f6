package io.syncline.jobs.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.syncline.jobs.Poll;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Starts the standalone session cluster of {@code deploy/local/cluster.sh} (a JobManager and two
 * TaskManagers, each its own JVM) on free ports, uploads the shaded job jar through the REST API
 * and stops the cluster again. Runs in the {@code package} phase, after the job jar is built (see
 * {@code jobs/pom.xml}).
 */
class LocalClusterITCase {

    private static final Path ROOT = Path.of("").toAbsolutePath().getParent();
    private static final Path CLUSTER_SCRIPT = ROOT.resolve("deploy/local/cluster.sh");
    private static final ObjectMapper JSON = new ObjectMapper();

    private final HttpClient http =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    @TempDir Path workDir;
    private Map<String, String> env;

    @AfterEach
    void stopCluster() throws Exception {
        if (env != null) {
            run("stop");
        }
    }

    @Test
    void startsTwoTaskManagersAcceptsTheJobJarAndStopsCleanly() throws Exception {
        Path jobJar = jobJar();
        int restPort = freePort();
        env =
                Map.of(
                        "SYNCLINE_CLUSTER_DIR", workDir.toString(),
                        "SYNCLINE_CLUSTER_REST_PORT", String.valueOf(restPort),
                        "SYNCLINE_CLUSTER_RPC_PORT", String.valueOf(freePort()),
                        "SYNCLINE_CLUSTER_PROM_PORT", String.valueOf(freePortRun(3)));
        String rest = "http://localhost:" + restPort;

        assertThat(run("start")).isZero();
        List<Long> pids = pids();
        assertThat(pids).hasSize(3);

        Poll.until(
                Duration.ofSeconds(60),
                "2 TaskManagers registered at " + rest,
                () -> {
                    JsonNode taskManagers = getJson(rest + "/taskmanagers");
                    return taskManagers != null && taskManagers.path("taskmanagers").size() == 2;
                });
        assertThat(getJson(rest + "/overview").path("slots-total").asInt()).isEqualTo(4);

        HttpResponse<String> upload = uploadJar(rest, jobJar);
        assertThat(upload.statusCode()).as(upload.body()).isEqualTo(200);
        JsonNode jars = getJson(rest + "/jars").path("files");
        assertThat(jars).hasSize(1);
        assertThat(jars.get(0).path("name").asText()).isEqualTo(jobJar.getFileName().toString());
        assertThat(jars.get(0).path("entry").get(0).path("name").asText())
                .isEqualTo("io.syncline.jobs.cli.SynclineCli");

        assertThat(run("stop")).isZero();
        env = null;
        for (long pid : pids) {
            assertThat(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false))
                    .as("process %d after stop", pid)
                    .isFalse();
        }
    }

    private static Path jobJar() throws IOException {
        try (Stream<Path> files = Files.list(ROOT.resolve("jobs/target"))) {
            return files.filter(f -> f.getFileName().toString().endsWith("-job.jar"))
                    .findFirst()
                    .orElseThrow(
                            () -> new AssertionError("no job jar in jobs/target; run mvn package"));
        }
    }

    private int run(String command) throws Exception {
        ProcessBuilder builder =
                new ProcessBuilder(CLUSTER_SCRIPT.toString(), command)
                        .redirectErrorStream(true)
                        .redirectOutput(workDir.resolve("cluster-" + command + ".out").toFile());
        builder.environment().putAll(env);
        Process process = builder.start();
        assertThat(process.waitFor(90, TimeUnit.SECONDS)).as("cluster.sh " + command).isTrue();
        return process.exitValue();
    }

    private List<Long> pids() throws IOException {
        List<Long> pids = new ArrayList<>();
        try (Stream<Path> files = Files.list(workDir.resolve("pid"))) {
            for (Path file : (Iterable<Path>) files::iterator) {
                pids.add(Long.parseLong(Files.readString(file).trim()));
            }
        }
        return pids;
    }

    private JsonNode getJson(String url) throws InterruptedException {
        try {
            HttpResponse<String> response =
                    http.send(
                            HttpRequest.newBuilder(URI.create(url))
                                    .timeout(Duration.ofSeconds(5))
                                    .build(),
                            HttpResponse.BodyHandlers.ofString());
            return response.statusCode() == 200 ? JSON.readTree(response.body()) : null;
        } catch (IOException notYetUp) {
            return null;
        }
    }

    private HttpResponse<String> uploadJar(String rest, Path jar) throws Exception {
        String boundary = UUID.randomUUID().toString();
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        body.write(
                ("--"
                                + boundary
                                + "\r\nContent-Disposition: form-data; name=\"jarfile\"; filename=\""
                                + jar.getFileName()
                                + "\"\r\nContent-Type: application/x-java-archive\r\n\r\n")
                        .getBytes(StandardCharsets.UTF_8));
        body.write(Files.readAllBytes(jar));
        body.write(("\r\n--" + boundary + "--\r\n").getBytes(StandardCharsets.UTF_8));
        return http.send(
                HttpRequest.newBuilder(URI.create(rest + "/jars/upload"))
                        .header("Content-Type", "multipart/form-data; boundary=" + boundary)
                        .POST(HttpRequest.BodyPublishers.ofByteArray(body.toByteArray()))
                        .timeout(Duration.ofSeconds(60))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    /**
     * The first of {@code length} consecutive free ports (the JobManager's and each TaskManager's).
     */
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
