package io.syncline.jobs.wiring;

import io.syncline.jobs.config.KafkaSinkSettings;
import io.syncline.operators.control.ControlCommandDeserializer;
import io.syncline.schema.ControlCommand;
import java.util.Properties;
import org.apache.flink.connector.kafka.source.KafkaSource;
import org.apache.flink.connector.kafka.source.enumerator.initializer.OffsetsInitializer;
import org.apache.kafka.clients.consumer.OffsetResetStrategy;

/** Builds the source of the control topic. */
public final class ControlSources {

    private ControlSources() {}

    /**
     * The control topic, read committed. A job that starts without a savepoint reads it from the
     * beginning, so the latest published rule set is in force again; a restored job goes on from
     * its checkpointed offsets.
     */
    public static KafkaSource<ControlCommand> control(KafkaSinkSettings kafka) {
        Properties consumer = new Properties();
        consumer.putAll(kafka.properties());
        consumer.keySet().removeIf(key -> key.toString().startsWith("compression"));
        consumer.setProperty("isolation.level", "read_committed");
        return KafkaSource.<ControlCommand>builder()
                .setBootstrapServers(kafka.bootstrapServers())
                .setTopics(kafka.controlTopic())
                .setGroupId(kafka.transactionalIdPrefix() + "-control")
                .setStartingOffsets(
                        OffsetsInitializer.committedOffsets(OffsetResetStrategy.EARLIEST))
                .setDeserializer(new ControlCommandDeserializer())
                .setProperties(consumer)
                .build();
    }
}
