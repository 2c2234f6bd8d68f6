package io.syncline.jobs.control;

import io.syncline.jobs.config.KafkaSinkSettings;
import io.syncline.jobs.wiring.Topics;
import io.syncline.operators.control.ControlCommands;
import io.syncline.operators.control.ControlSignatures;
import io.syncline.operators.key.EntityKeys;
import io.syncline.schema.ChangeEvent;
import io.syncline.schema.ConflictDecision;
import io.syncline.schema.ControlCommand;
import io.syncline.schema.ErasureRequest;
import io.syncline.schema.KeyRotation;
import io.syncline.schema.ResyncRequest;
import io.syncline.schema.RuleSetDocument;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * Publishes {@link ControlCommand}s to the control topic the running job reads: rule sets, replays
 * of rejected changes and decisions of parked conflicts. Every command goes to partition 0 of the
 * topic, so the job applies them in the order they were published (a replay after the rule set that
 * fixes it).
 *
 * <p>Command ids are deterministic: {@code rules-v<version>} for a rule set, {@code
 * replay-<errorId>-<attempt>} for the attempt-th replay of an error and {@code
 * decision-<conflictId>} for the decision of a conflict, so a command published twice (e.g. after a
 * timeout) is recognisable as the same command.
 *
 * <p>Given a {@link SigningKey}, it signs every record (see {@link ControlSignatures}), so that a
 * job with {@code security.control.signers} accepts it.
 */
public final class ControlTopicPublisher implements AutoCloseable {

    /** How long creating the topic, sending and flushing may take before they fail. */
    static final Duration TIMEOUT = Duration.ofSeconds(15);

    private final KafkaSinkSettings kafka;
    private final Clock clock;
    private final SigningKey signingKey;
    private final KafkaProducer<byte[], byte[]> producer;
    private final List<Sent> sent = new ArrayList<>();

    /** Creates the control topic if it is missing and connects to the brokers. */
    public ControlTopicPublisher(KafkaSinkSettings kafka) {
        this(kafka, Clock.systemUTC());
    }

    /**
     * As {@link #ControlTopicPublisher(KafkaSinkSettings)}, stamping commands with {@code clock}.
     */
    public ControlTopicPublisher(KafkaSinkSettings kafka, Clock clock) {
        this(kafka, clock, null);
    }

    /**
     * As {@link #ControlTopicPublisher(KafkaSinkSettings, Clock)}, signing every record with {@code
     * signingKey}.
     *
     * @param signingKey the key to sign with, {@code null} to publish unsigned records
     */
    public ControlTopicPublisher(KafkaSinkSettings kafka, Clock clock, SigningKey signingKey) {
        ensureTopic(kafka);
        this.kafka = kafka;
        this.clock = clock;
        this.signingKey = signingKey;
        this.producer =
                new KafkaProducer<>(
                        producerProperties(kafka),
                        new ByteArraySerializer(),
                        new ByteArraySerializer());
    }

    /**
     * Creates the control topic with one partition if it does not exist: commands must keep their
     * order. Does nothing if it exists.
     *
     * @throws IllegalStateException naming the brokers and the topic if it cannot be created
     */
    public static void ensureTopic(KafkaSinkSettings kafka) {
        Topics.ensureControlTopic(kafka);
    }

    /** The topic commands go to. */
    public String topic() {
        return kafka.controlTopic();
    }

    /**
     * Publishes {@code rules} for the job to put in force, keyed and identified by {@code
     * rules-v<version>}.
     *
     * @return the command's id
     */
    public String publishRuleSet(RuleSetDocument rules, String issuedBy) {
        ControlCommand command = ControlCommands.ruleSet(rules, clock.instant(), issuedBy);
        send(command.getCommandId(), command);
        return command.getCommandId();
    }

    /**
     * Publishes {@code change}, rejected as error {@code errorId}, for the job to validate and
     * deliver again; keyed by the change's entity key.
     *
     * @param attempt which replay of the error this is, from 1 (its replay count after this one)
     * @return the command's id, {@code replay-<errorId>-<attempt>}
     */
    public String publishReplay(ChangeEvent change, String errorId, int attempt, String issuedBy) {
        ControlCommand command =
                ControlCommands.replay(change, errorId, attempt, clock.instant(), issuedBy);
        send(EntityKeys.of(change), command);
        return command.getCommandId();
    }

    /**
     * Publishes a person's {@code decision} of a parked conflict for the job to apply; keyed by the
     * conflict's entity key.
     *
     * @return the command's id, {@code decision-<conflictId>}
     */
    public String publishDecision(ConflictDecision decision, String issuedBy) {
        ControlCommand command =
                ControlCommands.conflictDecision(decision, clock.instant(), issuedBy);
        send(
                EntityKeys.of(
                        decision.getTenant(), decision.getEntityType(), decision.getEntityId()),
                command);
        return command.getCommandId();
    }

