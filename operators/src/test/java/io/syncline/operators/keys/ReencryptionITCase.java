package io.syncline.operators.keys;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import io.syncline.embedded.PostgresExtension;
import io.syncline.operators.jdbc.JdbcEndpoint;
import io.syncline.operators.keys.Reencryption.EncryptedTable;
import io.syncline.operators.keys.Reencryption.FieldResult;
import io.syncline.operators.protect.DataKey;
import io.syncline.operators.protect.FieldCipher;
import io.syncline.operators.protect.FieldContext;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link Reencryption} over a target table in the embedded PostgreSQL while a "job" writes to it:
 * old versions are rewritten to the current one with the same plaintext, the job's value written
 * between read and write wins, other tenants' values and values that do not decrypt stay as they
 * are.
 */
class ReencryptionITCase {

    @RegisterExtension static final PostgresExtension POSTGRES = new PostgresExtension();

    private static final String DATABASE = "reencryption";
    private static final String PASSWORD = "reencryption-it";
    private static final EncryptedTable CUSTOMERS =
            new EncryptedTable(
                    "\"public\".\"customers\"",
                    "customer",
                    List.of("id"),
                    "tenant_id",
                    List.of("email", "phone"));

    @TempDir static Path keys;

    private final FieldCipher cipher = new FieldCipher();
    private KeyRing ring;

    @BeforeAll
    static void createDatabaseAndKeystore() {
        POSTGRES.createDatabase(DATABASE);
        Pkcs12KeyService.create(
                keys.resolve("syncline-keys.p12"), PASSWORD.toCharArray(), "syncline-kek");
    }

    @BeforeEach
    void createTables() throws SQLException {
        POSTGRES.execute(
                DATABASE,
                "DROP TABLE IF EXISTS customers, syncline_keys",
                "CREATE TABLE customers (tenant_id TEXT NOT NULL, id BIGINT PRIMARY KEY, name"
                        + " TEXT, email TEXT, phone VARCHAR(400), _syncline_version BIGINT NOT"
                        + " NULL)");
        KeyTable table = new KeyTable("public", KeyTable.DEFAULT_NAME);
        ring =
                new KeyRingFactory(
                                table,
                                new JdbcEndpoint(
                                        POSTGRES.jdbcUrl(DATABASE),
                                        POSTGRES.username(),
                                        POSTGRES.password(),
                                        "reencryption-it"),
                                new Pkcs12Settings(keys.resolve("syncline-keys.p12"), PASSWORD),
                                Duration.ofMinutes(1))
                        .open();
        try (Connection connection = POSTGRES.connect(DATABASE)) {
            table.create(connection);
        }
    }

    @AfterEach
    void closeRing() {
        ring.close();
    }

