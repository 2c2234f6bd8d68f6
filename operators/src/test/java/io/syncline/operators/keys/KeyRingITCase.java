package io.syncline.operators.keys;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.syncline.embedded.PostgresExtension;
import io.syncline.operators.MutableClock;
import io.syncline.operators.jdbc.JdbcEndpoint;
import io.syncline.operators.protect.DataKey;
import io.syncline.operators.protect.FieldCipher;
import io.syncline.operators.protect.FieldContext;
import io.syncline.operators.protect.FieldDecryptionException;
import io.syncline.operators.protect.KeyWrapCipher;
import io.syncline.operators.protect.SubjectErasedException;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link KeyRing} over a key table in the embedded PostgreSQL and a PKCS12 keystore: per-tenant
 * keys, rotation, crypto-shredding of subject keys, and subtasks creating the same key at once.
 */
class KeyRingITCase {

    @RegisterExtension static final PostgresExtension POSTGRES = new PostgresExtension();

    private static final String DATABASE = "key_ring";
    private static final String PASSWORD = "key-ring-it";
    private static final Duration REFRESH = Duration.ofMinutes(1);
    private static final FieldContext ACME_EMAIL = new FieldContext("acme", "customer", "email");
    private static final FieldContext GLOBEX_EMAIL =
            new FieldContext("globex", "customer", "email");

    @TempDir static Path keys;

    private final FieldCipher cipher = new FieldCipher();
    private final MutableClock clock = new MutableClock(Instant.parse("2026-11-26T09:00:00Z"));
    private final List<KeyRing> opened = new ArrayList<>();
    private KeyRingFactory factory;

    @BeforeAll
    static void createDatabaseAndKeystore() {
        POSTGRES.createDatabase(DATABASE);
        Pkcs12KeyService.create(
                keys.resolve("syncline-keys.p12"), PASSWORD.toCharArray(), "syncline-kek");
    }

    @BeforeEach
    void createKeyTable(TestInfo test) throws Exception {
        KeyTable table =
                new KeyTable(
                        "public",
                        "keys_" + test.getTestMethod().orElseThrow().getName().toLowerCase());
        POSTGRES.execute(DATABASE, "DROP TABLE IF EXISTS " + table.qualifiedName());
        factory =
                new KeyRingFactory(
                        table,
                        new JdbcEndpoint(
                                POSTGRES.jdbcUrl(DATABASE),
                                POSTGRES.username(),
                                POSTGRES.password(),
                                "key-ring-it"),
                        new Pkcs12Settings(keys.resolve("syncline-keys.p12"), PASSWORD),
                        REFRESH);
        try (Connection connection = connect()) {
            table.create(connection);
        }
    }

    @AfterEach
    void closeRings() {
        opened.forEach(KeyRing::close);
    }

    @Test
    void eachTenantHasItsOwnKeyAndAValueOfOneDoesNotDecryptAsTheOthers() throws Exception {
        KeyRing ring = ring(clock);

        DataKey acme = ring.current("acme");
        DataKey globex = ring.current("globex");

        assertThat(acme.keyId()).isEqualTo("acme");
        assertThat(acme.version()).isEqualTo(1);
        assertThat(globex.keyId()).isEqualTo("globex");
        // Different key bytes: what one wraps, the other does not unwrap.
        byte[] wrapped = KeyWrapCipher.wrap(acme, new byte[32], new byte[0], new SecureRandom());
        assertThatThrownBy(() -> KeyWrapCipher.unwrap(globex, wrapped, new byte[0]))
                .isInstanceOf(IllegalArgumentException.class);
        String value = cipher.encrypt("alice@example.com", ACME_EMAIL, ring.current("acme"));
        assertThat(value).startsWith("syncline:v1:acme:1:");
        assertThat(cipher.decrypt(value, ACME_EMAIL, ring)).isEqualTo("alice@example.com");
        // Another subtask (a ring of its own) reads the same key from the key table.
        assertThat(cipher.decrypt(value, ACME_EMAIL, ring(clock))).isEqualTo("alice@example.com");
        assertThatThrownBy(() -> cipher.decrypt(value, GLOBEX_EMAIL, ring))
                .isInstanceOf(FieldDecryptionException.class)
                .hasMessage(
                        "the encrypted value of globex/customer.email (key acme version 1) fails"
                                + " authentication: it was changed, or belongs to another tenant,"
                                + " entity type or field");
        // Globex's key, made up to look like acme's, does not open it either.
        String forged = value.replace("syncline:v1:acme:", "syncline:v1:globex:");
        assertThatThrownBy(() -> cipher.decrypt(forged, GLOBEX_EMAIL, ring))
                .isInstanceOf(FieldDecryptionException.class);
        assertThat(rows())
                .containsExactly(
                        "acme v1 tenant active wrapped by pkcs12/syncline-kek",
                        "globex v1 tenant active wrapped by pkcs12/syncline-kek");
    }