    /**
     * Publishes a re-sync {@code request} for the job to serve, keyed by its tenant and entity
     * type.
     *
     * @return the command's id, {@code resync-<requestId>}
     */
    public String publishResync(String requestId, ResyncRequest request, String issuedBy) {
        ControlCommand command =
                ControlCommands.resync(requestId, request, clock.instant(), issuedBy);
        send(request.getTenant() + "/" + request.getEntityType(), command);
        return command.getCommandId();
    }

    /**
     * Publishes the erasure of a subject for the job to apply, keyed by tenant and subject hash.
     *
     * @return the command's id, {@code erase-<tenant>-<hash prefix>}
     */
    public String publishErasure(ErasureRequest erasure, String issuedBy) {
        ControlCommand command = ControlCommands.erasure(erasure, clock.instant(), issuedBy);
        send(erasure.getTenant() + "/" + erasure.getSubjectHash(), command);
        return command.getCommandId();
    }

    /**
     * Publishes a tenant's new data key version for the job to encrypt with, keyed by the tenant.
     *
     * @return the command's id, {@code key-rotation-<keyId>-v<version>}
     */
    public String publishKeyRotation(KeyRotation rotation, String issuedBy) {
        ControlCommand command = ControlCommands.keyRotation(rotation, clock.instant(), issuedBy);
        send(rotation.getTenant(), command);
        return command.getCommandId();
    }

    /**
     * Waits until the brokers have acknowledged every command published so far.
     *
     * @throws IllegalStateException naming the first command that was not written, and why
     */
    public void flush() {
        producer.flush();
        List<Sent> pending = List.copyOf(sent);
        sent.clear();
        for (Sent command : pending) {
            try {
                command.result().get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            } catch (ExecutionException e) {
                throw cannotPublish(command.commandId(), e.getCause());
            } catch (TimeoutException e) {
                throw cannotPublish(command.commandId(), e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(
                        "interrupted while publishing " + command.commandId(), e);
            }
        }
    }

    @Override
    public void close() {
        producer.close(TIMEOUT);
    }

    private void send(String key, ControlCommand command) {
        byte[] value = ControlCommands.encode(command);
        ProducerRecord<byte[], byte[]> record =
                new ProducerRecord<>(
                        kafka.controlTopic(),
                        0,
                        command.getIssuedAt().toEpochMilli(),
                        key.getBytes(StandardCharsets.UTF_8),
                        value);
        if (signingKey != null) {
            signingKey.checkMaySend(command.getType());
            record.headers()
                    .add(
                            ControlSignatures.SIGNER_HEADER,
                            signingKey.signer().getBytes(StandardCharsets.UTF_8))
                    .add(
                            ControlSignatures.SIGNATURE_HEADER,
                            ControlSignatures.sign(signingKey.key(), kafka.controlTopic(), value)
                                    .getBytes(StandardCharsets.US_ASCII));
        }
        try {
            sent.add(new Sent(command.getCommandId(), producer.send(record)));
        } catch (RuntimeException e) {
            // send throws at once when the topic's metadata cannot be had within max.block.ms.
            throw cannotPublish(command.getCommandId(), e);
        }
    }

    private IllegalStateException cannotPublish(String commandId, Throwable cause) {
        return new IllegalStateException(
                "cannot publish "
                        + commandId
                        + " to the control topic "
                        + kafka.controlTopic()
                        + " at "
                        + kafka.bootstrapServers()
                        + ": "
                        + cause.getMessage()
                        + "; is the broker running, and are sinks.kafka.bootstrapServers and"
                        + " sinks.kafka.properties right?",
                cause);
    }

    private static Properties producerProperties(KafkaSinkSettings kafka) {
        Properties properties = new Properties();
        // Fail within the timeout rather than the client's defaults of one to two minutes.
        properties.setProperty(ProducerConfig.MAX_BLOCK_MS_CONFIG, "" + TIMEOUT.toMillis());
        properties.setProperty(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, "" + TIMEOUT.toMillis());
        properties.setProperty(
                ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, "" + TIMEOUT.multipliedBy(2).toMillis());
        for (Map.Entry<String, String> e : kafka.properties().entrySet()) {
            if (ProducerConfig.configNames().contains(e.getKey())) {
                properties.setProperty(e.getKey(), e.getValue());
            }
        }
        properties.setProperty(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
        properties.setProperty(ProducerConfig.CLIENT_ID_CONFIG, "syncline-control");
        // Idempotent with acks from all replicas: a retried send is written once, in order.
        properties.setProperty(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
        properties.setProperty(ProducerConfig.ACKS_CONFIG, "all");
        // The job's sinks are transactional; these commands are not.
        properties.remove(ProducerConfig.TRANSACTIONAL_ID_CONFIG);
        return properties;
    }

    private record Sent(String commandId, Future<RecordMetadata> result) {}
}
