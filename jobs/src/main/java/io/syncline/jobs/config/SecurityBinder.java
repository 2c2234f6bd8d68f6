package io.syncline.jobs.config;

import com.fasterxml.jackson.databind.JsonNode;
import io.syncline.operators.protect.Classification;
import io.syncline.operators.protect.DataClass;
import io.syncline.operators.protect.EntityProtection;
import io.syncline.operators.protect.FieldProtection;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * Binds the {@code security} section. Each part has its own method, so each stays readable next to
 * the others; problems are reported like the rest of the file's, with path and fix.
 */
final class SecurityBinder {

    private static final Duration MIN_RETENTION = Duration.ofDays(1);

    private static final String FIELD_EXAMPLE = "{email: {class: confidential, encrypt: true}}";

    private SecurityBinder() {}

    /**
     * The section; every part has its defaults when absent.
     *
     * @param entityTypes the entity types the sources' tables map to, which classification may name
     */
    static SecuritySettings bind(ConfigNode node, JsonNode raw, Set<String> entityTypes) {
        Classification classification =
                classification(node.get("entities"), raw.path("entities"), entityTypes);
        KeySettings keys = keys(node.get("keys"), raw.path("keys"), classification);
        ControlAuthSettings control = control(node.get("control"), raw.path("control"));
        AuditSettings audit = audit(node.get("audit"));
        RetentionSettings retention = retention(node.get("retention"));
        node.rejectUnknownKeys();
        return new SecuritySettings(classification, keys, control, audit, retention);
    }

    // ---- classification

    private static Classification classification(
            ConfigNode node, JsonNode raw, Set<String> entityTypes) {
        Map<String, EntityProtection> entities = new LinkedHashMap<>();
        for (String entityType :
                ConfigBinder.keys(
                        node, raw, "{customer: {subject: id, fields: " + FIELD_EXAMPLE + "}}")) {
            ConfigNode entityNode = node.get(entityType);
            if (!entityTypes.isEmpty() && !entityTypes.contains(entityType)) {
                entityNode.problem(
                        "no source table maps to entity type '"
                                + entityType
                                + "'; the configured ones are "
                                + String.join(", ", entityTypes));
            }
            EntityProtection protection = entity(entityNode, raw.path(entityType));
            if (protection != null) {
                entities.put(entityType, protection);
            }
        }
        return new Classification(entities);
    }

    private static EntityProtection entity(ConfigNode node, JsonNode raw) {
        String subject = node.get("subject").text(null);
        ConfigNode subjectKeysNode = node.get("subjectKeys");
        boolean subjectKeys = subjectKeysNode.bool(false);
        if (subjectKeys && subject == null) {
            subjectKeysNode.problem(
                    "needs 'subject', the field that names whose row it is (e.g. subject: id), so"
                            + " each subject's values are encrypted under a key of its own");
            subjectKeys = false;
        }
        ConfigNode fieldsNode = node.get("fields");
        JsonNode rawFields = raw.path("fields");
        Map<String, FieldProtection> fields = new LinkedHashMap<>();
        for (String field : ConfigBinder.keys(fieldsNode, rawFields, FIELD_EXAMPLE)) {
            FieldProtection protection = field(fieldsNode.get(field), rawFields.path(field));
            if (protection != null) {
                fields.put(field, protection);
            }
        }
        node.rejectUnknownKeys();
        if (subject != null && fields.getOrDefault(subject, FieldProtection.DEFAULT).encrypt()) {
            node.get("subject")
                    .problem(
                            "names field '"
                                    + subject
                                    + "', which is encrypted; 'syncline erase' finds a subject's"
                                    + " rows in the targets by this field, so it must stay in"
                                    + " clear: remove 'encrypt: true' from it");
        }
        if (subjectKeys && fields.values().stream().noneMatch(FieldProtection::encrypt)) {
            subjectKeysNode.problem(
                    "has no effect: no field of this entity type is encrypted; mark the personal"
                            + " fields 'encrypt: true', or remove subjectKeys");
        }
        return new EntityProtection(fields, subject, subjectKeys);
    }

    /** {@code email: confidential} or {@code email: {class: confidential, encrypt: true}}. */
    private static FieldProtection field(ConfigNode node, JsonNode raw) {
        if (raw.isTextual()) {
            DataClass dataClass = dataClass(node, raw.asText());
            return dataClass == null ? null : new FieldProtection(dataClass, false);
        }
        ConfigNode classNode = node.get("class");
        DataClass dataClass = dataClass(classNode, classNode.text("internal"));
        boolean encrypt = node.get("encrypt").bool(false);
        node.rejectUnknownKeys();
        if (dataClass == null) {
            return null;
        }
        if (encrypt && !dataClass.isMasked()) {
            node.get("encrypt")
                    .problem(
                            "encrypts a field of class "
                                    + dataClass.configName()
                                    + "; encrypted fields are confidential or restricted, so"
                                    + " also set class: confidential (or restricted)");
        }
        return new FieldProtection(dataClass, encrypt);
    }

    private static DataClass dataClass(ConfigNode node, String name) {
        return DataClass.named(name)
                .orElseGet(
                        () -> {
                            node.problem(
                                    "'"
                                            + name
                                            + "' is not a class; use one of "
                                            + String.join(", ", DataClass.configNames()));
                            return null;
                        });
    }

    // ---- keys (key service and key table)

    private static KeySettings keys(ConfigNode node, JsonNode raw, Classification classification) {
        if (node.isAbsent()) {
            return null;
        }
        String service = node.get("service").text("pkcs12");
        node.rejectUnknownKeys();
        return new KeySettings(service);
    }

    // ---- control (signed commands and roles)

    private static ControlAuthSettings control(ConfigNode node, JsonNode raw) {
        boolean requireSigned = node.get("requireSigned").bool(false);
        node.rejectUnknownKeys();
        return new ControlAuthSettings(requireSigned);
    }

    // ---- audit

    private static AuditSettings audit(ConfigNode node) {
        boolean enabled = node.get("enabled").bool(true);
        node.rejectUnknownKeys();
        return new AuditSettings(enabled);
    }

    // ---- retention

    private static RetentionSettings retention(ConfigNode node) {
        RetentionSettings defaults = RetentionSettings.DEFAULTS;
        RetentionSettings retention =
                new RetentionSettings(
                        period(node.get("changes"), defaults.changes()),
                        period(node.get("audit"), defaults.audit()),
                        period(node.get("errors"), defaults.errors()),
                        period(node.get("conflicts"), defaults.conflicts()),
                        period(node.get("quality"), defaults.quality()),
                        period(node.get("alerts"), defaults.alerts()),
                        node.get("alterExistingTopics").bool(defaults.alterExistingTopics()));
        node.rejectUnknownKeys();
        return retention;
    }

    /** A retention period: at least a day, since {@code syncline cleanup} runs daily or so. */
    private static Duration period(ConfigNode node, Duration defaultPeriod) {
        Duration period = node.duration(defaultPeriod);
        if (period.compareTo(MIN_RETENTION) < 0) {
            node.problem(
                    "must be at least 1d, was "
                            + Durations.format(period)
                            + "; a shorter retention deletes records before anyone could look at"
                            + " them; write e.g. "
                            + Durations.format(defaultPeriod));
            return defaultPeriod;
        }
        return period;
    }
}