    @Test
    void rotationMakesANewVersionForNewValuesAndKeepsOldValuesReadable() throws Exception {
        KeyRing ring = ring(clock);
        String before = cipher.encrypt("alice@example.com", ACME_EMAIL, ring.current("acme"));
        clock.advance(Duration.ofHours(1));

        DataKey rotated = ring.rotate("acme");

        assertThat(rotated.version()).isEqualTo(2);
        assertThat(ring.current("acme")).isEqualTo(rotated);
        String after = cipher.encrypt("alice@new.example.com", ACME_EMAIL, ring.current("acme"));
        assertThat(after).startsWith("syncline:v1:acme:2:");
        KeyRing other = ring(clock);
        assertThat(cipher.decrypt(before, ACME_EMAIL, other)).isEqualTo("alice@example.com");
        assertThat(cipher.decrypt(after, ACME_EMAIL, other)).isEqualTo("alice@new.example.com");
        assertThat(other.current("acme").version()).isEqualTo(2);
        assertThat(rows())
                .containsExactly(
                        "acme v1 tenant retired wrapped by pkcs12/syncline-kek",
                        "acme v2 tenant active wrapped by pkcs12/syncline-kek");
        try (Connection connection = connect()) {
            List<KeyRow> acme = factory.table().tenantKeys(connection, "acme");
            assertThat(acme.get(0).createdAt()).isEqualTo(Instant.parse("2026-11-26T09:00:00Z"));
            assertThat(acme.get(0).retiredAt()).isEqualTo(Instant.parse("2026-11-26T10:00:00Z"));
            assertThat(acme.get(1).createdAt()).isEqualTo(Instant.parse("2026-11-26T10:00:00Z"));
            assertThat(acme.get(1).retiredAt()).isNull();
        }
    }

    @Test
    void aRingSeesAnotherRingsRotationAfterItsRefreshIntervalOrWhenRefreshed() {
        KeyRing job = ring(clock);
        KeyRing cli = ring(clock);
        assertThat(job.current("acme").version()).isEqualTo(1);

        cli.rotate("acme");

        clock.advance(REFRESH.minusSeconds(1));
        assertThat(job.current("acme").version()).isEqualTo(1);
        clock.advance(Duration.ofSeconds(1));
        assertThat(job.current("acme").version()).isEqualTo(2);

        cli.rotate("acme");
        job.refresh();
        assertThat(job.current("acme").version()).isEqualTo(3);
    }

