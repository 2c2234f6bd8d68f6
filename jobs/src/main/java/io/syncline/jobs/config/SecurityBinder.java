package io.syncline.jobs.config;

import com.fasterxml.jackson.databind.JsonNode;
import io.syncline.operators.control.ControlRole;
import io.syncline.operators.control.ControlSignatures;
import io.syncline.operators.control.ControlSigner;
import io.syncline.operators.keys.AzureKeyVaultSettings;
import io.syncline.operators.keys.KeyTable;
import io.syncline.operators.protect.Classification;
import io.syncline.operators.protect.DataClass;
import io.syncline.operators.protect.EntityProtection;
import io.syncline.operators.protect.FieldProtection;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.security.PublicKey;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * Binds the {@code security} section. Each part has its own method, so each stays readable next to
 * the others; problems are reported like the rest of the file's, with path and fix.
 */
final class SecurityBinder {

    private static final Duration MIN_RETENTION = Duration.ofDays(1);

    private static final String FIELD_EXAMPLE = "{email: {class: confidential, encrypt: true}}";

    private static final String SIGNER_EXAMPLE =
            "{alice: {role: steward, publicKey: MCowBQYDK2VwAyEA...}}";

    private SecurityBinder() {}

    /**
     * The section; every part has its defaults when absent.
     *
     * @param entityTypes the entity types the sources' tables map to, which classification may name
     * @param baseDirectory the configuration file's directory, which relative paths start from
     */
    static SecuritySettings bind(
            ConfigNode node, JsonNode raw, Set<String> entityTypes, Path baseDirectory) {
        Classification classification =
                classification(node.get("entities"), raw.path("entities"), entityTypes);
        KeySettings keys = keys(node.get("keys"), classification, baseDirectory);
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

    private static final String KEYS_EXAMPLE =
            "{service: pkcs12, keyStore: syncline-keys.p12, password:"
                    + " ${SYNCLINE_KEYSTORE_PASSWORD}}";
    private static final String DEFAULT_KEYSTORE = "syncline-keys.p12";
    private static final Duration DEFAULT_KEY_REFRESH = Duration.ofMinutes(1);
    private static final Pattern KEY_TABLE =
            Pattern.compile("(?:[A-Za-z_][A-Za-z0-9_$]*\\.)?[A-Za-z_][A-Za-z0-9_$]*");
    // Key Vault's own rules for key names and versions.
    private static final Pattern AZURE_KEY_NAME = Pattern.compile("[0-9A-Za-z-]{1,127}");
    private static final Pattern AZURE_KEY_VERSION = Pattern.compile("[0-9A-Za-z]{1,64}");
    private static final Set<String> LOOPBACK_HOSTS = Set.of("localhost", "127.0.0.1", "[::1]");

    private static KeySettings keys(
            ConfigNode node, Classification classification, Path baseDirectory) {
        if (node.isAbsent()) {
            firstEncryptedField(classification)
                    .ifPresent(
                            field ->
                                    node.problem(
                                            "is required: "
                                                    + field
                                                    + " is encrypted, and data keys need a key"
                                                    + " service; add e.g. keys: "
                                                    + KEYS_EXAMPLE
                                                    + ", then run syncline keys init -c <this"
                                                    + " file> to create the keystore and the key"
                                                    + " table"));
            if (firstEncryptedField(classification).isEmpty()) {
                classification.entities().entrySet().stream()
                        .filter(e -> e.getValue().subjectField() != null)
                        .findFirst()
                        .ifPresent(
                                e ->
                                        node.problem(
                                                "is required: security.entities."
                                                        + e.getKey()
                                                        + ".subject names data subjects, who"
                                                        + " are recognised by a hash keyed"
                                                        + " with their tenant's data key (for"
                                                        + " erasure); add e.g. keys: "
                                                        + KEYS_EXAMPLE
                                                        + ", or remove subject"));
            }
            return null;
        }
        ConfigNode serviceNode = node.get("service");
        String service = serviceNode.text(KeySettings.PKCS12);
        ConfigNode keyStoreNode = node.get("keyStore");
        ConfigNode passwordNode = node.get("password");
        ConfigNode azureNode = node.get("azure");
        ConfigNode tableNode = node.get("table");
        String table = tableNode.text(KeyTable.DEFAULT_NAME);
        if (!KEY_TABLE.matcher(table).matches()) {
            tableNode.problem(
                    "'"
                            + table
                            + "' is not a table name; write name or schema.name, e.g. "
                            + KeyTable.DEFAULT_NAME);
        }
        ConfigNode refreshNode = node.get("refresh");
        Duration refresh = refreshNode.duration(DEFAULT_KEY_REFRESH);
        if (refresh.isZero() || refresh.isNegative()) {
            refreshNode.problem("must be above zero, e.g. 1m");
            refresh = DEFAULT_KEY_REFRESH;
        }
        Path keyStore = null;
        String password = null;
        AzureKeyVaultSettings azure = null;
        if (KeySettings.AZURE_KEY_VAULT.equals(service)) {
            for (ConfigNode local : List.of(keyStoreNode, passwordNode)) {
                if (!local.isAbsent()) {
                    local.problem(
                            "applies only to service pkcs12 (Azure Key Vault keeps the"
                                    + " key-encryption key); remove it");
                }
            }
            if (azureNode.isAbsent()) {
                azureNode.problem(
                        "is required with service azure-key-vault; e.g. {vaultUrl:"
                                + " https://syncline-prod.vault.azure.net, keyName: syncline-kek,"
                                + " tenantId: <directory id>, clientId: <application id>,"
                                + " clientSecret: ${AZURE_CLIENT_SECRET}}");
            } else {
                azure = azure(azureNode);
            }
        } else if (KeySettings.PKCS12.equals(service)) {
            if (!azureNode.isAbsent()) {
                azureNode.problem(
                        "applies only to service azure-key-vault; remove it, or set service:"
                                + " azure-key-vault");
            }
            keyStore = keyStore(keyStoreNode, baseDirectory);
            if (passwordNode.isAbsent()) {
                passwordNode.problem(
                        "is required: the password of the PKCS12 keystore; e.g. password:"
                                + " ${SYNCLINE_KEYSTORE_PASSWORD}, with the variable set where"
                                + " the job and syncline keys run");
            } else {
                password = passwordNode.requiredText("${SYNCLINE_KEYSTORE_PASSWORD}");
            }
        } else {
            serviceNode.problem(
                    "'"
                            + service
                            + "' is not a key service; use pkcs12 (a local keystore file that"
                            + " syncline keys init creates) or azure-key-vault");
        }
        node.rejectUnknownKeys();
        return new KeySettings(service, keyStore, password, table, refresh, azure);
    }

    /** The keystore's path as written, resolved against the configuration file's directory. */
    private static Path keyStore(ConfigNode node, Path baseDirectory) {
        String text = node.text(DEFAULT_KEYSTORE);
        if (text.isBlank()) {
            node.problem("must not be empty; e.g. " + DEFAULT_KEYSTORE);
            return null;
        }
        try {
            Path path = Path.of(text);
            return (path.isAbsolute() || baseDirectory == null ? path : baseDirectory.resolve(path))
                    .toAbsolutePath()
                    .normalize();
        } catch (InvalidPathException e) {
            node.problem("'" + text + "' is not a file path: " + e.getReason());
            return null;
        }
    }

    private static AzureKeyVaultSettings azure(ConfigNode node) {
        String vaultUrl =
                url(node.require("vaultUrl", "https://syncline-prod.vault.azure.net"), null);
        ConfigNode keyNameNode = node.get("keyName");
        String keyName = keyNameNode.requiredText("syncline-kek");
        if (keyName != null && !AZURE_KEY_NAME.matcher(keyName).matches()) {
            keyNameNode.problem(
                    "'"
                            + keyName
                            + "' is not a Key Vault key name: 1 to 127 letters, digits and"
                            + " dashes");
            keyName = null;
        }
        ConfigNode keyVersionNode = node.get("keyVersion");
        String keyVersion = keyVersionNode.text(null);
        if (keyVersion != null && !AZURE_KEY_VERSION.matcher(keyVersion).matches()) {
            keyVersionNode.problem(
                    "'"
                            + keyVersion
                            + "' is not a Key Vault key version (letters and digits, e.g."
                            + " 0698c2156c1a4e1da5b6bab6f6422fd6); leave it out to use the key's"
                            + " current version");
        }
        String tenantId = node.get("tenantId").requiredText("the directory (tenant) id of the app");
        String clientId =
                node.get("clientId").requiredText("the application (client) id of the app");
        String clientSecret = node.get("clientSecret").requiredText("${AZURE_CLIENT_SECRET}");
        String authority = url(node.get("authority"), AzureKeyVaultSettings.DEFAULT_AUTHORITY);
        node.rejectUnknownKeys();
        if (vaultUrl == null
                || keyName == null
                || tenantId == null
                || clientId == null
                || clientSecret == null
                || authority == null) {
            return null;
        }
        return new AzureKeyVaultSettings(
                vaultUrl, keyName, keyVersion, tenantId, clientId, clientSecret, authority);
    }

    /**
     * An https URL without query or fragment; http only to this machine (a local stand-in). {@code
     * null} with a problem if it is not one.
     */
    private static String url(ConfigNode node, String defaultValue) {
        String text = node.text(defaultValue);
        if (text == null) {
            return null;
        }
        URI uri;
        try {
            uri = new URI(text);
        } catch (URISyntaxException e) {
            uri = null;
        }
        boolean https = uri != null && "https".equals(uri.getScheme());
        boolean localHttp =
                uri != null
                        && "http".equals(uri.getScheme())
                        && LOOPBACK_HOSTS.contains(uri.getHost());
        if (uri == null
                || uri.getHost() == null
                || (!https && !localHttp)
                || uri.getRawQuery() != null
                || uri.getRawFragment() != null) {
            node.problem(
                    "'"
                            + text
                            + "' is not an https URL without query; write e.g. "
                            + (defaultValue != null
                                    ? defaultValue
                                    : "https://syncline-prod.vault.azure.net"));
            return null;
        }
        return text;
    }

    /**
     * The path of the first encrypted field, e.g. {@code security.entities.customer.fields.email}.
     */
    private static Optional<String> firstEncryptedField(Classification classification) {
        return new TreeMap<>(classification.entities())
                .entrySet().stream()
                        .filter(e -> !e.getValue().encrypted().isEmpty())
                        .findFirst()
                        .map(
                                e ->
                                        "security.entities."
                                                + e.getKey()
                                                + ".fields."
                                                + e.getValue().encrypted().iterator().next());
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
