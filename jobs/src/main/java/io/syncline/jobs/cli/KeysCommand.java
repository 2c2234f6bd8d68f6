package io.syncline.jobs.cli;

import io.syncline.jobs.config.ConfigLoader;
import io.syncline.jobs.config.KeySettings;
import io.syncline.jobs.config.SynclineConfig;
import io.syncline.jobs.control.ControlTopicPublisher;
import io.syncline.jobs.control.SigningKey;
import io.syncline.jobs.wiring.KeyRings;
import io.syncline.jobs.wiring.KeyRings.EncryptedTargetTable;
import io.syncline.operators.jdbc.JdbcEndpoint;
import io.syncline.operators.keys.KeyManagementService;
import io.syncline.operators.keys.KeyRing;
import io.syncline.operators.keys.KeyRow;
import io.syncline.operators.keys.KeyServiceException;
import io.syncline.operators.keys.KeyServiceSettings;
import io.syncline.operators.keys.KeyState;
import io.syncline.operators.keys.KeyTable;
import io.syncline.operators.keys.Pkcs12Settings;
import io.syncline.operators.keys.Reencryption;
import io.syncline.operators.keys.Reencryption.EncryptedTable;
import io.syncline.operators.keys.Reencryption.FieldResult;
import io.syncline.operators.keys.WrappedKey;
import io.syncline.operators.protect.DataKey;
import io.syncline.schema.ControlCommandType;
import io.syncline.schema.KeyRotation;
import java.io.PrintWriter;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code syncline keys}: the data keys of field-level encryption. Creates the keystore and the key
 * table, rotates a tenant's key (telling the running job through the control topic), lists keys
 * (never their bytes), and re-encrypts values written under older key versions while the job runs.
 */
@Command(
        name = "keys",
        description =
                "Manage the data keys of field-level encryption: create the keystore and key"
                        + " table, rotate a tenant's key, list keys, re-encrypt old values.",
        subcommands = {
            KeysCommand.Init.class,
            KeysCommand.Rotate.class,
            KeysCommand.ListKeys.class,
            KeysCommand.Reencrypt.class
        })
public final class KeysCommand extends CommandGroup {

    private static final DateTimeFormatter TIME =
            DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss'Z'").withZone(ZoneOffset.UTC);

    public KeysCommand() {
        super("init, rotate, list or reencrypt");
    }

    /** What every subcommand starts from: the configuration and its {@code security.keys}. */
    abstract static class KeysSubcommand implements Callable<Integer> {

        @Mixin TableSubcommand.ConfigOption configOption;

        @Spec CommandSpec spec;

        @Override
        public final Integer call() throws SQLException {
            SynclineConfig config = ConfigLoader.load(configOption.config);
            KeySettings keys = config.security().keys();
            if (keys == null) {
                err().println(
                                "syncline: "
                                        + configOption.config
                                        + " has no security.keys; add e.g. security: {keys:"
                                        + " {service: pkcs12, keyStore: syncline-keys.p12,"
                                        + " password: ${SYNCLINE_KEYSTORE_PASSWORD}}}");
                return SynclineCli.BAD_CONFIG;
            }
            return run(config, keys);
        }

        abstract int run(SynclineConfig config, KeySettings keys) throws SQLException;

        /** A connection to the target database, or a message saying how to reach it. */
        Connection connect(SynclineConfig config) {
            JdbcEndpoint database = KeyRings.database(config);
            try {
                return database.connect();
            } catch (SQLException e) {
                throw new IllegalStateException(
                        "cannot connect to "
                                + database.dependency()
                                + " as user '"
                                + database.username()
                                + "': "
                                + e.getMessage()
                                + "; is PostgreSQL running and reachable from here? check"
                                + " sinks.target.url, username and password in "
                                + configOption.config,
                        e);
            }
        }

        PrintWriter out() {
            return spec.commandLine().getOut();
        }

        PrintWriter err() {
            return spec.commandLine().getErr();
        }
    }

    @Command(
            name = "init",
            description =
                    "Create the PKCS12 keystore with a new key-encryption key if it does not exist"
                            + " (an existing one is never replaced), check that the key service"
                            + " wraps and unwraps, and create the key table.",
            sortOptions = false)
    static final class Init extends KeysSubcommand {

