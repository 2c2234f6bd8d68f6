package io.syncline.jobs.config;

import io.syncline.operators.protect.Classification;
import java.util.Objects;

/**
 * The {@code security} section: how fields are classified and protected, where data keys come from,
 * who may send control commands, the audit trail, and how long Syncline keeps what it writes.
 *
 * @param classification each entity type's field classes, encrypted fields and data subject
 * @param keys the key service and key table; {@code null} when no field is encrypted
 * @param control the keys control commands must be signed with and their roles
 * @param audit where the audit trail goes
 * @param retention how long topics and Syncline's own tables keep records
 */
public record SecuritySettings(
        Classification classification,
        KeySettings keys,
        ControlAuthSettings control,
        AuditSettings audit,
        RetentionSettings retention) {

    public SecuritySettings {
        Objects.requireNonNull(classification, "classification");
        Objects.requireNonNull(control, "control");
        Objects.requireNonNull(audit, "audit");
        Objects.requireNonNull(retention, "retention");
    }
}
