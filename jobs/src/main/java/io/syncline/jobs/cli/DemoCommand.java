package io.syncline.jobs.cli;

import io.syncline.jobs.demo.Demo;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code syncline demo}: the sync job on embedded Postgres and Kafka with a generated workload on
 * two sources.
 */
@Command(
        name = "demo",
        description =
                "Start embedded PostgreSQL (two source databases and a target) and Kafka, run"
                        + " the sync job on them with a generated workload that includes"
                        + " conflicting writes to both sources, and print what it does, with the"
                        + " quality of each window and the alerts. Ctrl-C stops everything and"
                        + " writes the day's quality report.")
final class DemoCommand implements Callable<Integer> {

    @Option(
            names = "--rate",
            defaultValue = "20",
            description = "Changes per second the workload writes (default: ${DEFAULT-VALUE}).")
    int rate;

    @Option(
            names = "--duration",
            description = "Stop by itself after this many seconds (default: run until Ctrl-C).")
    Long durationSeconds;

    @Option(
            names = "--web-ui-port",
            defaultValue = "8081",
            description = "Port of the Flink web UI (default: ${DEFAULT-VALUE}).")
    int webUiPort;

    @Option(
            names = "--prometheus-port",
            defaultValue = "9249",
            description =
                    "Port of the job's Prometheus endpoint, http://localhost:<port>/metrics"
                            + " (default: ${DEFAULT-VALUE}).")
    int prometheusPort;

    @Option(
            names = "--with-http-source",
            description =
                    "Also sync a helpdesk's tickets from a REST delta API (an http source with"
                            + " OAuth client credentials), served by the demo.")
    boolean withHttpSource;

    @Option(
            names = "--with-webhook",
            description =
                    "Also sync payments that a provider POSTs as signed webhooks to a webhook"
                            + " source.")
    boolean withWebhook;

    @Override
    public Integer call() throws Exception {
        Duration duration = durationSeconds == null ? null : Duration.ofSeconds(durationSeconds);
        return new Demo(rate, webUiPort, prometheusPort, System.out, withHttpSource, withWebhook)
                        .run(duration)
                ? 0
                : SynclineCli.FAILED;
    }
}
