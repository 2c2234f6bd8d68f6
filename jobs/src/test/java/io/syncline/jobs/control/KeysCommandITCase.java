package io.syncline.jobs.control;

import static org.assertj.core.api.Assertions.assertThat;

import io.syncline.embedded.KafkaExtension;
import io.syncline.embedded.PostgresExtension;
import io.syncline.jobs.config.ConfigLoader;
import io.syncline.jobs.config.SynclineConfig;
import io.syncline.jobs.wiring.KeyRings;
import io.syncline.operators.keys.KeyRing;
import io.syncline.operators.protect.DataKey;
import io.syncline.operators.protect.FieldCipher;
import io.syncline.operators.protect.FieldContext;
import io.syncline.schema.ControlCommand;
import io.syncline.schema.ControlCommandType;
import io.syncline.schema.KeyRotation;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code syncline keys init, rotate, list, reencrypt} against a real target database (the key
 * table, a target table with encrypted values) and a real Kafka control topic.
 */
class KeysCommandITCase {

    @RegisterExtension static final PostgresExtension POSTGRES = new PostgresExtension();

    @RegisterExtension static final KafkaExtension KAFKA = new KafkaExtension();

    private static final FieldContext ACME_EMAIL = new FieldContext("acme", "customer", "email");

    @TempDir Path directory;

    private final CliHarness cli = new CliHarness("keys");
    private final FieldCipher cipher = new FieldCipher();
    private String database;
    private String controlTopic;
    private Path config;
    private Path keyStore;

    @BeforeEach
    void writeConfig(TestInfo test) throws IOException {
        String name = test.getTestMethod().orElseThrow().getName();
        database = "keys_cli_" + name.toLowerCase();
        controlTopic = "keys-cli." + name;
        POSTGRES.createDatabase(database);
        keyStore = directory.resolve("syncline-keys.p12");
        config = directory.resolve("syncline.yaml");
        Files.writeString(
                config,
                """
                sources:
                  - id: crm
                    hostname: localhost
                    database: crm
                    username: syncline
                    tables:
                      - table: public.customers
                        entityType: customer
                        tenantColumn: tenant_id
                sinks:
                  kafka:
                    bootstrapServers: %s
                    controlTopic: %s
                  target:
                    url: %s
                    username: %s
                    password: %s
                security:
                  entities:
                    customer:
                      fields:
                        email: {class: confidential, encrypt: true}
                        name: confidential
                  keys:
                    keyStore: syncline-keys.p12
                    password: keys-command-it
                """
                        .formatted(
                                KAFKA.bootstrapServers(),
                                controlTopic,
                                POSTGRES.jdbcUrl(database),
                                POSTGRES.username(),
                                POSTGRES.password()));
    }

    @Test
    void initCreatesTheKeystoreAndTheKeyTableAndNeverReplacesTheKeystore() throws Exception {
        assertThat(cli.run(config, "init")).isZero();

        String kek = kekOf(cli.lines().get(1));
        assertThat(cli.lines())
                .containsExactly(
                        "created keystore "
                                + keyStore
                                + " with a new AES-256 key-encryption key (syncline-kek); back it"
                                + " up with its password: without them no data key can be"
                                + " unwrapped",
                        "the PKCS12 keystore "
                                + keyStore
                                + " (key syncline-kek) wraps and unwraps (key-encryption key"
                                + " pkcs12/syncline-kek version "
                                + kek
                                + ")",
                        "key table \"public\".\"syncline_keys\" is ready in PostgreSQL "
                                + POSTGRES.jdbcUrl(database));
        assertThat(tableExists("public.syncline_keys")).isTrue();
        byte[] keystore = Files.readAllBytes(keyStore);

        assertThat(cli.run(config, "init")).isZero();

        assertThat(cli.lines().get(0))
                .isEqualTo(
                        "keystore "
                                + keyStore
                                + " exists; kept as it is (init never replaces a key-encryption"
                                + " key)");
        assertThat(kekOf(cli.lines().get(1))).isEqualTo(kek);
        assertThat(Files.readAllBytes(keyStore)).isEqualTo(keystore);
    }

