package io.syncline.jobs.wiring;

import io.syncline.jobs.config.ControlAuthSettings;
import io.syncline.jobs.config.KafkaSinkSettings;
import io.syncline.operators.control.ControlCommandDeserializer;
import io.syncline.schema.ControlCommand;
import java.util.Properties;
import org.apache.flink.connector.kafka.source.KafkaSource;
import org.apache.flink.connector.kafka.source.enumerator.initializer.OffsetsInitializer;
import org.apache.kafka.clients.consumer.OffsetResetStrategy;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Builds the source of the control topic. */
public final class ControlSources {

    private static final Logger LOG = LoggerFactory.getLogger(ControlSources.class);

    private ControlSources() {}

    /**
     * The control topic, read committed, each record checked against {@code auth}'s signers. A job
     * that starts without a savepoint reads it from the beginning, so the latest published rule set
     * is in force again; a restored job goes on from its checkpointed offsets.
     */
    public static KafkaSource<ControlCommand> control(
            KafkaSinkSettings kafka, ControlAuthSettings auth) {
        if (!auth.authenticates()) {
            LOG.warn(
                    "control commands are not authenticated: security.control.signers is empty, so"
                            + " anyone who can write to the control topic {} can change the rules,"
                            + " replay changes, decide conflicts and erase data; configure signers"
                            + " (see docs/security/control.md)",
                    kafka.controlTopic());
        } else if (!auth.requireSigned()) {
            LOG.warn(
                    "unsigned control commands are accepted (security.control.requireSigned:"
                            + " false); only signed ones are checked against {}'s signers",
                    kafka.controlTopic());
        }
        return KafkaSource.<ControlCommand>builder()
                .setBootstrapServers(kafka.bootstrapServers())
                .setTopics(kafka.controlTopic())
                .setGroupId(kafka.transactionalIdPrefix() + "-control")
                .setStartingOffsets(
                        OffsetsInitializer.committedOffsets(OffsetResetStrategy.EARLIEST))
                .setDeserializer(new ControlCommandDeserializer(auth.auth()))
                .setProperties(readCommitted(kafka))
                .build();
    }

    /**
     * The settings of a consumer of Syncline's topics: {@code sinks.kafka.properties} but the
     * producers' compression, reading only committed transactions.
     */
    public static Properties readCommitted(KafkaSinkSettings kafka) {
        Properties consumer = new Properties();
        consumer.putAll(kafka.properties());
        consumer.keySet().removeIf(key -> key.toString().startsWith("compression"));
        consumer.setProperty("isolation.level", "read_committed");
        return consumer;
    }
}
