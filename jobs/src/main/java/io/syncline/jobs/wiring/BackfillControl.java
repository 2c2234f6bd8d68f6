package io.syncline.jobs.wiring;

import io.syncline.jobs.config.ControlAuthSettings;
import io.syncline.jobs.config.KafkaSinkSettings;
import io.syncline.operators.control.ControlAuth;
import io.syncline.operators.control.ControlCommandDeserializer;
import io.syncline.schema.ControlCommand;
import io.syncline.schema.ControlCommandType;
import java.io.IOException;
import java.util.Properties;
import org.apache.flink.api.common.serialization.DeserializationSchema;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.connector.kafka.source.KafkaSource;
import org.apache.flink.connector.kafka.source.enumerator.initializer.OffsetsInitializer;
import org.apache.flink.connector.kafka.source.reader.deserializer.KafkaRecordDeserializationSchema;
import org.apache.flink.util.Collector;
import org.apache.kafka.clients.consumer.ConsumerRecord;

/**
 * The control topic as a backfill reads it: from its beginning to its end when the job starts, and
 * only its rule sets, so the backfill validates with the rule set in force. Replays, conflict
 * decisions and re-sync requests are the streaming job's to carry out, and unreadable records its
 * to report: the backfill drops them, and so it drops rule sets the control reader refused
 * (unsigned or from a role that may not send them), which the streaming job reports.
 */
public final class BackfillControl {

    private BackfillControl() {}

    /** The control topic up to its current end, accepted rule sets only. */
    public static KafkaSource<ControlCommand> ruleSets(
            KafkaSinkSettings kafka, ControlAuthSettings auth) {
        Properties consumer = ControlSources.readCommitted(kafka);
        // Offsets are not committed: every backfill reads the whole topic again.
        consumer.setProperty("commit.offsets.on.checkpoint", "false");
        return KafkaSource.<ControlCommand>builder()
                .setBootstrapServers(kafka.bootstrapServers())
                .setTopics(kafka.controlTopic())
                .setGroupId(kafka.transactionalIdPrefix() + "-backfill-control")
                .setStartingOffsets(OffsetsInitializer.earliest())
                .setBounded(OffsetsInitializer.latest())
                .setDeserializer(new RuleSetsOnly(auth.auth()))
                .setProperties(consumer)
                .build();
    }

    /** The control topic's accepted rule-set commands; every other command is left out. */
    static final class RuleSetsOnly implements KafkaRecordDeserializationSchema<ControlCommand> {

        private static final long serialVersionUID = 1L;

        private final ControlCommandDeserializer commands;

        RuleSetsOnly(ControlAuth auth) {
            this.commands = new ControlCommandDeserializer(auth);
        }

        @Override
        public void open(DeserializationSchema.InitializationContext context) throws Exception {
            commands.open(context);
        }

        @Override
        public void deserialize(
                ConsumerRecord<byte[], byte[]> record, Collector<ControlCommand> out)
                throws IOException {
            commands.deserialize(
                    record,
                    new Collector<>() {
                        @Override
                        public void collect(ControlCommand command) {
                            if (command.getType() == ControlCommandType.RULE_SET
                                    && command.getRejection() == null) {
                                out.collect(command);
                            }
                        }

                        @Override
                        public void close() {}
                    });
        }

        @Override
        public TypeInformation<ControlCommand> getProducedType() {
            return commands.getProducedType();
        }
    }
}