    @Test
    void rotateMakesVersionTwoAndPublishesItOnTheControlTopic() throws Exception {
        assertThat(cli.run(config, "init")).isZero();
        DataKey first;
        try (KeyRing job = ring()) {
            first = job.current("acme");
        }
        assertThat(first.version()).isEqualTo(1);

        assertThat(cli.run(config, "rotate", "--tenant", "acme")).isZero();

        assertThat(cli.lines())
                .containsExactly(
                        "tenant acme: data key acme version 2 is current; version 1 is retired"
                                + " and stays readable",
                        "published key-rotation-acme-v2 to "
                                + controlTopic
                                + ": the running job encrypts with version 2 as soon as it reads"
                                + " it",
                        "to rewrite values of older versions: syncline keys reencrypt -c "
                                + config
                                + " --tenant acme");
        List<ConsumerRecord<byte[], byte[]>> records =
                CliHarness.controlRecords(KAFKA.bootstrapServers(), controlTopic);
        assertThat(records).hasSize(1);
        assertThat(new String(records.get(0).key(), StandardCharsets.UTF_8)).isEqualTo("acme");
        ControlCommand command = CliHarness.decode(records).get(0);
        assertThat(command.getType()).isEqualTo(ControlCommandType.KEY_ROTATION);
        assertThat(command.getCommandId()).isEqualTo("key-rotation-acme-v2");
        assertThat(command.getKeyRotation()).isEqualTo(new KeyRotation("acme", "acme", 2));
        assertThat(command.getIssuedBy()).startsWith("syncline keys rotate by ");
        try (KeyRing job = ring()) {
            assertThat(job.current("acme").version()).isEqualTo(2);
            assertThat(job.find("acme", 1)).contains(first);
        }
        assertThat(query("SELECT key_id, version, state FROM syncline_keys ORDER BY version"))
                .containsExactly("acme 1 retired", "acme 2 active");
    }

    @Test
    void listShowsEveryVersionWithItsStateAndDatesAndCountsSubjectKeysButNeverKeyBytes()
            throws Exception {
        assertThat(cli.run(config, "init")).isZero();
        try (KeyRing job = ring()) {
            job.current("acme");
            job.current("globex");
            job.subjectKey("acme", job.subjectHash("acme", "customer-1"));
            job.destroySubjectKey("acme", job.subjectHash("acme", "customer-2"));
        }
        assertThat(cli.run(config, "rotate", "--tenant", "acme")).isZero();

        assertThat(cli.run(config, "list")).isZero();

        List<String> lines = cli.lines();
        assertThat(lines).hasSize(5);
        assertThat(lines.get(0).split("\\s{2,}"))
                .containsExactly(
                        "TENANT", "KEY ID", "VERSION", "STATE", "CREATED", "RETIRED", "WRAPPED BY");
        String date = "\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\dZ";
        String kek = "pkcs12/syncline-kek version [0-9a-f]{8}";
        assertThat(lines.get(1))
                .matches("acme +acme +1 +retired +" + date + " +" + date + " +" + kek);
        assertThat(lines.get(2)).matches("acme +acme +2 +active +" + date + " +- +" + kek);
        assertThat(lines.get(3)).matches("globex +globex +1 +active +" + date + " +- +" + kek);
        assertThat(lines.get(4)).isEqualTo("subject keys of acme: 1 active, 1 destroyed");

        assertThat(cli.run(config, "list", "--tenant", "globex")).isZero();

        assertThat(cli.lines()).hasSize(2);
        assertThat(cli.lines().get(1)).startsWith("globex");
    }