    @Test
    void aDestroyedSubjectKeyDecryptsNothingAndIsNeverMadeAgain() throws Exception {
        KeyRing ring = ring(clock);
        String subject = ring.subjectHash("acme", "customer-42");
        DataKey key = ring.subjectKey("acme", subject);
        assertThat(key.keyId()).isEqualTo("acme/" + subject);
        String value = cipher.encrypt("alice@example.com", ACME_EMAIL, key);
        assertThat(cipher.decrypt(value, ACME_EMAIL, ring(clock))).isEqualTo("alice@example.com");
        KeyRing job = ring(clock);
        assertThat(job.subjectKey("acme", subject)).isEqualTo(key);
        clock.advance(Duration.ofMinutes(5));

        assertThat(ring.destroySubjectKey("acme", subject)).isTrue();

        assertThat(ring.find("acme/" + subject, 1)).isEmpty();
        assertThatThrownBy(() -> cipher.decrypt(value, ACME_EMAIL, ring))
                .isInstanceOf(FieldDecryptionException.class)
                .hasMessage(
                        "no data key acme/"
                                + subject
                                + " version 1 for acme/customer.email: it is unknown, or was"
                                + " destroyed (erasure)");
        assertThatThrownBy(() -> ring.subjectKey("acme", subject))
                .isInstanceOf(SubjectErasedException.class)
                .hasMessage(
                        "subject "
                                + subject
                                + " of tenant acme was erased: its key was destroyed"
                                + " 2026-11-26T09:05:00Z");
        // A subtask that had the key cached stops using it once it refreshes.
        job.refresh();
        assertThatThrownBy(() -> job.subjectKey("acme", subject))
                .isInstanceOf(SubjectErasedException.class);
        assertThat(job.find("acme/" + subject, 1)).isEmpty();
        assertThat(ring.destroySubjectKey("acme", subject)).isFalse();
        assertThat(rows())
                .containsExactly(
                        "acme v1 tenant active wrapped by pkcs12/syncline-kek",
                        "acme/" + subject + " v1 subject destroyed, no key bytes");
    }

    @Test
    void aSubjectErasedBeforeItHadAKeyNeverGetsOne() throws Exception {
        KeyRing ring = ring(clock);
        String subject = ring.subjectHash("acme", "customer-7");

        assertThat(ring.destroySubjectKey("acme", subject)).isFalse();

        assertThatThrownBy(() -> ring.subjectKey("acme", subject))
                .isInstanceOf(SubjectErasedException.class);
        assertThat(rows()).contains("acme/" + subject + " v1 subject destroyed, no key bytes");
    }

    @Test
    void subjectKeysAreWrappedByTheTenantKeyAndStayReadableAfterItRotates() throws Exception {
        KeyRing ring = ring(clock);
        String subject = ring.subjectHash("acme", "customer-42");
        DataKey key = ring.subjectKey("acme", subject);

        ring.rotate("acme");

        assertThat(ring(clock).subjectKey("acme", subject)).isEqualTo(key);
        assertThat(rows())
                .containsExactly(
                        "acme v1 tenant retired wrapped by pkcs12/syncline-kek",
                        "acme v2 tenant active wrapped by pkcs12/syncline-kek",
                        "acme/" + subject + " v1 subject active wrapped by acme");
    }

    @Test
    void aSubjectHashIsTheSameInEveryRingAndAfterRotationsButDiffersBetweenTenants() {
        KeyRing ring = ring(clock);
        String hash = ring.subjectHash("acme", "customer-42");

        ring.rotate("acme");
        ring.rotate("acme");

        assertThat(hash).matches("[0-9a-f]{64}");
        assertThat(ring(clock).subjectHash("acme", "customer-42")).isEqualTo(hash);
        assertThat(ring.subjectHash("acme", "customer-43")).isNotEqualTo(hash);
        assertThat(ring.subjectHash("globex", "customer-42")).isNotEqualTo(hash);
    }