        @Override
        int run(SynclineConfig config, KeySettings keys) throws SQLException {
            KeyServiceSettings service = keys.keyService();
            if (service instanceof Pkcs12Settings pkcs12) {
                if (pkcs12.createIfMissing()) {
                    out().printf(
                                    "created keystore %s with a new AES-256 key-encryption key"
                                            + " (%s); back it up with its password: without them"
                                            + " no data key can be unwrapped%n",
                                    pkcs12.keyStore(), pkcs12.alias());
                } else {
                    out().printf(
                                    "keystore %s exists; kept as it is (init never replaces a"
                                            + " key-encryption key)%n",
                                    pkcs12.keyStore());
                }
            }
            try (KeyManagementService kms = service.open()) {
                byte[] probe = new byte[DataKey.KEY_BYTES];
                new SecureRandom().nextBytes(probe);
                WrappedKey wrapped = kms.wrap(probe);
                if (!Arrays.equals(kms.unwrap(wrapped), probe)) {
                    throw new KeyServiceException(
                            kms.description() + " unwrapped a key to other bytes than it wrapped");
                }
                out().printf(
                                "%s wraps and unwraps (key-encryption key %s)%n",
                                kms.description(), wrapped.kek());
            }
            KeyTable table = KeyRings.table(config);
            try (Connection connection = connect(config)) {
                table.create(connection);
            }
            out().printf(
                            "key table %s is ready in %s%n",
                            table.qualifiedName(), KeyRings.database(config).dependency());
            return 0;
        }
    }

    @Command(
            name = "rotate",
            description =
                    "Make a new version of a tenant's data key: new values are encrypted with it,"
                            + " values under older versions stay readable. Publishes the new"
                            + " version to the control topic, so the running job switches"
                            + " without a restart.",
            sortOptions = false)
    static final class Rotate extends KeysSubcommand {

        @Option(
                names = "--tenant",
                required = true,
                description = "The tenant whose key to rotate.")
        String tenant;

        @Mixin SigningOptions signing;

        @Override
        int run(SynclineConfig config, KeySettings keys) {
            // Checked before the key rotates: a job that requires signatures would refuse it.
            SigningKey signingKey = signing.key(config, ControlCommandType.KEY_ROTATION);
            DataKey key;
            try (KeyRing ring = KeyRings.factory(config).open()) {
                key = ring.rotate(tenant);
            }
            out().printf(
                            "tenant %s: data key %s version %d is current%s%n",
                            tenant, key.keyId(), key.version(), retired(key.version()));
            KeyRotation rotation = new KeyRotation(tenant, key.keyId(), key.version());
            try (ControlTopicPublisher publisher =
                    new ControlTopicPublisher(
                            config.sinks().kafka(), Clock.systemUTC(), signingKey)) {
                String commandId =
                        publisher.publishKeyRotation(
                                rotation,
                                "syncline keys rotate by " + SigningOptions.issuer(signingKey));
                publisher.flush();
                out().printf(
                                "published %s to %s: the running job encrypts with version %d as"
                                        + " soon as it reads it%n",
                                commandId, publisher.topic(), key.version());
            } catch (RuntimeException e) {
                err().printf(
                                "syncline: the key is rotated, but the rotation was not published:"
                                        + " %s%nthe running job still switches to version %d"
                                        + " within security.keys.refresh (%s)%n",
                                e.getMessage(),
                                key.version(),
                                DurationConverter.text(keys.refresh()));
                return SynclineCli.FAILED;
            }
            if (key.version() > 1) {
                out().printf(
                                "to rewrite values of older versions: syncline keys reencrypt -c %s"
                                        + " --tenant %s%n",
                                configOption.config, tenant);
            }
            return 0;
        }
    }

    /** What {@code rotate} says of the versions before {@code version}. */
    private static String retired(int version) {
        if (version == 1) {
            return " (the tenant had no key)";
        }
        return version == 2
                ? "; version 1 is retired and stays readable"
                : "; versions 1 to " + (version - 1) + " are retired and stay readable";
    }

    @Command(
            name = "list",
            description =
                    "List the tenants' data key versions with their states and dates, and how"
                            + " many subject keys each tenant has; never key bytes.",
            sortOptions = false)
    static final class ListKeys extends KeysSubcommand {

        @Option(names = "--tenant", description = "Only this tenant's keys.")
        String tenant;

        @Override
        int run(SynclineConfig config, KeySettings keys) throws SQLException {
            KeyTable table = KeyRings.table(config);
            List<KeyRow> rows;
            Map<String, Map<KeyState, Long>> subjects;
            try (Connection connection = connect(config)) {
                if (!table.exists(connection)) {
                    err().printf(
                                    "syncline: the key table %s does not exist in %s; run syncline"
                                            + " keys init -c %s%n",
                                    table.qualifiedName(),
                                    KeyRings.database(config).dependency(),
                                    configOption.config);
                    return SynclineCli.FAILED;
                }
                rows = table.tenantKeys(connection, tenant);
                subjects = table.subjectKeyCounts(connection, tenant);
            }
            if (rows.isEmpty()) {
                out().println(
                                "no data keys"
                                        + (tenant == null ? "" : " of tenant " + tenant)
                                        + " yet: the job makes a tenant's key when it first"
                                        + " encrypts one of its values, or syncline keys rotate"
                                        + " does");
                return 0;
            }
            List<List<String>> lines = new ArrayList<>();
            lines.add(
                    List.of(
                            "TENANT",
                            "KEY ID",
                            "VERSION",
                            "STATE",
                            "CREATED",
                            "RETIRED",
                            "WRAPPED BY"));
            for (KeyRow row : rows) {
                lines.add(
                        List.of(
                                row.tenant(),
                                row.keyId(),
                                Integer.toString(row.version()),
                                row.state().tableName(),
                                time(row.createdAt()),
                                time(row.retiredAt()),
                                row.wrappedByText()));
            }
            TableSubcommand.printTable(out(), lines);
            subjects.forEach(
                    (subjectTenant, counts) ->
                            out().printf(
                                            "subject keys of %s: %s%n",
                                            subjectTenant,
                                            counts.entrySet().stream()
                                                    .map(
                                                            e ->
                                                                    e.getValue()
                                                                            + " "
                                                                            + e.getKey()
                                                                                    .tableName())
                                                    .collect(Collectors.joining(", "))));
            return 0;
        }

