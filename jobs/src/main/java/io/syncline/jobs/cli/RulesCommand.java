package io.syncline.jobs.cli;

import io.syncline.jobs.config.ConfigLoader;
import io.syncline.jobs.config.RuleFiles;
import io.syncline.jobs.config.SynclineConfig;
import io.syncline.jobs.control.ControlTopicPublisher;
import io.syncline.jobs.control.SigningKey;
import io.syncline.operators.validate.RuleSetException;
import io.syncline.schema.ControlCommandType;
import io.syncline.schema.RuleSetDocument;
import java.nio.file.Path;
import java.time.Clock;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code syncline rules}: manages the validation rule set of the running job. */
@Command(
        name = "rules",
        description = "Manage the validation rule set of the running sync job.",
        subcommands = {RulesCommand.PublishRules.class})
public final class RulesCommand implements Runnable {

    @Option(
            names = {"-h", "--help"},
            usageHelp = true,
            description = "Show this help and exit.")
    boolean help;

    @Spec CommandSpec spec;

    @Override
    public void run() {
        throw new ParameterException(spec.commandLine(), "name a subcommand: publish");
    }

    @Command(
            name = "publish",
            description =
                    "Check a rule file and publish it to the control topic; the running job puts"
                            + " it in force if its version is higher than the one in force.",
            sortOptions = false)
    static final class PublishRules implements Callable<Integer> {

        @Option(
                names = {"-h", "--help"},
                usageHelp = true,
                description = "Show this help and exit.")
        boolean help;

        @Parameters(index = "0", paramLabel = "<rule file>", description = "The rule file.")
        Path rules;

        @Option(
                names = {"-c", "--config"},
                required = true,
                description = "The YAML configuration file of the job (for its brokers).")
        Path config;

        @Mixin SigningOptions signing;

        @Spec CommandSpec spec;

        @Override
        public Integer call() {
            RuleSetDocument document;
            try {
                document = RuleFiles.read(rules);
            } catch (RuleSetException e) {
                e.problems().forEach(spec.commandLine().getErr()::println);
                return SynclineCli.BAD_CONFIG;
            }
            SynclineConfig loaded = ConfigLoader.load(config);
            SigningKey key = signing.key(loaded, ControlCommandType.RULE_SET);
            String topic;
            try (ControlTopicPublisher publisher =
                    new ControlTopicPublisher(loaded.sinks().kafka(), Clock.systemUTC(), key)) {
                publisher.publishRuleSet(
                        document, "syncline rules publish by " + SigningOptions.issuer(key));
                publisher.flush();
                topic = publisher.topic();
            }
            spec.commandLine()
                    .getOut()
                    .printf(
                            "published rule set version %d to %s%s%n",
                            document.getVersion(),
                            topic,
                            key == null ? "" : ", signed by " + key.signer());
            return 0;
        }
    }
}
