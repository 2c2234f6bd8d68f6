package io.syncline.benchmarks;

import io.syncline.jobs.SyncJob;
import io.syncline.jobs.config.SynclineConfig;
import io.syncline.jobs.wiring.SyncJobFactory;
import io.syncline.operators.control.ControlRouter;
import io.syncline.operators.errors.ErrorOutputs;
import io.syncline.operators.key.EntityKeys;
import io.syncline.operators.keys.KeyTable;
import io.syncline.operators.resolve.ResolveFunction;
import io.syncline.schema.ChangeEvent;
import io.syncline.schema.ControlCommand;
import java.util.List;
import java.util.Map;
import org.apache.flink.configuration.CheckpointingOptions;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.StateBackendOptions;
import org.apache.flink.connector.base.DeliveryGuarantee;
import org.apache.flink.core.execution.CheckpointingMode;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

/**
 * The job variants the benchmarks compare. {@link #FULL} is the sync job exactly as {@link
 * SyncJobFactory} builds it; the others change one thing each, or leave out one stage more than the
 * variant they are compared with.
 */
public enum JobVariant {
    /** The sync job as shipped, run once first so that every measured drain finds a warm JVM. */
    WARM_UP("warm_up"),
    /**
     * The sync job as shipped: exactly-once, RocksDB, validating against a rule set, observing
     * itself (quality and lag windows, alerts, heartbeats, read-back).
     */
    FULL("full_eo"),
    /**
     * The sync job as shipped without its observability stages, and without the router's delivery
     * observations: what observability is measured against (R13), and what each stage-cost variant
     * below leaves one more stage out of.
     */
    NO_OBSERVABILITY("no_observability"),
    /**
     * {@link #NO_OBSERVABILITY} without its validation stage (and the key-by tenant exchange before
     * it): decode, key by entity, resolve (with dedup), route, the same sinks.
     */
    NO_VALIDATION("no_validation"),
    /**
     * {@link #NO_OBSERVABILITY} without its resolve stage (dedup included): decode, validate, key
     * by entity, route, the same sinks.
     */
    NO_CONSISTENCY("no_consistency"),
    /**
     * {@link #NO_OBSERVABILITY} with field encryption: two text fields of every entity type ({@code
     * email} and {@code notes}, confidential) encrypted in the protect stage under their tenant's
     * data key from a PKCS12 keystore and key table (R17).
     */
    FIELD_ENCRYPTION("encrypt_fields"),
    /**
     * {@link #FIELD_ENCRYPTION} with a key of its own per data subject ({@code subject: id,
     * subjectKeys: true}): each subject's first change creates, wraps and inserts its key (R18).
     */
    SUBJECT_KEYS("subject_keys"),
    /**
     * {@link #NO_OBSERVABILITY} without the event store ({@code eventStore.enabled: false}): every
     * other variant appends each delivered change to its event topic as well (R19).
     */
    NO_EVENT_STORE("no_event_store"),
    /** The same graph with at-least-once checkpoints and non-transactional Kafka sinks. */
    FULL_AT_LEAST_ONCE("full_alo"),
    /** The sync job with the heap (hashmap) state backend instead of RocksDB. */
    FULL_HEAP("full_heap"),
    /**
     * The same source, decoder and sinks (change topic, target tables, error topic) chained without
     * the key-by exchange: no processing between decode and the sinks.
     */
    PASS_THROUGH("pass_through"),
    /** The same source and decoder into the change topic only (R3's Flink side). */
    PASS_THROUGH_KAFKA("pass_kafka");

    private final String id;

    JobVariant(String id) {
        this.id = id;
    }

    /** Short id, used in topic, slot and database names. */
    public String id() {
        return id;
    }

    /** The fields the encrypting variants encrypt, in every entity type. */
    static final List<String> ENCRYPTED_FIELDS = List.of("email", "notes");

    /**
     * The variant's own top-level YAML sections ({@code security}, {@code eventStore}), or an empty
     * string when it has none.
     */
    String sections() {
        if (this == NO_EVENT_STORE) {
            return "eventStore:\n  enabled: false\n";
        }
        if (this != FIELD_ENCRYPTION && this != SUBJECT_KEYS) {
            return "";
        }
        StringBuilder yaml = new StringBuilder("security:\n  entities:\n");
        for (WorkloadSchema.Table table : WorkloadSchema.TABLES) {
            yaml.append("    ").append(table.entityType()).append(":\n");
            if (this == SUBJECT_KEYS) {
                yaml.append("      subject: id\n      subjectKeys: true\n");
            }
            yaml.append("      fields:\n");
            for (String field : ENCRYPTED_FIELDS) {
                yaml.append("        ")
                        .append(field)
                        .append(": {class: confidential, encrypt: true}\n");
            }
        }
        return yaml.append(
                        """
                          keys:
                            service: pkcs12
                            keyStore: %s-keys.p12
                            password: bench-keystore-password
                            table: %s
                        """
                                .formatted(id, KeyTable.DEFAULT_NAME))
                .toString();
    }

