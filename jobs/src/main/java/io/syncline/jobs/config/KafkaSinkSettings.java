package io.syncline.jobs.config;

import java.time.Duration;
import java.util.Map;

/**
 * The Kafka topics: the change topic, the error topic and the conflict topic, written in
 * exactly-once transactions, and the control topic the job reads commands from (rule sets,
 * replays).
 *
 * @param transactionalIdPrefix must be unique per job on the cluster (default: the job name)
 * @param transactionTimeout must not exceed the broker's {@code transaction.max.timeout.ms}
 * @param properties extra client properties, passed as they are to every Kafka client Syncline
 *     makes; the binder adds the SSL settings of {@code sinks.kafka.tls} here (TLS 1.3 only)
 * @param conflictTopic every conflict, decided or parked, with both versions and the decision
 * @param qualityTopic each window's quality and lag per tenant and entity type
 * @param alertTopic every alert, fired and resolved
 * @param auditTopic the audit trail, keyed and compacted by audit id
 * @param eventTopic the event store: every delivered change, partitioned by entity type and tenant
 */
public record KafkaSinkSettings(
        String bootstrapServers,
        String changeTopic,
        String errorTopic,
        String controlTopic,
        String transactionalIdPrefix,
        Duration transactionTimeout,
        Map<String, String> properties,
        String conflictTopic,
        String qualityTopic,
        String alertTopic,
        String auditTopic,
        String eventTopic) {

    public KafkaSinkSettings {
        properties = Map.copyOf(properties);
    }
}
