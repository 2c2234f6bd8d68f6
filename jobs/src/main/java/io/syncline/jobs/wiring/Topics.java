package io.syncline.jobs.wiring;

import io.syncline.jobs.config.Durations;
import io.syncline.jobs.config.KafkaSinkSettings;
import io.syncline.jobs.config.RetentionSettings;
import io.syncline.jobs.config.SynclineConfig;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.AlterConfigOp;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.errors.TopicExistsException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one place Syncline's topics are created: each with the retention of its class of record
 * ({@code security.retention}), the audit topic compacted by audit id as well, and the control
 * topic with one partition. Topics that exist get their retention set at every start, so a changed
 * setting reaches them without anyone running {@code kafka-configs}.
 */
public final class Topics {

    private static final Logger LOG = LoggerFactory.getLogger(Topics.class);

    /** How long each call to the brokers may take before it fails. */
    static final Duration TIMEOUT = Duration.ofSeconds(30);

    /** Compacted by key and deleted after the retention: the audit topic's cleanup policy. */
    static final String COMPACT_DELETE =
            TopicConfig.CLEANUP_POLICY_COMPACT + "," + TopicConfig.CLEANUP_POLICY_DELETE;

    private static final TimeUnit MILLIS = TimeUnit.MILLISECONDS;

    private static final String PREPARE_ADVICE =
            "A user without the right to create topics or to alter their configs needs them"
                    + " created beforehand, with the retention of docs/security/audit.md, and"
                    + " security.retention.alterExistingTopics: false";

    private static final String CONTROL_ADVICE = "(or create it yourself with one partition)";

    private Topics() {}

    /**
     * One of the topics the job writes and the settings it is created with.
     *
     * @param name the topic
     * @param setting the retention setting its {@code retention.ms} comes from, for messages
     * @param configs topic configs to create it with and to keep set
     */
    public record Spec(String name, String setting, Map<String, String> configs) {

        public Spec {
            configs = Map.copyOf(configs);
        }

        static Spec retained(String name, String retentionClass, Duration retention) {
            return new Spec(
                    name,
                    "security.retention." + retentionClass + ": " + Durations.format(retention),
                    Map.of(TopicConfig.RETENTION_MS_CONFIG, Long.toString(retention.toMillis())));
        }
    }

    /**
     * A config of an existing topic set to another value.
     *
     * @param from the value it had, {@code null} if it had none of its own
     */
    public record Change(String topic, String config, String from, String to, String setting) {

        @Override
        public String toString() {
            return "topic " + topic + ": " + config + " " + from + " -> " + to + " (" + setting
                    + ")";
        }
    }

    /** The topics the sync job of {@code config} writes, with the configs they must have. */
    public static List<Spec> of(SynclineConfig config) {
        KafkaSinkSettings kafka = config.sinks().kafka();
        RetentionSettings retention = config.security().retention();
        List<Spec> topics = new ArrayList<>();
        topics.add(Spec.retained(kafka.changeTopic(), "changes", retention.changes()));
        topics.add(Spec.retained(kafka.errorTopic(), "errors", retention.errors()));
        topics.add(Spec.retained(kafka.conflictTopic(), "conflicts", retention.conflicts()));
        topics.add(Spec.retained(kafka.qualityTopic(), "quality", retention.quality()));
        topics.add(Spec.retained(kafka.alertTopic(), "alerts", retention.alerts()));
        if (config.eventStore().enabled()) {
            topics.add(
                    new Spec(
                            kafka.eventTopic(),
                            "eventStore.retention: "
                                    + Durations.format(config.eventStore().retention()),
                            Map.of(
                                    TopicConfig.RETENTION_MS_CONFIG,
                                    Long.toString(config.eventStore().retention().toMillis()))));
        }
        if (config.security().audit().enabled()) {
            Spec audit = Spec.retained(kafka.auditTopic(), "audit", retention.audit());
            Map<String, String> configs = new HashMap<>(audit.configs());
            configs.put(TopicConfig.CLEANUP_POLICY_CONFIG, COMPACT_DELETE);
            topics.add(new Spec(audit.name(), audit.setting(), configs));
        }
        return topics;
    }