        private static String time(Instant instant) {
            return instant == null ? "-" : TIME.format(instant);
        }
    }

    @Command(
            name = "reencrypt",
            description =
                    "Rewrite a tenant's encrypted values in the target tables that were written"
                            + " under older versions of its data key to the current version, while"
                            + " the sync job runs: a value the job changes meanwhile keeps the"
                            + " job's.",
            sortOptions = false)
    static final class Reencrypt extends KeysSubcommand {

        @Option(
                names = "--tenant",
                required = true,
                description = "The tenant whose values to rewrite.")
        String tenant;

        @Option(names = "--entity", description = "Only this entity type's table.")
        String entityType;

        @Option(
                names = "--batch-size",
                defaultValue = "" + Reencryption.DEFAULT_BATCH_SIZE,
                paramLabel = "<rows>",
                description = "Rows read per query (default: ${DEFAULT-VALUE}).")
        int batchSize;

        @Override
        int run(SynclineConfig config, KeySettings keys) throws SQLException {
            List<EncryptedTargetTable> tables =
                    KeyRings.encryptedTables(config, tenant, entityType);
            if (tables.isEmpty()) {
                out().println(
                                "nothing to re-encrypt: no target table"
                                        + (entityType == null
                                                ? ""
                                                : " of entity type " + entityType)
                                        + " holds encrypted fields of tenant "
                                        + tenant
                                        + " (fields are encrypted with encrypt: true under"
                                        + " security.entities)");
                return 0;
            }
            long rewritten = 0;
            long failed = 0;
            long remaining = 0;
            try (KeyRing ring = KeyRings.factory(config).open();
                    Connection connection = connect(config)) {
                DataKey current = ring.current(tenant);
                out().printf(
                                "re-encrypting tenant %s's values to data key %s version %d%n",
                                tenant, current.keyId(), current.version());
                Reencryption reencryption = new Reencryption(ring, batchSize);
                for (EncryptedTargetTable target : tables) {
                    EncryptedTable table = encryptedTable(connection, target);
                    if (table == null) {
                        out().printf(
                                        "  %s: not in the target database yet; nothing to do%n",
                                        target.displayName());
                        continue;
                    }
                    for (FieldResult result : reencryption.run(connection, table, tenant)) {
                        out().printf(
                                        "  %s.%s: %d under older versions, %d rewritten, %d"
                                                + " changed by the job meanwhile (its value kept),"
                                                + " %d failed%n",
                                        target.displayName(),
                                        result.field(),
                                        result.older(),
                                        result.rewritten(),
                                        result.changedMeanwhile(),
                                        result.failed());
                        if (result.firstFailure() != null) {
                            out().printf("    first failure: %s%n", result.firstFailure());
                        }
                        rewritten += result.rewritten();
                        failed += result.failed();
                    }
                    remaining += reencryption.remaining(connection, table, tenant, current);
                }
                out().printf(
                                "done: %d %s rewritten to version %d; %d left under other"
                                        + " versions%n",
                                rewritten,
                                rewritten == 1 ? "value" : "values",
                                current.version(),
                                remaining);
                if (remaining > failed) {
                    out().println(
                                    "values left were written by a job that had not switched to"
                                            + " the new version yet: run reencrypt again once it"
                                            + " has");
                }
            }
            return failed == 0 ? 0 : SynclineCli.FAILED;
        }

        /** The table's re-encryption settings; {@code null} if it does not exist yet. */
        private static EncryptedTable encryptedTable(
                Connection connection, EncryptedTargetTable target) throws SQLException {
            if (!Reencryption.exists(connection, target.qualifiedName())) {
                return null;
            }
            List<String> keyColumns = target.mapping().primaryKey();
            if (keyColumns.isEmpty()) {
                keyColumns = Reencryption.primaryKeyOf(connection, target.qualifiedName());
            }
            if (keyColumns.isEmpty()) {
                throw new IllegalStateException(
                        "target table "
                                + target.displayName()
                                + " has no primary key; the sync job creates it with one");
            }
            return new EncryptedTable(
                    target.qualifiedName(),
                    target.mapping().entityType(),
                    keyColumns,
                    target.mapping().tenantColumn(),
                    target.fields());
        }
    }
}
