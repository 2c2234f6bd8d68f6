package io.syncline.jobs;

/**
 * The one place operator uids come from. A uid names an operator's state in checkpoints and
 * savepoints: changing one loses that state on the next upgrade, so {@code OperatorUidsTest} pins
 * them.
 */
public final class OperatorUids {

    private OperatorUids() {}

    /** The CDC source reading source {@code sourceId}. */
    public static String source(String sourceId) {
        return "source-" + sourceId;
    }

    /** The decode stage of source {@code sourceId}. */
    public static String decode(String sourceId) {
        return "decode-" + sourceId;
    }

    /** The exactly-once Kafka sink of the change topic. */
    public static String changeTopicSink() {
        return "sink-change-topic";
    }

    /** The exactly-once Kafka sink of the event topic (the event store replays read). */
    public static String eventStoreSink() {
        return "sink-event-store";
    }

    /** The replay's reader of the event topic (a bounded job without savepoints). */
    public static String replaySource() {
        return "replay-source-event-store";
    }

    /** The replay's choice of the events of its entity type, tenant and time window. */
    public static String replayFilter() {
        return "replay-filter";
    }

    /** The replay's version-guarded sink of the table it rebuilds. */
    public static String replayTargetSink() {
        return "replay-sink-target";
    }

    /** The replay's sink of unreadable event topic records into the errors table. */
    public static String replayErrorsSink() {
        return "replay-sink-errors-table";
    }

    /** The exactly-once Kafka sink of the error topic. */
    public static String errorTopicSink() {
        return "sink-error-topic";
    }

    /** The router after the key-by exchange, feeding the change topic and the target tables. */
    public static String route() {
        return "route-by-entity-type";
    }

    /** The version-guarded JDBC sink of one entity type's target table. */
    public static String targetTableSink(String entityType) {
        return "sink-target-" + entityType;
    }

    /** The control topic source (rule sets and replays). */
    public static String controlSource() {
        return "source-control";
    }

    /** The operator splitting the control topic into rule sets, replays and errors. */
    public static String controlRouter() {
        return "control-router";
    }

    /** The operator reading re-sync requests' rows from the sources, keyed by request. */
    public static String resync() {
        return "resync";
    }

    /**
     * The protect stage: encrypts fields, drops changes of erased subjects (broadcast state of
     * erased subject hashes).
     */
    public static String protect() {
        return "protect";
    }

    /** The operator taking plaintext of masked fields out of every error. */
    public static String protectErrors() {
        return "protect-errors";
    }

    /** The operator giving replayed changes back the values their error record sealed. */
    public static String unsealReplays() {
        return "unseal-replays";
    }

    /** The validation operator, keyed by tenant, holding referential-integrity state. */
    public static String validate() {
        return "validate";
    }

    /** The errors table sink. */
    public static String errorsTableSink() {
        return "sink-errors-table";
    }

    /** The resolve stage. */
    public static String resolve() {
        return "resolve";
    }

    /** The sink of every conflict into the conflict topic. */
    public static String conflictTopicSink() {
        return "sink-conflict-topic";
    }

    /** The sink of every conflict into the conflicts table. */
    public static String conflictsTableSink() {
        return "sink-conflicts-table";
    }

    /** The router of the writes back into bidirectional source {@code sourceId}. */
    public static String writeBackRoute(String sourceId) {
        return "route-write-back-" + sourceId;
    }

    /** The sink of {@code entityType}'s writes back into bidirectional source {@code sourceId}. */
    public static String writeBackSink(String sourceId, String entityType) {
        return "sink-write-back-" + sourceId + "-" + entityType;
    }

    /** The quality and lag windows per tenant and entity type. */
    public static String qualityWindows() {
        return "quality-windows";
    }

    /** The sink of every window's metrics into the quality topic. */
    public static String qualityTopicSink() {
        return "sink-quality-topic";
    }

    /** The sink of every window's metrics into the quality metrics table. */
    public static String qualityMetricsTableSink() {
        return "sink-quality-metrics-table";
    }

    /** The source lag monitor, keyed by source, fed by heartbeats. */
    public static String sourceLag() {
        return "source-lag";
    }

    /** The read-back sampling of the target tables. */
    public static String readBack() {
        return "read-back";
    }

    /** The alert stage, holding the open alert of each condition. */
    public static String alerts() {
        return "alerts";
    }

    /** The sink of every alert into the alerts topic. */
    public static String alertTopicSink() {
        return "sink-alert-topic";
    }

    /** The sink of every alert into the alerts table. */
    public static String alertsTableSink() {
        return "sink-alerts-table";
    }

    /** The sink of every alert to the notifiers. */
    public static String notifierSink() {
        return "sink-notifiers";
    }

    /** The observations of {@code stage} (a stage's uid, or failures) put in event time. */
    public static String observations(String stage) {
        return "observations-" + stage;
    }

    /**
     * The combiner summing {@code stage}'s observations per slot for the quality windows (it leaves
     * heartbeats out).
     */
    public static String qualityObservations(String stage) {
        return "quality-observations-" + stage;
    }

    /** The filter of the heartbeat observations of decode stage {@code stage} for source lag. */
    public static String heartbeats(String stage) {
        return "heartbeats-" + stage;
    }

    /** The sink counting observations too late for their window. */
    public static String lateObservationsSink() {
        return "sink-late-observations";
    }

    /** The filter of delivered changes sampled for read-back. */
    public static String readBackSampling() {
        return "read-back-sampling";
    }

    /** The errors of every stage but validation as observations of failures. */
    public static String failureObservations() {
        return "observe-failures";
    }

    /** The source of heartbeat ticks. */
    public static String heartbeatTicks() {
        return "source-heartbeat-ticks";
    }

    /** The sink writing each source's heartbeat row. */
    public static String heartbeatSink() {
        return "sink-heartbeats";
    }

    /** The audit record of every delivered change, chained to the router. */
    public static String auditChanges() {
        return "audit-changes";
    }

    /** The exactly-once Kafka sink of the audit topic. */
    public static String auditTopicSink() {
        return "sink-audit-topic";
    }

    /** The sink of every audit record into the audit table. */
    public static String auditTableSink() {
        return "sink-audit-table";
    }

    /**
     * The fault injector of fault-tolerance tests, between resolve and the sinks; never in a real
     * job, and stateless.
     */
    public static String faultInjector() {
        return "fault-injector";
    }
}
