package io.syncline.jobs.config;

/**
 * The audit trail: an audit record of every delivered change, control command and erasure, on the
 * audit topic ({@code sinks.kafka.auditTopic}) and in the audit table ({@code
 * sinks.target.auditTable}).
 *
 * @param enabled whether the job writes the audit topic and table; off, neither is created
 */
public record AuditSettings(boolean enabled) {}
