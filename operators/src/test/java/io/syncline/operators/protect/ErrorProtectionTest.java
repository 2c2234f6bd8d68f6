package io.syncline.operators.protect;

import static org.assertj.core.api.Assertions.assertThat;

import io.syncline.schema.ChangeEvent;
import io.syncline.schema.ErrorClass;
import io.syncline.schema.ErrorRecord;
import io.syncline.schema.FieldKind;
import io.syncline.schema.FieldValue;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class ErrorProtectionTest {

    private static final Classification CLASSIFICATION =
            new Classification(
                    Map.of(
                            "customer",
                            new EntityProtection(
                                    Map.of(
                                            "email",
                                            new FieldProtection(DataClass.CONFIDENTIAL, true),
                                            "salary",
                                            new FieldProtection(DataClass.RESTRICTED, false)),
                                    "id",
                                    false)));

    private final FieldCipher cipher = new FieldCipher();
    private final ErrorProtection protection = new ErrorProtection(CLASSIFICATION, cipher);
    private final InMemoryDataKeys keys = new InMemoryDataKeys();

    @Test
    void messageAndPayloadLoseTheValuesAndTheChangeIsSealedForAReplay() {
        ErrorRecord error =
                error(
                        "email 'ada@example.com' is not valid",
                        "{eventId=e1, after={email=ada@example.com, id=7, salary=85000.00}}",
                        change());

        ErrorRecord out = protection.protect(error, keys);

        assertThat(out.getMessage()).isEqualTo("email '***' is not valid");
        assertThat(out.getPayload()).isEqualTo("{eventId=e1, after={email=***, id=7, salary=***}}");
        assertThat(out.getErrorId()).isEqualTo(error.getErrorId());
        assertThat(out.toString()).doesNotContain("ada@example.com").doesNotContain("85000");
        FieldValue sealedSalary = out.getChange().getAfter().get("salary");
        assertThat(sealedSalary.getKind()).isEqualTo(FieldKind.STRING);
        assertThat(sealedSalary.getValue().toString()).startsWith("syncline:v1:acme:1:");
        assertThat(out.getChange().getAfter().get("id")).isEqualTo(change().getAfter().get("id"));

        Optional<ChangeEvent> replayed =
                new ReplayUnsealing(CLASSIFICATION, cipher).unseal(out.getChange(), keys);

        // Kind and value come back exactly: the decimal is a decimal again.
        assertThat(replayed).contains(change());
    }

    @Test
    void withoutKeysTheChangesValuesAreMasked() {
        ErrorRecord out = protection.protect(error("bad", "payload", change()), null);

        assertThat(out.getChange().getAfter().get("email"))
                .isEqualTo(new FieldValue(FieldKind.STRING, "***"));
        assertThat(out.toString()).doesNotContain("ada@example.com").doesNotContain("85000");
    }

    @Test
    void aPayloadWithoutChangeIsMaskedByFieldName() {
        ErrorRecord out =
                protection.protect(
                        error(
                                "cannot decode",
                                "Struct{after=Struct{id=7,email=ada@example.com,name=Ada}}"
                                        + " {\"email\": \"bob@example.com\", \"salary\": 12}",
                                null),
                        keys);

        assertThat(out.getPayload())
                .isEqualTo(
                        "Struct{after=Struct{id=7,email=***,name=Ada}}"
                                + " {\"email\": \"***\", \"salary\": \"***\"}");
    }

    @Test
    void aReplayWhoseKeyWasDestroyedIsNotUnsealed() {
        Classification bySubject =
                new Classification(
                        Map.of(
                                "customer",
                                new EntityProtection(
                                        Map.of(
                                                "email",
                                                new FieldProtection(DataClass.CONFIDENTIAL, true)),
                                        "id",
                                        true)));
        ErrorRecord out =
                new ErrorProtection(bySubject, cipher)
                        .protect(error("bad", "payload", change()), keys);
        keys.destroySubject("acme", keys.subjectHash("acme", "7"));

        assertThat(new ReplayUnsealing(bySubject, cipher).unseal(out.getChange(), keys)).isEmpty();
    }

    private static ChangeEvent change() {
        Map<String, FieldValue> after = new LinkedHashMap<>();
        after.put("id", new FieldValue(FieldKind.INT, 7));
        after.put("email", new FieldValue(FieldKind.STRING, "ada@example.com"));
        after.put("salary", new FieldValue(FieldKind.DECIMAL, "85000.00"));
        return ChangeEvent.newBuilder(FieldEncryptionTest.customer("acme", "7", "x"))
                .setAfter(after)
                .build();
    }

    private static ErrorRecord error(String message, String payload, ChangeEvent change) {
        return ErrorRecord.newBuilder()
                .setErrorId("err-1")
                .setStage("validate")
                .setErrorClass(ErrorClass.PERMANENT)
                .setCode("FORMAT_INVALID")
                .setMessage(message)
                .setPayload(payload)
                .setTenant("acme")
                .setEntityType("customer")
                .setTime(Instant.parse("2026-11-26T10:00:02Z"))
                .setChange(change)
                .build();
    }
}
