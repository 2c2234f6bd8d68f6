package io.syncline.operators.keys;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.syncline.operators.protect.DataKey;
import org.junit.jupiter.api.Test;

class KeyIdsTest {

    private static final String HASH = "ab".repeat(32);

    @Test
    void aPlainTenantNameIsItsKeyId() {
        assertThat(KeyIds.tenantKeyId("acme-corp_2.eu")).isEqualTo("acme-corp_2.eu");
    }

    @Test
    void charactersThatWouldBreakAnEncryptedValueOrASubjectKeyIdAreEncoded() {
        assertThat(KeyIds.tenantKeyId("eu:acme/retail 100%"))
                .isEqualTo("eu%3Aacme%2Fretail%20100%25");
        assertThat(KeyIds.tenantKeyId("zürich")).isEqualTo("z%C3%BCrich");
        // Usable as a data key's id, which holds no ':'.
        assertThat(new DataKey(KeyIds.tenantKeyId("eu:acme"), 1, new byte[32]).keyId())
                .isEqualTo("eu%3Aacme");
    }

    @Test
    void subjectKeyIdsAreTheTenantKeyIdAndTheHashAndNeverATenantKeyId() {
        String subject = KeyIds.subjectKeyId("eu/acme", HASH);

        assertThat(subject).isEqualTo("eu%2Facme/" + HASH);
        assertThat(KeyIds.isSubjectKeyId(subject)).isTrue();
        assertThat(KeyIds.isSubjectKeyId(KeyIds.tenantKeyId("eu/acme"))).isFalse();
    }

    @Test
    void anEmptyTenantHasNoKey() {
        assertThatThrownBy(() -> KeyIds.tenantKeyId(""))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("a tenant's name must not be empty");
    }
}