    /** The Flink configuration of the variant. */
    Configuration configuration(Configuration base) {
        Configuration flink = new Configuration(base);
        if (this == FULL_HEAP) {
            flink.set(StateBackendOptions.STATE_BACKEND, "hashmap");
        }
        if (this == FULL_AT_LEAST_ONCE) {
            flink.set(
                    CheckpointingOptions.CHECKPOINTING_CONSISTENCY_MODE,
                    CheckpointingMode.AT_LEAST_ONCE);
        }
        return flink;
    }

    /** Adds the variant's graph to {@code env}. */
    void build(StreamExecutionEnvironment env, SynclineConfig config) {
        switch (this) {
            case WARM_UP, FULL, FULL_HEAP -> SyncJobFactory.create(config).build(env);
            case FULL_AT_LEAST_ONCE ->
                    SyncJobFactory.create(config, DeliveryGuarantee.AT_LEAST_ONCE).build(env);
            case NO_OBSERVABILITY, FIELD_ENCRYPTION, SUBJECT_KEYS, NO_EVENT_STORE ->
                    withoutObservability(config).build(env);
            case NO_VALIDATION -> withoutValidation(env, config);
            case NO_CONSISTENCY -> withoutConsistency(env, config);
            case PASS_THROUGH -> passThrough(env, config, true);
            case PASS_THROUGH_KAFKA -> passThrough(env, config, false);
        }
    }

    /**
     * The shipped job without the observability stages. Built from the same configuration as {@link
     * #FULL}, observability on, so that the two differ in these stages alone; and every variant
     * built from it routes without delivery observations, which would otherwise go to a side output
     * nobody reads.
     */
    private static SyncJob withoutObservability(SynclineConfig config) {
        return SyncJobFactory.create(config).withoutObservability();
    }

    /** The sync job's stages without validate: what validation is measured against (R11). */
    private static void withoutValidation(StreamExecutionEnvironment env, SynclineConfig config) {
        SyncJob job = withoutObservability(config);
        SingleOutputStreamOperator<ChangeEvent> decoded = decode(env, job);
        SingleOutputStreamOperator<ChangeEvent> resolved =
                job.resolve(decoded.keyBy(new EntityKeys()), job.control(env));
        job.recordConflicts(resolved.getSideOutput(ResolveFunction.CONFLICTS));
        job.deliver(
                job.route(resolved),
                decoded.getSideOutput(ErrorOutputs.ERRORS)
                        .union(resolved.getSideOutput(ErrorOutputs.ERRORS)));
    }

    /** The sync job's stages without resolve: what consistency is measured against (R12). */
    private static void withoutConsistency(StreamExecutionEnvironment env, SynclineConfig config) {
        SyncJob job = withoutObservability(config);
        SingleOutputStreamOperator<ChangeEvent> decoded = decode(env, job);
        SingleOutputStreamOperator<ControlCommand> control = job.control(env);
        SingleOutputStreamOperator<ChangeEvent> valid =
                job.validate(decoded.union(control.getSideOutput(ControlRouter.REPLAYS)), control);
        job.deliver(
                job.route(valid.keyBy(new EntityKeys())),
                decoded.getSideOutput(ErrorOutputs.ERRORS)
                        .union(valid.getSideOutput(ErrorOutputs.ERRORS)));
    }

    private static SingleOutputStreamOperator<ChangeEvent> decode(
            StreamExecutionEnvironment env, SyncJob job) {
        return SyncJob.decode(env, job.sources().get(0), job.consistency().maxOutOfOrder());
    }

    /**
     * The sync job's own stages and sinks without the key-by exchange between decode and route:
     * what the pipeline's processing, observability included, is measured against (R1). Without
     * target tables, the pass-through into the change topic only (R3).
     */
    private static void passThrough(
            StreamExecutionEnvironment env, SynclineConfig config, boolean withTargetTables) {
        SyncJob job = withoutObservability(config);
        if (!withTargetTables) {
            job =
                    new SyncJob(
                            job.sources(),
                            job.validation(),
                            job.consistency(),
                            job.changeTopic(),
                            Map.of(),
                            job.errorTopic(),
                            job.errorsTable());
        }
        SingleOutputStreamOperator<ChangeEvent> decoded = decode(env, job);
        job.deliver(job.route(decoded), decoded.getSideOutput(ErrorOutputs.ERRORS));
    }
}
