package io.syncline.operators.control;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.util.Arrays;
import java.util.Base64;
import org.junit.jupiter.api.Test;

class ControlSignaturesTest {

    private static final String TOPIC = "syncline-control";
    private static final byte[] VALUE = "a command".getBytes(StandardCharsets.UTF_8);

    private final KeyPair alice = ControlSignatures.generate();
    private final KeyPair mallory = ControlSignatures.generate();

    @Test
    void aSignatureVerifiesWithItsPublicKey() {
        String signature = ControlSignatures.sign(alice.getPrivate(), TOPIC, VALUE);

        assertThat(ControlSignatures.verify(alice.getPublic(), TOPIC, VALUE, signature)).isTrue();
        // Ed25519 signatures are 64 bytes.
        assertThat(Base64.getDecoder().decode(signature)).hasSize(64);
    }

    @Test
    void aChangedValueFailsToVerify() {
        String signature = ControlSignatures.sign(alice.getPrivate(), TOPIC, VALUE);
        byte[] tampered = Arrays.copyOf(VALUE, VALUE.length);
        tampered[0] ^= 1;

        assertThat(ControlSignatures.verify(alice.getPublic(), TOPIC, tampered, signature))
                .isFalse();
    }

    @Test
    void aSignatureForAnotherTopicFailsToVerify() {
        String signature = ControlSignatures.sign(alice.getPrivate(), "staging-control", VALUE);

        assertThat(ControlSignatures.verify(alice.getPublic(), TOPIC, VALUE, signature)).isFalse();
    }

    @Test
    void theTopicAndValueCannotTradeBytes() {
        // "ab" + 0 + "c" and "a" + 0 + "bc" differ: the zero byte separates them.
        String signature =
                ControlSignatures.sign(
                        alice.getPrivate(), "ab", "c".getBytes(StandardCharsets.UTF_8));

        assertThat(
                        ControlSignatures.verify(
                                alice.getPublic(),
                                "a",
                                "bc".getBytes(StandardCharsets.UTF_8),
                                signature))
                .isFalse();
    }

    @Test
    void aSignatureOfAnotherKeyFailsToVerify() {
        String signature = ControlSignatures.sign(mallory.getPrivate(), TOPIC, VALUE);

        assertThat(ControlSignatures.verify(alice.getPublic(), TOPIC, VALUE, signature)).isFalse();
    }

    @Test
    void textThatIsNoSignatureFailsToVerify() {
        String signature = ControlSignatures.sign(alice.getPrivate(), TOPIC, VALUE);

        assertThat(ControlSignatures.verify(alice.getPublic(), TOPIC, VALUE, "not base64!"))
                .isFalse();
        assertThat(ControlSignatures.verify(alice.getPublic(), TOPIC, VALUE, "")).isFalse();
        assertThat(
                        ControlSignatures.verify(
                                alice.getPublic(), TOPIC, VALUE, signature.substring(0, 40)))
                .isFalse();
    }

    @Test
    void keysRoundTripThroughTheirTextForms() {
        String publicKey = ControlSignatures.encode(alice.getPublic());
        String pem = ControlSignatures.pem(alice.getPrivate());

        assertThat(pem)
                .startsWith("-----BEGIN PRIVATE KEY-----\n")
                .endsWith("-----END PRIVATE KEY-----\n");
        assertThat(ControlSignatures.publicKey(publicKey)).isEqualTo(alice.getPublic());
        assertThat(ControlSignatures.privateKey(pem).getEncoded())
                .isEqualTo(alice.getPrivate().getEncoded());
        assertThat(ControlSignatures.isPair(ControlSignatures.privateKey(pem), alice.getPublic()))
                .isTrue();
        assertThat(ControlSignatures.isPair(mallory.getPrivate(), alice.getPublic())).isFalse();
    }

    @Test
    void keysMadeWithOpensslWork() {
        // A test key: openssl genpkey -algorithm ed25519, and its public half from
        // openssl pkey -pubout -outform DER | base64.
        String privatePem =
                "-----BEGIN PRIVATE KEY-----\n"
                        + "MC4CAQAwBQYDK2VwBCIEIJHSfDoSeLbd39qW8iLLgqt7puKOGOUFwO67cHhA9eoX\n"
                        + "-----END PRIVATE KEY-----\n";
        String publicKey = "MCowBQYDK2VwAyEAbV/5ZIC5KIP73diz22exPzTjrtD9ascw0Z8zm2M7tD8=";

        assertThat(
                        ControlSignatures.isPair(
                                ControlSignatures.privateKey(privatePem),
                                ControlSignatures.publicKey(publicKey)))
                .isTrue();
    }

    @Test
    void aPublicKeyThatIsNoEd25519KeyIsRefusedSayingWhy() throws Exception {
        KeyPair rsa = KeyPairGenerator.getInstance("RSA").generateKeyPair();
        String rsaKey = Base64.getEncoder().encodeToString(rsa.getPublic().getEncoded());
        KeyPair ed448 = KeyPairGenerator.getInstance("Ed448").generateKeyPair();
        String ed448Key = Base64.getEncoder().encodeToString(ed448.getPublic().getEncoded());

        assertThatThrownBy(() -> ControlSignatures.publicKey("not base64!"))
                .hasMessageStartingWith("is not base64");
        assertThatThrownBy(() -> ControlSignatures.publicKey(rsaKey))
                .hasMessage("is not an Ed25519 public key in X.509 SubjectPublicKeyInfo form");
        assertThatThrownBy(() -> ControlSignatures.publicKey(ed448Key))
                .hasMessage("is not an Ed25519 public key in X.509 SubjectPublicKeyInfo form");
        assertThatThrownBy(() -> ControlSignatures.publicKey("AAAA"))
                .hasMessage("is not an Ed25519 public key in X.509 SubjectPublicKeyInfo form");
    }

    @Test
    void aPemThatHoldsNoEd25519PrivateKeyIsRefusedWithoutQuotingIt() throws Exception {
        KeyPair rsa = KeyPairGenerator.getInstance("RSA").generateKeyPair();
        String rsaPem =
                "-----BEGIN PRIVATE KEY-----\n"
                        + Base64.getMimeEncoder().encodeToString(rsa.getPrivate().getEncoded())
                        + "\n-----END PRIVATE KEY-----\n";

        assertThatThrownBy(() -> ControlSignatures.privateKey("secret text"))
                .hasMessage(
                        "holds no '-----BEGIN PRIVATE KEY-----' block (a PKCS#8 private key in"
                                + " PEM form)");
        assertThatThrownBy(() -> ControlSignatures.privateKey(rsaPem))
                .hasMessage("holds a private key that is not an Ed25519 key");
    }
}
