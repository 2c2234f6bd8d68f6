package io.syncline.operators.protect;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.security.SecureRandom;
import java.util.Base64;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class FieldCipherTest {

    private static final DataKey ACME_V1 = key("acme", 1, (byte) 1);
    private static final DataKey ACME_V2 = key("acme", 2, (byte) 2);
    private static final DataKey GLOBEX_V1 = key("globex", 1, (byte) 3);
    private static final FieldContext ACME_EMAIL = new FieldContext("acme", "customer", "email");

    private final FieldCipher cipher = new FieldCipher();
    private final FieldCipher.KeyLookup keys =
            lookup(Map.of("acme:1", ACME_V1, "acme:2", ACME_V2, "globex:1", GLOBEX_V1));

    @Test
    void aValueRoundTripsAndItsTextNamesTheKeyButNotThePlaintext() {
        String encrypted = cipher.encrypt("ada@example.com", ACME_EMAIL, ACME_V1);

        assertThat(encrypted).startsWith("syncline:v1:acme:1:").doesNotContain("ada");
        assertThat(FieldCipher.isEncrypted(encrypted)).isTrue();
        assertThat(cipher.decrypt(encrypted, ACME_EMAIL, keys)).isEqualTo("ada@example.com");
    }

    @Test
    void everyValueGetsItsOwnNonce() {
        assertThat(cipher.encrypt("same", ACME_EMAIL, ACME_V1))
                .isNotEqualTo(cipher.encrypt("same", ACME_EMAIL, ACME_V1));
    }

    @Test
    void aValueCopiedToAnotherTenantEntityTypeOrFieldDoesNotDecrypt() {
        String encrypted = cipher.encrypt("ada@example.com", ACME_EMAIL, ACME_V1);

        for (FieldContext elsewhere :
                new FieldContext[] {
                    new FieldContext("globex", "customer", "email"),
                    new FieldContext("acme", "contract", "email"),
                    new FieldContext("acme", "customer", "phone")
                }) {
            assertThatThrownBy(() -> cipher.decrypt(encrypted, elsewhere, keys))
                    .isInstanceOf(FieldDecryptionException.class)
                    .hasMessageContaining(elsewhere.toString())
                    .hasMessageContaining("fails authentication")
                    .hasMessageNotContaining("ada");
        }
    }

    @Test
    void anotherTenantsKeyCannotStandIn() {
        String encrypted = cipher.encrypt("secret", ACME_EMAIL, ACME_V1);
        String relabelled = encrypted.replace("syncline:v1:acme:1:", "syncline:v1:globex:1:");

        assertThatThrownBy(() -> cipher.decrypt(relabelled, ACME_EMAIL, keys))
                .isInstanceOf(FieldDecryptionException.class)
                .hasMessageContaining("fails authentication");
    }

    @Test
    void aTamperedValueFailsAuthentication() {
        String encrypted = cipher.encrypt("1000.00", ACME_EMAIL, ACME_V1);
        // One bit of the ciphertext flipped. (Changing the text's last character is not enough:
        // its low bits can be the encoding's spare bits, which decode to the same bytes.)
        int colon = encrypted.lastIndexOf(':') + 1;
        byte[] payload = Base64.getUrlDecoder().decode(encrypted.substring(colon));
        payload[payload.length / 2] ^= 1;
        String tampered =
                encrypted.substring(0, colon)
                        + Base64.getUrlEncoder().withoutPadding().encodeToString(payload);

        assertThatThrownBy(() -> cipher.decrypt(tampered, ACME_EMAIL, keys))
                .isInstanceOf(FieldDecryptionException.class)
                .hasMessageContaining("fails authentication");
    }

    @Test
    void valuesOfAnOlderKeyVersionStayReadableAfterARotation() {
        String old = cipher.encrypt("v1 value", ACME_EMAIL, ACME_V1);
        String current = cipher.encrypt("v2 value", ACME_EMAIL, ACME_V2);

        assertThat(current).startsWith("syncline:v1:acme:2:");
        assertThat(cipher.decrypt(old, ACME_EMAIL, keys)).isEqualTo("v1 value");
        assertThat(cipher.decrypt(current, ACME_EMAIL, keys)).isEqualTo("v2 value");
    }

    @Test
    void aDestroyedKeyOrAMalformedValueIsNamedWithoutTheValue() {
        String encrypted = cipher.encrypt("ada@example.com", ACME_EMAIL, ACME_V1);
        FieldCipher.KeyLookup shredded = lookup(Map.of("acme:2", ACME_V2));

        assertThatThrownBy(() -> cipher.decrypt(encrypted, ACME_EMAIL, shredded))
                .isInstanceOf(FieldDecryptionException.class)
                .hasMessage(
                        "no data key acme version 1 for acme/customer.email: it is unknown, or was"
                                + " destroyed (erasure)");
        assertThatThrownBy(() -> cipher.decrypt("ada@example.com", ACME_EMAIL, keys))
                .isInstanceOf(FieldDecryptionException.class)
                .hasMessage("the value of acme/customer.email is not a Syncline encrypted value");
        assertThatThrownBy(() -> cipher.decrypt("syncline:v1:acme:x:AAAA", ACME_EMAIL, keys))
                .isInstanceOf(FieldDecryptionException.class)
                .hasMessageContaining("malformed");
        assertThatThrownBy(() -> cipher.decrypt("syncline:v1:acme:1:AAAA", ACME_EMAIL, keys))
                .isInstanceOf(FieldDecryptionException.class)
                .hasMessageContaining("truncated");
    }

    @Test
    void aDataKeyIsAes256AndNeverPrintsItsBytes() {
        assertThatThrownBy(() -> new DataKey("acme", 1, new byte[16]))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("32 bytes, not 16");
        assertThatThrownBy(() -> new DataKey("ac:me", 1, new byte[32]))
                .isInstanceOf(IllegalArgumentException.class);
        assertThat(ACME_V1.toString()).isEqualTo("DataKey[acme v1]");
    }

    private static DataKey key(String id, int version, byte seed) {
        byte[] bytes = new byte[DataKey.KEY_BYTES];
        new SecureRandom(new byte[] {seed}).nextBytes(bytes);
        bytes[0] = seed;
        return new DataKey(id, version, bytes);
    }

    private static FieldCipher.KeyLookup lookup(Map<String, DataKey> keys) {
        return (id, version) -> Optional.ofNullable(keys.get(id + ":" + version));
    }
}