    @Test
    void twoRingsCreatingTheSameKeysAtOnceEndWithOneKeyEach() throws Exception {
        List<String> tenants = new ArrayList<>();
        for (int i = 0; i < 30; i++) {
            tenants.add("tenant-" + i);
        }
        KeyRing first = ring(clock);
        KeyRing second = ring(clock);
        CyclicBarrier start = new CyclicBarrier(2);
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try {
            Future<Map<String, DataKey>> firstKeys =
                    pool.submit(currentKeys(first, tenants, start));
            Future<Map<String, DataKey>> secondKeys =
                    pool.submit(currentKeys(second, tenants, start));

            assertThat(firstKeys.get()).isEqualTo(secondKeys.get()).hasSize(30);
        } finally {
            pool.shutdownNow();
        }
        try (Connection connection = connect();
                Statement statement = connection.createStatement();
                ResultSet counts =
                        statement.executeQuery(
                                "SELECT count(*), count(DISTINCT key_id) FROM "
                                        + factory.table().qualifiedName())) {
            counts.next();
            assertThat(counts.getInt(1)).isEqualTo(30);
            assertThat(counts.getInt(2)).isEqualTo(30);
        }
    }

    @Test
    void anUnknownKeyOrVersionIsNotFound() {
        KeyRing ring = ring(clock);
        ring.current("acme");

        assertThat(ring.find("acme", 2)).isEmpty();
        assertThat(ring.find("initech", 1)).isEmpty();
        assertThat(ring.find("acme/" + "0".repeat(64), 1)).isEmpty();
    }

    @Test
    void theFactoryTravelsSerializedAndOpensARingOnTheSameKeys() throws Exception {
        DataKey acme = ring(clock).current("acme");
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
            out.writeObject(factory);
        }
        KeyRingFactory copy;
        try (ObjectInputStream in =
                new ObjectInputStream(new ByteArrayInputStream(bytes.toByteArray()))) {
            copy = (KeyRingFactory) in.readObject();
        }

        try (KeyRing ring = copy.open()) {
            assertThat(ring.current("acme")).isEqualTo(acme);
        }
    }

    @Test
    void aMissingKeyTableSaysToRunKeysInit() {
        POSTGRES.execute(DATABASE, "DROP TABLE " + factory.table().qualifiedName());
        KeyRing ring = ring(clock);

        assertThatThrownBy(() -> ring.current("acme"))
                .isInstanceOf(KeyTableException.class)
                .hasMessage(
                        "cannot read the current key of tenant acme: the key table "
                                + factory.table().qualifiedName()
                                + " of PostgreSQL "
                                + POSTGRES.jdbcUrl(DATABASE)
                                + " does not exist; run syncline keys init -c <your"
                                + " configuration>");
    }

    private static Callable<Map<String, DataKey>> currentKeys(
            KeyRing ring, List<String> tenants, CyclicBarrier start) {
        return () -> {
            start.await();
            Map<String, DataKey> keys = new TreeMap<>();
            for (String tenant : tenants) {
                keys.put(tenant, ring.current(tenant));
            }
            return keys;
        };
    }

    private KeyRing ring(Clock clock) {
        KeyRing ring = factory.open(clock);
        opened.add(ring);
        return ring;
    }

    private Connection connect() throws SQLException {
        return POSTGRES.connect(DATABASE);
    }

    /** The key table's rows, as {@code <key id> v<version> <kind> <state> ...}, in key order. */
    private List<String> rows() throws Exception {
        List<String> rows = new ArrayList<>();
        try (Connection connection = connect();
                Statement statement = connection.createStatement();
                ResultSet result =
                        statement.executeQuery(
                                "SELECT key_id, version, kind, state, wrapped_key IS NULL,"
                                        + " wrapped_by FROM "
                                        + factory.table().qualifiedName()
                                        + " ORDER BY key_id, version")) {
            while (result.next()) {
                rows.add(
                        result.getString(1)
                                + " v"
                                + result.getInt(2)
                                + " "
                                + result.getString(3)
                                + " "
                                + result.getString(4)
                                + (result.getBoolean(5)
                                        ? ", no key bytes"
                                        : " wrapped by " + result.getString(6)));
            }
        }
        return rows;
    }
}
