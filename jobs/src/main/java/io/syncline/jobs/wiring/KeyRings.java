package io.syncline.jobs.wiring;

import io.syncline.jobs.config.KeySettings;
import io.syncline.jobs.config.SourceConfig;
import io.syncline.jobs.config.SynclineConfig;
import io.syncline.jobs.config.TableMapping;
import io.syncline.jobs.config.TargetSettings;
import io.syncline.operators.jdbc.JdbcEndpoint;
import io.syncline.operators.keys.KeyRingFactory;
import io.syncline.operators.keys.KeyTable;
import io.syncline.operators.protect.EntityProtection;
import io.syncline.operators.sink.SqlIdentifiers;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The data keys of a configuration ({@code security.keys}): the key table in the target database,
 * reached like the job's sinks reach it, and the key service; and which target tables hold
 * encrypted fields.
 */
public final class KeyRings {

    private KeyRings() {}

    /**
     * Opens the data keys of {@code config} where they are used.
     *
     * @throws IllegalStateException if the configuration has no {@code security.keys}
     */
    public static KeyRingFactory factory(SynclineConfig config) {
        KeySettings keys = settings(config);
        return new KeyRingFactory(
                table(config), database(config), keys.keyService(), keys.refresh());
    }

    /** The key table of {@code config}. */
    public static KeyTable table(SynclineConfig config) {
        String name = settings(config).table();
        int dot = name.indexOf('.');
        return dot < 0
                ? new KeyTable(config.sinks().target().schema(), name)
                : new KeyTable(name.substring(0, dot), name.substring(dot + 1));
    }

    /** The target database, as the key table is reached in it (the sinks' connection settings). */
    public static JdbcEndpoint database(SynclineConfig config) {
        JdbcEndpoint sinks = Sinks.targetEndpoint(config.sinks().target());
        return new JdbcEndpoint(
                sinks.url(),
                sinks.username(),
                sinks.password(),
                sinks.properties(),
                "syncline keys");
    }

    /**
     * A target table with encrypted fields.
     *
     * @param qualifiedName its schema-qualified, quoted name
     * @param displayName {@code schema.table}, as messages name it
     * @param mapping the source table it mirrors (tenant, key columns, entity type)
     * @param fields the encrypted fields, sorted
     */
    public record EncryptedTargetTable(
            String qualifiedName, String displayName, TableMapping mapping, List<String> fields) {}

    /**
     * The target tables holding encrypted fields of {@code tenant} (of {@code entityType} only, if
     * not null), each once: tables of a constant other tenant are left out.
     */
    public static List<EncryptedTargetTable> encryptedTables(
            SynclineConfig config, String tenant, String entityType) {
        TargetSettings target = config.sinks().target();
        Map<String, EncryptedTargetTable> tables = new LinkedHashMap<>();
        for (SourceConfig source : config.sources()) {
            for (TableMapping mapping : source.tables()) {
                if (entityType != null && !entityType.equals(mapping.entityType())) {
                    continue;
                }
                if (mapping.tenant() != null && !mapping.tenant().equals(tenant)) {
                    continue;
                }
                EntityProtection protection =
                        config.security().classification().of(mapping.entityType());
                if (protection.encrypted().isEmpty()) {
                    continue;
                }
                String name = SqlIdentifiers.qualified(target.schema(), mapping.targetTable());
                tables.putIfAbsent(
                        name,
                        new EncryptedTargetTable(
                                name,
                                target.schema() + "." + mapping.targetTable(),
                                mapping,
                                new ArrayList<>(protection.encrypted())));
            }
        }
        return List.copyOf(tables.values());
    }

    private static KeySettings settings(SynclineConfig config) {
        KeySettings keys = config.security().keys();
        if (keys == null) {
            throw new IllegalStateException(
                    config.file()
                            + " has no security.keys; add e.g. security: {keys: {service: pkcs12,"
                            + " keyStore: syncline-keys.p12, password:"
                            + " ${SYNCLINE_KEYSTORE_PASSWORD}}} and run syncline keys init");
        }
        return keys;
    }
}