    @Test
    void reencryptRewritesOldVersionsWithTheSamePlaintextAndLeavesNewerValuesAlone()
            throws Exception {
        assertThat(cli.run(config, "init")).isZero();
        POSTGRES.execute(
                database,
                "CREATE TABLE customers (tenant_id TEXT NOT NULL, id BIGINT NOT NULL, name TEXT,"
                        + " email TEXT, _syncline_version BIGINT NOT NULL, _syncline_deleted"
                        + " BOOLEAN NOT NULL DEFAULT FALSE, PRIMARY KEY (id))");
        Map<Long, String> plaintexts = new TreeMap<>();
        try (KeyRing job = ring()) {
            for (long id = 1; id <= 3; id++) {
                plaintexts.put(id, "person" + id + "@acme.example");
                insert("acme", id, job, plaintexts.get(id));
            }
            plaintexts.put(10L, "someone@globex.example");
            insert("globex", 10, job, plaintexts.get(10L));
        }
        assertThat(cli.run(config, "rotate", "--tenant", "acme")).isZero();
        try (KeyRing job = ring()) {
            // Written by the job after it switched to version 2.
            plaintexts.put(4L, "person4@acme.example");
            insert("acme", 4, job, plaintexts.get(4L));
        }
        Map<Long, String> before = emails();

        assertThat(cli.run(config, "reencrypt", "--tenant", "acme", "--batch-size", "2")).isZero();

        assertThat(cli.lines())
                .containsExactly(
                        "re-encrypting tenant acme's values to data key acme version 2",
                        "  public.customers.email: 3 under older versions, 3 rewritten, 0 changed"
                                + " by the job meanwhile (its value kept), 0 failed",
                        "done: 3 values rewritten to version 2; 0 left under other versions");
        Map<Long, String> after = emails();
        try (KeyRing reader = ring()) {
            for (long id = 1; id <= 3; id++) {
                assertThat(before.get(id)).startsWith("syncline:v1:acme:1:");
                assertThat(after.get(id)).startsWith("syncline:v1:acme:2:");
                assertThat(cipher.decrypt(after.get(id), ACME_EMAIL, reader))
                        .isEqualTo(plaintexts.get(id));
            }
        }
        assertThat(after.get(4L)).isEqualTo(before.get(4L));
        assertThat(after.get(10L)).isEqualTo(before.get(10L));

        assertThat(cli.run(config, "reencrypt", "--tenant", "acme", "--entity", "customer"))
                .isZero();

        assertThat(cli.lines().get(1))
                .isEqualTo(
                        "  public.customers.email: 0 under older versions, 0 rewritten, 0 changed"
                                + " by the job meanwhile (its value kept), 0 failed");
        assertThat(emails()).isEqualTo(after);
    }

    @Test
    void aConfigurationWithoutKeysSaysWhatToAdd() throws Exception {
        Files.writeString(
                config,
                Files.readString(config)
                        .replace("        email: {class: confidential, encrypt: true}\n", "")
                        .replace(
                                "  keys:\n    keyStore: syncline-keys.p12\n"
                                        + "    password: keys-command-it\n",
                                ""));

        assertThat(cli.run(config, "rotate", "--tenant", "acme")).isEqualTo(2);

        assertThat(cli.err())
                .isEqualTo(
                        "syncline: "
                                + config
                                + " has no security.keys; add e.g. security: {keys: {service:"
                                + " pkcs12, keyStore: syncline-keys.p12, password:"
                                + " ${SYNCLINE_KEYSTORE_PASSWORD}}}\n");
        assertThat(Files.exists(keyStore)).isFalse();
    }

    private KeyRing ring() {
        SynclineConfig loaded = ConfigLoader.load(config);
        return KeyRings.factory(loaded).open();
    }

    private void insert(String tenant, long id, KeyRing keys, String email) throws SQLException {
        try (Connection connection = POSTGRES.connect(database);
                PreparedStatement insert =
                        connection.prepareStatement(
                                "INSERT INTO customers (tenant_id, id, name, email,"
                                        + " _syncline_version) VALUES (?, ?, ?, ?, 1)")) {
            insert.setString(1, tenant);
            insert.setLong(2, id);
            insert.setString(3, "name " + id);
            insert.setString(
                    4,
                    cipher.encrypt(
                            email,
                            new FieldContext(tenant, "customer", "email"),
                            keys.current(tenant)));
            insert.executeUpdate();
        }
    }

    private Map<Long, String> emails() throws SQLException {
        Map<Long, String> emails = new TreeMap<>();
        try (Connection connection = POSTGRES.connect(database);
                Statement statement = connection.createStatement();
                ResultSet rows = statement.executeQuery("SELECT id, email FROM customers")) {
            while (rows.next()) {
                emails.put(rows.getLong(1), rows.getString(2));
            }
        }
        return emails;
    }

    private boolean tableExists(String name) throws SQLException {
        return query("SELECT to_regclass('" + name + "') IS NOT NULL").equals(List.of("t"));
    }

    /** The rows of {@code sql}, each its columns joined by spaces. */
    private List<String> query(String sql) throws SQLException {
        List<String> rows = new ArrayList<>();
        try (Connection connection = POSTGRES.connect(database);
                Statement statement = connection.createStatement();
                ResultSet result = statement.executeQuery(sql)) {
            int columns = result.getMetaData().getColumnCount();
            while (result.next()) {
                List<String> values = new ArrayList<>();
                for (int i = 1; i <= columns; i++) {
                    values.add(result.getString(i));
                }
                rows.add(String.join(" ", values));
            }
        }
        return rows;
    }

    /** The KEK version in the line {@code init} prints about the key service. */
    private static String kekOf(String line) {
        int at = line.indexOf("version ");
        return line.substring(at + "version ".length(), line.length() - 1);
    }
}
