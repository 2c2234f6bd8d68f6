package io.syncline.benchmarks;

import io.syncline.embedded.EmbeddedPostgresServer;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * CPU time per component over a measurement window: this JVM's threads (Flink tasks by operator
 * chain, the Kafka broker, Kafka clients, the CDC reader, the workload) grouped by thread name, the
 * rest of the JVM (GC, JIT) as the difference to the process total, and the PostgreSQL processes
 * (walsenders, source and target backends, background workers) from {@code /proc}.
 */
final class CpuProfiler {

    private static final double CLOCK_TICKS_PER_SECOND = 100.0;

    private final ThreadMXBean threads = ManagementFactory.getThreadMXBean();
    private final long postmasterPid;
    private Map<Long, Long> threadStart;
    private Map<Long, String> threadNames;
    private long processStart;
    private Map<String, Long> postgresStart;
    private long wallStart;

    CpuProfiler(EmbeddedPostgresServer postgres) {
        this.postmasterPid = postmasterPid(postgres);
    }

    /** Starts a window. */
    void start() {
        wallStart = System.nanoTime();
        threadStart = threadCpu();
        processStart = processCpuNanos();
        postgresStart = postgresCpuTicks();
    }

    /** Ends the window: cores used on average per component, busiest first. */
    Map<String, Double> stop() {
        double wallSeconds = (System.nanoTime() - wallStart) / 1e9;
        Map<Long, Long> threadEnd = threadCpu();
        long processNanos = processCpuNanos() - processStart;
        Map<String, Long> byComponent = new HashMap<>();
        long threadTotal = 0;
        for (Map.Entry<Long, Long> entry : threadEnd.entrySet()) {
            long used = entry.getValue() - threadStart.getOrDefault(entry.getKey(), 0L);
            threadTotal += used;
            byComponent.merge(
                    "jvm: " + component(threadNames.getOrDefault(entry.getKey(), "?")),
                    used,
                    Long::sum);
        }
        byComponent.merge(
                "jvm: other (GC, JIT, exited threads)",
                Math.max(0, processNanos - threadTotal),
                Long::sum);
        Map<String, Long> postgresEnd = postgresCpuTicks();
        for (Map.Entry<String, Long> entry : postgresEnd.entrySet()) {
            long ticks = entry.getValue() - postgresStart.getOrDefault(entry.getKey(), 0L);
            byComponent.merge(
                    "postgres: " + postgresGroup(entry.getKey()),
                    (long) (ticks / CLOCK_TICKS_PER_SECOND * 1e9),
                    Long::sum);
        }
        Map<String, Double> cores = new LinkedHashMap<>();
        byComponent.entrySet().stream()
                .filter(e -> e.getValue() / 1e9 / wallSeconds >= 0.005)
                .sorted(Map.Entry.<String, Long>comparingByValue().reversed())
                .forEach(e -> cores.put(e.getKey(), round(e.getValue() / 1e9 / wallSeconds)));
        return cores;
    }

    private static double round(double value) {
        return Math.round(value * 1000) / 1000.0;
    }

    private Map<Long, Long> threadCpu() {
        Map<Long, Long> cpu = new HashMap<>();
        Map<Long, String> names = new HashMap<>();
        for (ThreadInfo info : threads.getThreadInfo(threads.getAllThreadIds())) {
            if (info == null) {
                continue;
            }
            long nanos = threads.getThreadCpuTime(info.getThreadId());
            if (nanos >= 0) {
                cpu.put(info.getThreadId(), nanos);
                names.put(info.getThreadId(), info.getThreadName());
            }
        }
        threadNames = names;
        return cpu;
    }

    private static long processCpuNanos() {
        return ((com.sun.management.OperatingSystemMXBean)
                        ManagementFactory.getOperatingSystemMXBean())
                .getProcessCpuTime();
    }

    /** Whether {@code name} is a task of the observability stages, by their operators' names. */
    private static boolean isObservabilityTask(String name) {
        return name.startsWith("quality")
                || name.startsWith("heartbeats")
                || name.startsWith("source lag")
                || name.startsWith("alerts")
                || name.startsWith("observe")
                || name.startsWith("sample for read-back")
                || name.startsWith("read back");
    }