    @Test
    void rewritesOldVersionsToTheCurrentOneAndLeavesTheJobsNewerValueAndOtherTenantsAlone()
            throws SQLException {
        DataKey acmeV1 = ring.current("acme");
        DataKey globex = ring.current("globex");
        for (long id = 1; id <= 5; id++) {
            insert("acme", id, "person" + id + "@acme.example", "+1 555 010" + id, acmeV1);
        }
        insert("globex", 6, "someone@globex.example", "+44 20 7946 0000", globex);
        DataKey acmeV2 = ring.rotate("acme");
        insert("acme", 7, "new@acme.example", "+1 555 0107", acmeV2);
        // A value that does not decrypt (copied from row 1's phone): left as it is, reported.
        execute(
                "UPDATE customers SET phone = (SELECT email FROM customers WHERE id = 1)"
                        + " WHERE id = 5");
        Map<Long, String> before = column("email");
        Map<Long, String> phonesBefore = column("phone");
        AtomicInteger batches = new AtomicInteger();
        // The job writes row 2 (a new email under version 2) between read and write of the
        // first batch.
        String jobsEmail =
                cipher.encrypt(
                        "changed@acme.example",
                        new FieldContext("acme", "customer", "email"),
                        acmeV2);
        Reencryption reencryption =
                new Reencryption(
                        ring,
                        2,
                        () -> {
                            if (batches.incrementAndGet() == 1) {
                                execute(
                                        "UPDATE customers SET email = '"
                                                + jobsEmail
                                                + "' WHERE id = 2");
                            }
                        });

        List<FieldResult> results;
        long remaining;
        try (Connection connection = POSTGRES.connect(DATABASE)) {
            results = reencryption.run(connection, CUSTOMERS, "acme");
            remaining = reencryption.remaining(connection, CUSTOMERS, "acme", acmeV2);
        }

        assertThat(results)
                .extracting(
                        FieldResult::field,
                        FieldResult::older,
                        FieldResult::rewritten,
                        FieldResult::changedMeanwhile,
                        FieldResult::failed)
                .containsExactly(tuple("email", 5L, 4L, 1L, 0L), tuple("phone", 5L, 4L, 0L, 1L));
        assertThat(results.get(1).firstFailure())
                .isEqualTo(
                        "the encrypted value of acme/customer.phone (key acme version 1) fails"
                                + " authentication: it was changed, or belongs to another tenant,"
                                + " entity type or field");
        assertThat(remaining).isEqualTo(1);
        Map<Long, String> emails = column("email");
        Map<Long, String> phones = column("phone");
        assertThat(emails.get(2L)).isEqualTo(jobsEmail);
        for (long id : List.of(1L, 3L, 4L, 5L)) {
            assertThat(emails.get(id)).startsWith("syncline:v1:acme:2:");
            assertThat(decrypt("acme", "email", emails.get(id)))
                    .isEqualTo("person" + id + "@acme.example");
        }
        for (long id : List.of(1L, 2L, 3L, 4L)) {
            assertThat(phones.get(id)).startsWith("syncline:v1:acme:2:");
            assertThat(decrypt("acme", "phone", phones.get(id))).isEqualTo("+1 555 010" + id);
        }
        assertThat(phones.get(5L)).isEqualTo(phonesBefore.get(5L));
        assertThat(emails.get(6L)).isEqualTo(before.get(6L));
        assertThat(phones.get(6L)).isEqualTo(phonesBefore.get(6L));
        assertThat(emails.get(7L)).isEqualTo(before.get(7L));
        assertThat(phones.get(7L)).isEqualTo(phonesBefore.get(7L));
    }

    @Test
    void aSecondPassFindsNothingLeft() throws SQLException {
        DataKey v1 = ring.current("acme");
        insert("acme", 1, "a@acme.example", "+1", v1);
        ring.rotate("acme");
        Reencryption reencryption = new Reencryption(ring, 100);

        try (Connection connection = POSTGRES.connect(DATABASE)) {
            reencryption.run(connection, CUSTOMERS, "acme");
            Map<Long, String> after = column("email");

            assertThat(reencryption.run(connection, CUSTOMERS, "acme"))
                    .extracting(FieldResult::older, FieldResult::rewritten)
                    .containsExactly(tuple(0L, 0L), tuple(0L, 0L));
            assertThat(column("email")).isEqualTo(after);
        }
    }

    private String decrypt(String tenant, String field, String value) {
        return cipher.decrypt(value, new FieldContext(tenant, "customer", field), ring);
    }

    private void insert(String tenant, long id, String email, String phone, DataKey key)
            throws SQLException {
        try (Connection connection = POSTGRES.connect(DATABASE);
                PreparedStatement insert =
                        connection.prepareStatement(
                                "INSERT INTO customers VALUES (?, ?, ?, ?, ?, 1)")) {
            insert.setString(1, tenant);
            insert.setLong(2, id);
            insert.setString(3, "name " + id);
            insert.setString(
                    4, cipher.encrypt(email, new FieldContext(tenant, "customer", "email"), key));
            insert.setString(
                    5, cipher.encrypt(phone, new FieldContext(tenant, "customer", "phone"), key));
            insert.executeUpdate();
        }
    }

    private static void execute(String sql) {
        POSTGRES.execute(DATABASE, sql);
    }

    private static Map<Long, String> column(String column) throws SQLException {
        Map<Long, String> values = new TreeMap<>();
        try (Connection connection = POSTGRES.connect(DATABASE);
                Statement statement = connection.createStatement();
                ResultSet rows =
                        statement.executeQuery("SELECT id, " + column + " FROM customers")) {
            while (rows.next()) {
                values.put(rows.getLong(1), rows.getString(2));
            }
        }
        return values;
    }
}
