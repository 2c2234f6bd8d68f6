package io.syncline.jobs.cli;

import io.syncline.jobs.config.ChangeSourceConfig;
import io.syncline.jobs.config.ConfigLoader;
import io.syncline.jobs.config.SynclineConfig;
import io.syncline.jobs.config.WebhookSourceConfig;
import io.syncline.jobs.wiring.sources.WebhookSources;
import io.syncline.operators.webhook.WebhookReceiver;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code syncline webhook}: runs the receivers of the configuration's webhook sources as a process
 * of their own, for a fixed address in front of a job whose sources set {@code receivers: 0}. The
 * receivers write the same landing topics the job reads.
 */
@Command(
        name = "webhook",
        description =
                "Run the HTTP receivers of the webhook sources outside the job, until stopped"
                        + " (Ctrl-C, SIGTERM). Set receivers: 0 on those sources so the job does"
                        + " not listen too. Exit codes: 0 stopped, 2 usage or configuration"
                        + " error, 3 a receiver could not start.",
        sortOptions = false)
final class WebhookCommand implements Callable<Integer> {

    /** Exit code when a receiver cannot listen or its landing topic cannot be made. */
    static final int START_FAILED = 3;

    @Mixin TableSubcommand.ConfigOption configOption;

    @Option(
            names = "--source",
            paramLabel = "<id>",
            description = "Only this webhook source (default: every one).")
    String sourceId;

    @Spec picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws InterruptedException {
        SynclineConfig config = ConfigLoader.load(configOption.config);
        List<WebhookSourceConfig> sources = new ArrayList<>();
        for (ChangeSourceConfig source : config.changeSources()) {
            if (source instanceof WebhookSourceConfig webhook
                    && (sourceId == null || sourceId.equals(source.id()))) {
                sources.add(webhook);
            }
        }
        if (sources.isEmpty()) {
            throw new ParameterException(
                    spec.commandLine(),
                    configOption.config
                            + " has no webhook source"
                            + (sourceId == null ? "" : " with id '" + sourceId + "'")
                            + "; add one with type: webhook");
        }
        CountDownLatch stopped = new CountDownLatch(1);
        Thread hook = new Thread(stopped::countDown, "syncline-webhook-stop");
        Runtime.getRuntime().addShutdownHook(hook);
        List<WebhookReceiver> receivers = new ArrayList<>();
        try {
            for (WebhookSourceConfig source : sources) {
                WebhookSources.ensureLandingTopic(source, config);
                WebhookReceiver receiver =
                        WebhookReceiver.start(
                                WebhookSources.settingsOf(source, config), 0, Clock.systemUTC());
                receivers.add(receiver);
                spec.commandLine()
                        .getOut()
                        .printf(
                                "webhook source %s: listening on %s:%d%s, landing topic %s%n",
                                source.id(),
                                source.host(),
                                receiver.port(),
                                source.path(),
                                source.topic());
            }
            stopped.await();
            return 0;
        } catch (IllegalStateException e) {
            spec.commandLine().getErr().println("syncline: " + e.getMessage());
            return START_FAILED;
        } catch (InterruptedException e) {
            return 0;
        } finally {
            receivers.forEach(WebhookReceiver::close);
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException shuttingDown) {
                // The hook is running: the JVM is stopping anyway.
            }
        }
    }
}
