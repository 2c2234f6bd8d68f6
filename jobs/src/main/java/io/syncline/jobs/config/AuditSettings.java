package io.syncline.jobs.config;

/**
 * The audit trail (placeholder: filled in by the audit work).
 *
 * @param enabled whether every delivered change and control command is audited
 */
public record AuditSettings(boolean enabled) {}