    /** The component a thread works for, from its name. */
    static String component(String thread) {
        String name =
                thread.replaceAll(" \\(\\d+/\\d+\\)(#\\d+)?$", "")
                        .replaceFirst("^(System Time Trigger|Time Trigger|OutputFlusher) for ", "")
                        .replace(" (exactly once)", "")
                        .replaceAll(": Writer -> [^>]*: Committer", " sink");
        if (name.startsWith("bench-writer")) {
            return "workload writers";
        }
        if (name.startsWith("bench-consumer")) {
            return "latency consumer (read_committed)";
        }
        if (name.startsWith("bench-")) {
            return "benchmark harness";
        }
        if (name.startsWith("kafka-producer-network-thread")) {
            return "kafka producer I/O (sinks)";
        }
        if (name.startsWith("Source Data Fetcher")) {
            return "flink: cdc split fetcher (Debezium decoding)";
        }
        if (name.startsWith("debezium") || name.contains("postgres-cdc")) {
            return "cdc: debezium threads";
        }
        if (name.startsWith("data-plane-kafka")
                || name.startsWith("kafka-")
                || name.startsWith("broker-")
                || name.startsWith("raft")
                || name.startsWith("quorum-controller")
                || name.startsWith("controller-")
                || name.startsWith("ExpirationReaper")
                || name.startsWith("TxnMarkerSenderThread")
                || name.startsWith("group-metadata-manager")
                || name.startsWith("transaction-log-manager")
                || name.startsWith("LogDirFailureHandler")
                || name.startsWith("executor-")) {
            return "kafka broker";
        }
        if (name.contains(": Writer") || name.contains(": Committer")) {
            return "flink task: " + name;
        }
        if (name.startsWith("Source: ")
                || name.startsWith("Sink: ")
                || name.contains("->")
                || name.startsWith("decode")
                || name.startsWith("validate")
                || name.startsWith("control")
                || name.startsWith("change topic")
                || name.startsWith("target table")
                || name.startsWith("select ")
                || name.startsWith("error topic")
                || name.startsWith("pass-through")
                || isObservabilityTask(name)) {
            return "flink task: " + name;
        }
        if (name.startsWith("rocksdb")) {
            return "rocksdb (flush, compaction)";
        }
        if (name.startsWith("flink-")
                || name.startsWith("pekko")
                || name.startsWith("Flink")
                || name.startsWith("jobmanager")
                || name.startsWith("Checkpoint")
                || name.startsWith("AsyncOperations")
                || name.contains("checkpoint")) {
            return "flink runtime (checkpoints, RPC)";
        }
        return "other threads";
    }

    private static long postmasterPid(EmbeddedPostgresServer postgres) {
        try (Connection connection = postgres.connect("postgres");
                Statement statement = connection.createStatement();
                ResultSet row = statement.executeQuery("SELECT pg_backend_pid()")) {
            row.next();
            return parentOf(row.getLong(1));
        } catch (SQLException | IOException e) {
            return -1;
        }
    }

    private static long parentOf(long pid) throws IOException {
        return Long.parseLong(stat(pid)[1]);
    }

    /** Fields of /proc/PID/stat after the command: state is [0], ppid [1], utime [11]. */
    private static String[] stat(long pid) throws IOException {
        String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
        return stat.substring(stat.lastIndexOf(')') + 2).split(" ");
    }

    /** CPU ticks by PostgreSQL process (key: pid and command line). */
    private Map<String, Long> postgresCpuTicks() {
        Map<String, Long> ticks = new HashMap<>();
        if (postmasterPid < 0) {
            return ticks;
        }
        try (Stream<Path> processes = Files.list(Path.of("/proc"))) {
            List<Path> pids =
                    processes.filter(p -> p.getFileName().toString().matches("\\d+")).toList();
            for (Path dir : pids) {
                long pid = Long.parseLong(dir.getFileName().toString());
                try {
                    String[] fields = stat(pid);
                    boolean postmaster = pid == postmasterPid;
                    if (!postmaster && Long.parseLong(fields[1]) != postmasterPid) {
                        continue;
                    }
                    long used = Long.parseLong(fields[11]) + Long.parseLong(fields[12]);
                    String command =
                            new String(
                                            Files.readAllBytes(dir.resolve("cmdline")),
                                            StandardCharsets.UTF_8)
                                    .replace('\0', ' ')
                                    .trim();
                    ticks.put(pid + " " + command, used);
                    if (postmaster) {
                        // Children that exited and were reaped.
                        ticks.put(
                                "exited", Long.parseLong(fields[13]) + Long.parseLong(fields[14]));
                    }
                } catch (IOException | RuntimeException vanished) {
                    // The process ended while being read.
                }
            }
        } catch (IOException e) {
            return ticks;
        }
        return ticks;
    }

    private static String postgresGroup(String process) {
        if (process.equals("exited")) {
            return "exited backends";
        }
        String command = process.substring(process.indexOf(' ') + 1);
        if (command.contains("walsender")) {
            return "walsenders (logical decoding)";
        }
        if (command.contains(" " + BenchEnvironment.SOURCE_DATABASE + " ")) {
            return "source backends (workload writes, CDC snapshot)";
        }
        if (command.contains(" tgt_")) {
            return "target backends (upserts)";
        }
        if (command.startsWith("postgres: ")) {
            return "background (" + command.substring("postgres: ".length()).split(" ")[0] + ")";
        }
        return "postmaster";
    }
}
