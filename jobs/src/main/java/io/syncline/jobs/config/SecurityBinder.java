package io.syncline.jobs.config;

import com.fasterxml.jackson.databind.JsonNode;
import io.syncline.operators.control.ControlRole;
import io.syncline.operators.control.ControlSignatures;
import io.syncline.operators.control.ControlSigner;
import io.syncline.operators.protect.Classification;
import io.syncline.operators.protect.DataClass;
import io.syncline.operators.protect.EntityProtection;
import io.syncline.operators.protect.FieldProtection;
import java.security.PublicKey;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Binds the {@code security} section. Each part has its own method, so each stays readable next to
 * the others; problems are reported like the rest of the file's, with path and fix.
 */
final class SecurityBinder {

    private static final String FIELD_EXAMPLE = "{email: {class: confidential, encrypt: true}}";

    private static final String SIGNER_EXAMPLE =
            "{alice: {role: steward, publicKey: MCowBQYDK2VwAyEA...}}";

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
        ConfigNode signersNode = node.get("signers");
        JsonNode rawSigners = raw.path("signers");
        Map<String, ControlSigner> signers = new LinkedHashMap<>();
        List<String> names = ConfigBinder.keys(signersNode, rawSigners, SIGNER_EXAMPLE);
        for (String name : names) {
            ControlSigner signer = signer(signersNode.get(name), name);
            if (signer != null) {
                signers.put(name, signer);
            }
        }
        ConfigNode requireSignedNode = node.get("requireSigned");
        boolean requireSigned = requireSignedNode.bool(!names.isEmpty());
        node.rejectUnknownKeys();
        if (requireSigned && names.isEmpty()) {
            requireSignedNode.problem(
                    "refuses unsigned commands, but no signer is configured to sign any; add"
                            + " security.control.signers (create one with 'syncline signers"
                            + " create'), or set requireSigned: false");
            requireSigned = false;
        }
        // Signers with problems are left out; the problems stop the start anyway.
        return new ControlAuthSettings(signers, requireSigned && !signers.isEmpty());
    }

    /** {@code alice: {role: admin, publicKey: MCowBQYDK2VwAyEA...}}. */
    private static ControlSigner signer(ConfigNode node, String name) {
        ConfigNode roleNode = node.get("role");
        String roleName = roleNode.requiredText("steward");
        ConfigNode keyNode = node.get("publicKey");
        String publicKeyText =
                keyNode.requiredText("MCowBQYDK2VwAyEA... (from 'syncline signers create')");
        node.rejectUnknownKeys();
        if (!ControlSigner.NAME.matcher(name).matches()) {
            node.problem(
                    "'"
                            + name
                            + "' is not a signer name; use letters, digits, '.', '_' and '-' only,"
                            + " at most 64, e.g. alice or ops-bot");
            return null;
        }
        ControlRole role = null;
        if (roleName != null) {
            role =
                    ControlRole.named(roleName)
                            .orElseGet(
                                    () -> {
                                        roleNode.problem(
                                                "'"
                                                        + roleName
                                                        + "' is not a role; use one of "
                                                        + String.join(
                                                                ", ", ControlRole.configNames()));
                                        return null;
                                    });
        }
        PublicKey publicKey = null;
        if (publicKeyText != null) {
            try {
                publicKey = ControlSignatures.publicKey(publicKeyText);
            } catch (IllegalArgumentException e) {
                keyNode.problem(
                        e.getMessage()
                                + "; paste the publicKey that 'syncline signers create' printed"
                                + " (base64 of an Ed25519 X.509 SubjectPublicKeyInfo, e.g. from"
                                + " 'openssl pkey -pubout -outform DER | base64')");
            }
        }
        return role == null || publicKey == null ? null : new ControlSigner(name, role, publicKey);
    }

    // ---- audit

    private static AuditSettings audit(ConfigNode node) {
        boolean enabled = node.get("enabled").bool(true);
        node.rejectUnknownKeys();
        return new AuditSettings(enabled);
    }

    // ---- retention

    private static RetentionSettings retention(ConfigNode node) {
        node.rejectUnknownKeys();
        return new RetentionSettings(true);
    }
}