    /**
     * Creates the missing topics of {@code config} with {@code job.parallelism} partitions and
     * their configs, and, unless {@code security.retention.alterExistingTopics} is off, sets the
     * configs of those that exist where they differ; logs each change.
     *
     * @return the configs of existing topics that were changed
     * @throws IllegalStateException naming the brokers, the cause and the fix
     */
    public static List<Change> prepare(SynclineConfig config) {
        KafkaSinkSettings kafka = config.sinks().kafka();
        List<Spec> topics = of(config);
        try (Admin admin = Admin.create(adminProperties(kafka, "syncline-topics"))) {
            Set<String> existing = admin.listTopics().names().get(TIMEOUT.toMillis(), MILLIS);
            List<NewTopic> missing = new ArrayList<>();
            List<Spec> present = new ArrayList<>();
            for (Spec topic : topics) {
                if (existing.contains(topic.name())) {
                    present.add(topic);
                } else {
                    missing.add(
                            new NewTopic(
                                            topic.name(),
                                            Optional.of(config.job().parallelism()),
                                            Optional.empty())
                                    .configs(topic.configs()));
                }
            }
            create(admin, missing);
            if (!config.security().retention().alterExistingTopics()) {
                return List.of();
            }
            List<Change> changes = alter(admin, present);
            changes.forEach(change -> LOG.info("Set {}", change));
            return changes;
        } catch (ExecutionException e) {
            throw failed(kafka, "prepare the topics", PREPARE_ADVICE, e.getCause());
        } catch (TimeoutException e) {
            throw failed(kafka, "prepare the topics", PREPARE_ADVICE, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while preparing the topics", e);
        }
    }

    /**
     * Creates the control topic with one partition if it does not exist: commands must keep their
     * order. Does nothing if it exists.
     *
     * @throws IllegalStateException naming the brokers and the topic if it cannot be created
     */
    public static void ensureControlTopic(KafkaSinkSettings kafka) {
        ensureTopic(kafka, kafka.controlTopic(), 1, Map.of(), "the control topic", CONTROL_ADVICE);
    }

    /**
     * Creates {@code topic} on {@code sinks.kafka}'s cluster with {@code partitions} partitions and
     * {@code configs} if it does not exist. Does nothing if it exists.
     *
     * @param what names the topic in messages, e.g. {@code the control topic}
     * @param advice how to do without Syncline creating it, e.g. {@code (or create it yourself)}
     * @throws IllegalStateException naming the brokers and the topic if it cannot be created
     */
    public static void ensureTopic(
            KafkaSinkSettings kafka,
            String topic,
            int partitions,
            Map<String, String> configs,
            String what,
            String advice) {
        try (Admin admin = Admin.create(adminProperties(kafka, "syncline-topics"))) {
            create(
                    admin,
                    List.of(
                            new NewTopic(topic, Optional.of(partitions), Optional.empty())
                                    .configs(configs)));
        } catch (ExecutionException e) {
            throw failed(kafka, "create " + what + " " + topic, advice, e.getCause());
        } catch (TimeoutException e) {
            throw failed(kafka, "create " + what + " " + topic, advice, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while creating " + what + " " + topic, e);
        }
    }

    /** The admin client settings: those of {@code sinks.kafka.properties} it knows, then ours. */
    static Properties adminProperties(KafkaSinkSettings kafka, String clientId) {
        Properties properties = new Properties();
        kafka.properties().entrySet().stream()
                .filter(e -> AdminClientConfig.configNames().contains(e.getKey()))
                .forEach(e -> properties.setProperty(e.getKey(), e.getValue()));
        properties.setProperty(
                AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
        properties.setProperty(AdminClientConfig.CLIENT_ID_CONFIG, clientId);
        properties.setProperty(
                AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, "" + TIMEOUT.toMillis());
        properties.setProperty(
                AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, "" + TIMEOUT.toMillis());
        return properties;
    }

    /** Creates {@code topics}; one that another client created meanwhile is left as it is. */
    private static void create(Admin admin, List<NewTopic> topics)
            throws ExecutionException, TimeoutException, InterruptedException {
        if (topics.isEmpty()) {
            return;
        }
        try {
            admin.createTopics(topics).all().get(TIMEOUT.toMillis(), MILLIS);
            topics.forEach(
                    topic -> LOG.info("Created topic {} with {}", topic.name(), topic.configs()));
        } catch (ExecutionException e) {
            if (!(e.getCause() instanceof TopicExistsException)) {
                throw e;
            }
        }
    }

    /** Sets the configs of {@code topics} that differ from their specs. */
    private static List<Change> alter(Admin admin, Collection<Spec> topics)
            throws ExecutionException, TimeoutException, InterruptedException {
        if (topics.isEmpty()) {
            return List.of();
        }
        Map<ConfigResource, Spec> byResource = new LinkedHashMap<>();
        topics.forEach(
                topic ->
                        byResource.put(
                                new ConfigResource(ConfigResource.Type.TOPIC, topic.name()),
                                topic));
        Map<ConfigResource, Config> current =
                admin.describeConfigs(byResource.keySet()).all().get(TIMEOUT.toMillis(), MILLIS);
        Map<ConfigResource, Collection<AlterConfigOp>> operations = new LinkedHashMap<>();
        List<Change> changes = new ArrayList<>();
        for (Map.Entry<ConfigResource, Spec> topic : byResource.entrySet()) {
            Config config = current.get(topic.getKey());
            for (Map.Entry<String, String> wanted : topic.getValue().configs().entrySet()) {
                ConfigEntry entry = config.get(wanted.getKey());
                String was = entry == null ? null : entry.value();
                if (wanted.getValue().equals(was)) {
                    continue;
                }
                operations
                        .computeIfAbsent(topic.getKey(), resource -> new ArrayList<>())
                        .add(
                                new AlterConfigOp(
                                        new ConfigEntry(wanted.getKey(), wanted.getValue()),
                                        AlterConfigOp.OpType.SET));
                changes.add(
                        new Change(
                                topic.getValue().name(),
                                wanted.getKey(),
                                was,
                                wanted.getValue(),
                                topic.getValue().setting()));
            }
        }
        if (!operations.isEmpty()) {
            admin.incrementalAlterConfigs(operations).all().get(TIMEOUT.toMillis(), MILLIS);
        }
        return changes;
    }

    private static IllegalStateException failed(
            KafkaSinkSettings kafka, String what, String advice, Throwable cause) {
        return new IllegalStateException(
                "cannot "
                        + what
                        + " at "
                        + kafka.bootstrapServers()
                        + " within "
                        + TIMEOUT.toSeconds()
                        + "s: "
                        + cause.getMessage()
                        + "; is the broker running, and are sinks.kafka.bootstrapServers and"
                        + " sinks.kafka.properties right? "
                        + advice,
                cause);
    }
}
