package io.syncline.operators.protect;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Arrays;
import org.junit.jupiter.api.Test;

class SubjectHashesTest {

    private static final DataKey ACME_V1 = key("acme", 1, 7);

    @Test
    void aHashIsSixtyFourHexDigitsAndTheSameEachTime() {
        String hash = SubjectHashes.of(ACME_V1).hash("customer-42");

        assertThat(hash).matches("[0-9a-f]{64}");
        assertThat(SubjectHashes.of(key("acme", 1, 7)).hash("customer-42")).isEqualTo(hash);
        assertThat(SubjectHashes.isHash(hash)).isTrue();
    }

    @Test
    void anotherSubjectOrAnotherTenantsKeyGivesAnotherHash() {
        String hash = SubjectHashes.of(ACME_V1).hash("customer-42");

        assertThat(SubjectHashes.of(ACME_V1).hash("customer-43")).isNotEqualTo(hash);
        assertThat(SubjectHashes.of(key("globex", 1, 8)).hash("customer-42")).isNotEqualTo(hash);
    }

    @Test
    void theHashIsNotAPlainHmacUnderTheDataKey() throws Exception {
        javax.crypto.Mac mac = javax.crypto.Mac.getInstance("HmacSHA256");
        mac.init(new javax.crypto.spec.SecretKeySpec(filled(7), "HmacSHA256"));
        String plain =
                java.util.HexFormat.of().formatHex(mac.doFinal("customer-42".getBytes("UTF-8")));

        assertThat(SubjectHashes.of(ACME_V1).hash("customer-42")).isNotEqualTo(plain);
    }

    @Test
    void onlyVersionOneDerivesHashes() {
        assertThatThrownBy(() -> SubjectHashes.of(key("acme", 2, 7)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage(
                        "subject hashes derive from version 1 of a tenant's data key, not from"
                                + " DataKey[acme v2]");
    }

    @Test
    void textThatIsNoHashIsRecognised() {
        assertThat(SubjectHashes.isHash("AB".repeat(32))).isFalse();
        assertThat(SubjectHashes.isHash("ab".repeat(31))).isFalse();
        assertThat(SubjectHashes.isHash(null)).isFalse();
    }

    private static DataKey key(String id, int version, int fill) {
        return new DataKey(id, version, filled(fill));
    }

    private static byte[] filled(int fill) {
        byte[] bytes = new byte[32];
        Arrays.fill(bytes, (byte) fill);
        return bytes;
    }
}
