package io.syncline.operators.protect;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.syncline.schema.ChangeEvent;
import io.syncline.schema.FieldKind;
import io.syncline.schema.FieldValue;
import io.syncline.schema.Operation;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class FieldEncryptionTest {

    private static final Classification CLASSIFICATION =
            new Classification(
                    Map.of(
                            "customer",
                            new EntityProtection(
                                    Map.of(
                                            "email",
                                            new FieldProtection(DataClass.CONFIDENTIAL, true),
                                            "phone",
                                            new FieldProtection(DataClass.RESTRICTED, false)),
                                    "id",
                                    false),
                            "patient",
                            new EntityProtection(
                                    Map.of(
                                            "diagnosis",
                                            new FieldProtection(DataClass.RESTRICTED, true)),
                                    "id",
                                    true)));

    private final FieldCipher cipher = new FieldCipher();
    private final FieldEncryption encryption = new FieldEncryption(CLASSIFICATION, cipher);
    private final InMemoryDataKeys keys = new InMemoryDataKeys();

    @Test
    void encryptedFieldsRoundTripPerTenantAndOtherFieldsStayAsTheyWere() {
        ChangeEvent acme = customer("acme", "7", "ada@example.com");
        ChangeEvent globex = customer("globex", "7", "ada@example.com");

        ChangeEvent acmeOut = encryption.encrypt(acme, null, keys);
        ChangeEvent globexOut = encryption.encrypt(globex, null, keys);

        String acmeEmail = text(acmeOut.getAfter().get("email"));
        String globexEmail = text(globexOut.getAfter().get("email"));
        assertThat(acmeEmail).startsWith("syncline:v1:acme:1:").doesNotContain("ada");
        assertThat(globexEmail).startsWith("syncline:v1:globex:1:");
        assertThat(acmeOut.getAfter().get("email").getKind()).isEqualTo(FieldKind.STRING);
        assertThat(cipher.decrypt(acmeEmail, context("acme", "email"), keys))
                .isEqualTo("ada@example.com");
        assertThat(cipher.decrypt(globexEmail, context("globex", "email"), keys))
                .isEqualTo("ada@example.com");
        // Restricted but not encrypted, and unclassified fields, go out as they are.
        assertThat(acmeOut.getAfter().get("phone")).isEqualTo(acme.getAfter().get("phone"));
        assertThat(acmeOut.getAfter().get("credit_limit"))
                .isEqualTo(acme.getAfter().get("credit_limit"));
    }

    @Test
    void aValueOfOneTenantOrFieldDoesNotDecryptAsAnother() {
        String acmeEmail =
                text(
                        encryption
                                .encrypt(customer("acme", "7", "ada@example.com"), null, keys)
                                .getAfter()
                                .get("email"));
        keys.current("globex");

        assertThatThrownBy(() -> cipher.decrypt(acmeEmail, context("globex", "email"), keys))
                .isInstanceOf(FieldDecryptionException.class);
        assertThatThrownBy(() -> cipher.decrypt(acmeEmail, context("acme", "phone"), keys))
                .isInstanceOf(FieldDecryptionException.class)
                .hasMessageContaining("fails authentication");
    }

    @Test
    void afterARotationNewValuesUseTheNewVersionAndOldOnesStayReadable() {
        String before =
                text(
                        encryption
                                .encrypt(customer("acme", "7", "old@example.com"), null, keys)
                                .getAfter()
                                .get("email"));
        keys.rotate("acme");
        String after =
                text(
                        encryption
                                .encrypt(customer("acme", "7", "new@example.com"), null, keys)
                                .getAfter()
                                .get("email"));

        assertThat(before).startsWith("syncline:v1:acme:1:");
        assertThat(after).startsWith("syncline:v1:acme:2:");
        assertThat(cipher.decrypt(before, context("acme", "email"), keys))
                .isEqualTo("old@example.com");
        assertThat(cipher.decrypt(after, context("acme", "email"), keys))
                .isEqualTo("new@example.com");
    }

    @Test
    void bothImagesAreEncryptedAndNullStaysNull() {
        Map<String, FieldValue> before = image("7", "old@example.com");
        Map<String, FieldValue> after = image("7", null);
        ChangeEvent update =
                ChangeEvent.newBuilder(customer("acme", "7", "x"))
                        .setOp(Operation.UPDATE)
                        .setBefore(before)
                        .setAfter(after)
                        .build();

        ChangeEvent out = encryption.encrypt(update, null, keys);

        assertThat(text(out.getBefore().get("email"))).startsWith("syncline:v1:acme:1:");
        assertThat(out.getAfter().get("email").getValue()).isNull();
    }

    @Test
    void perSubjectKeysEncryptUnderTheSubjectsKeyWhichErasureDestroys() {
        ChangeEvent patient = patient("acme", "p-1", "flu");
        String hash = keys.subjectHash("acme", "p-1");

        String diagnosis =
                text(encryption.encrypt(patient, hash, keys).getAfter().get("diagnosis"));
        assertThat(diagnosis).startsWith("syncline:v1:acme~" + hash.substring(0, 16) + ":1:");
        assertThat(
                        cipher.decrypt(
                                diagnosis, new FieldContext("acme", "patient", "diagnosis"), keys))
                .isEqualTo("flu");

        keys.destroySubject("acme", hash);

        assertThatThrownBy(
                        () ->
                                cipher.decrypt(
                                        diagnosis,
                                        new FieldContext("acme", "patient", "diagnosis"),
                                        keys))
                .isInstanceOf(FieldDecryptionException.class)
                .hasMessageContaining("destroyed");
        assertThatThrownBy(() -> encryption.encrypt(patient, hash, keys))
                .isInstanceOf(SubjectErasedException.class);
    }

    @Test
    void anEntityTypeThatEncryptsNothingPassesUnchanged() {
        ChangeEvent contract =
                ChangeEvent.newBuilder(customer("acme", "7", "x"))
                        .setEntityType("contract")
                        .build();

        assertThat(encryption.encrypt(contract, null, keys)).isSameAs(contract);
    }

    static FieldContext context(String tenant, String field) {
        return new FieldContext(tenant, "customer", field);
    }

    static String text(FieldValue value) {
        return value.getValue().toString();
    }

    static Map<String, FieldValue> image(String id, String email) {
        Map<String, FieldValue> image = new LinkedHashMap<>();
        image.put("id", new FieldValue(FieldKind.STRING, id));
        image.put("email", new FieldValue(FieldKind.STRING, email));
        image.put("phone", new FieldValue(FieldKind.STRING, "+49 151 2345678"));
        image.put("credit_limit", new FieldValue(FieldKind.DECIMAL, "1200.50"));
        return image;
    }

    static ChangeEvent customer(String tenant, String id, String email) {
        return ChangeEvent.newBuilder()
                .setEventId("e-" + tenant + "-" + id)
                .setTenant(tenant)
                .setEntityType("customer")
                .setEntityId(id)
                .setOp(Operation.CREATE)
                .setAfter(image(id, email))
                .setSourceCommitTime(Instant.parse("2026-11-26T10:00:00Z"))
                .setCaptureTime(Instant.parse("2026-11-26T10:00:01Z"))
                .setSourceId("crm")
                .setSourcePosition("0/16B3748")
                .setVersion(100L)
                .build();
    }

    static ChangeEvent patient(String tenant, String id, String diagnosis) {
        Map<String, FieldValue> after = new LinkedHashMap<>();
        after.put("id", new FieldValue(FieldKind.STRING, id));
        after.put("diagnosis", new FieldValue(FieldKind.STRING, diagnosis));
        return ChangeEvent.newBuilder(customer(tenant, id, "x"))
                .setEntityType("patient")
                .setAfter(after)
                .build();
    }
}
