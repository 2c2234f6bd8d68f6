package io.syncline.operators.control;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.Key;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.Signature;
import java.security.interfaces.EdECKey;
import java.security.spec.PKCS8EncodedKeySpec;
import java.security.spec.X509EncodedKeySpec;
import java.util.Base64;

/**
 * Ed25519 signatures of control records. A signature covers the topic's name, a zero byte and the
 * record's value as written, so a record cannot be changed, nor copied to another control topic,
 * without breaking it; it does not depend on the value's schema, so nothing is encoded twice. The
 * signer's name and the signature travel in the record's headers.
 */
public final class ControlSignatures {

    /** The header naming the signing key, as {@code security.control.signers} names it. */
    public static final String SIGNER_HEADER = "syncline-signer";

    /** The header holding the signature, base64. */
    public static final String SIGNATURE_HEADER = "syncline-signature";

    /** The signature algorithm, built into the JDK. */
    public static final String ALGORITHM = "Ed25519";

    private static final String PEM_BEGIN = "-----BEGIN PRIVATE KEY-----";
    private static final String PEM_END = "-----END PRIVATE KEY-----";

    private ControlSignatures() {}

    /** A new key pair to sign control commands with. */
    public static KeyPair generate() {
        try {
            return KeyPairGenerator.getInstance(ALGORITHM).generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(ALGORITHM + " is not available in this JDK", e);
        }
    }

    /** The signature of the record with {@code value} on {@code topic}, base64. */
    public static String sign(PrivateKey key, String topic, byte[] value) {
        try {
            Signature signature = Signature.getInstance(ALGORITHM);
            signature.initSign(key);
            signature.update(signedBytes(topic, value));
            return Base64.getEncoder().encodeToString(signature.sign());
        } catch (GeneralSecurityException e) {
            throw new IllegalArgumentException(
                    "cannot sign with the " + key.getAlgorithm() + " key: " + e.getMessage(), e);
        }
    }

    /**
     * Whether {@code signature} (base64) is {@code key}'s signature of the record with {@code
     * value} on {@code topic}. Anything that is not such a signature, including text that is not
     * base64, is not.
     */
    public static boolean verify(PublicKey key, String topic, byte[] value, String signature) {
        byte[] bytes;
        try {
            bytes = Base64.getDecoder().decode(signature.trim());
        } catch (IllegalArgumentException e) {
            return false;
        }
        try {
            Signature verifier = Signature.getInstance(ALGORITHM);
            verifier.initVerify(key);
            verifier.update(signedBytes(topic, value));
            return verifier.verify(bytes);
        } catch (GeneralSecurityException e) {
            // A signature of the wrong length or form: not a signature of this record.
            return false;
        }
    }

    /**
     * Whether {@code privateKey} and {@code key} are the halves of one key pair: a probe signed
     * with the one verifies with the other.
     */
    public static boolean isPair(PrivateKey privateKey, PublicKey key) {
        byte[] probe = "syncline-key-check".getBytes(StandardCharsets.UTF_8);
        return verify(key, "", probe, sign(privateKey, "", probe));
    }

    /**
     * The Ed25519 public key in {@code base64}, an X.509 SubjectPublicKeyInfo as {@link
     * #encode(PublicKey)} writes it.
     *
     * @throws IllegalArgumentException saying why it is not one
     */
    public static PublicKey publicKey(String base64) {
        byte[] bytes;
        try {
            bytes = Base64.getDecoder().decode(base64.trim());
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("is not base64 (" + e.getMessage() + ")", e);
        }
        try {
            PublicKey key =
                    KeyFactory.getInstance(ALGORITHM).generatePublic(new X509EncodedKeySpec(bytes));
            requireEd25519(key);
            return key;
        } catch (GeneralSecurityException e) {
            throw new IllegalArgumentException(
                    "is not an Ed25519 public key in X.509 SubjectPublicKeyInfo form", e);
        }
    }

    /** {@code key} as base64 X.509 SubjectPublicKeyInfo, as the configuration holds it. */
    public static String encode(PublicKey key) {
        return Base64.getEncoder().encodeToString(key.getEncoded());
    }

    /**
     * The Ed25519 private key in {@code pem}, a PKCS#8 {@code PRIVATE KEY} block as {@link
     * #pem(PrivateKey)} writes it (and {@code openssl genpkey -algorithm ed25519}).
     *
     * @throws IllegalArgumentException saying why it is not one, never quoting the key
     */
    public static PrivateKey privateKey(String pem) {
        int begin = pem.indexOf(PEM_BEGIN);
        int end = pem.indexOf(PEM_END);
        if (begin < 0 || end < begin) {
            throw new IllegalArgumentException(
                    "holds no '" + PEM_BEGIN + "' block (a PKCS#8 private key in PEM form)");
        }
        byte[] bytes;
        try {
            bytes = Base64.getMimeDecoder().decode(pem.substring(begin + PEM_BEGIN.length(), end));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("holds a private key block that is not base64", e);
        }
        try {
            PrivateKey key =
                    KeyFactory.getInstance(ALGORITHM)
                            .generatePrivate(new PKCS8EncodedKeySpec(bytes));
            requireEd25519(key);
            return key;
        } catch (GeneralSecurityException e) {
            throw new IllegalArgumentException("holds a private key that is not an Ed25519 key", e);
        }
    }

    /** {@code key} as a PKCS#8 {@code PRIVATE KEY} PEM block. */
    public static String pem(PrivateKey key) {
        String body =
                Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII))
                        .encodeToString(key.getEncoded());
        return PEM_BEGIN + "\n" + body + "\n" + PEM_END + "\n";
    }

    /** What is signed: the topic's name in UTF-8, a zero byte, the value. */
    static byte[] signedBytes(String topic, byte[] value) {
        byte[] name = topic.getBytes(StandardCharsets.UTF_8);
        byte[] signed = new byte[name.length + 1 + value.length];
        System.arraycopy(name, 0, signed, 0, name.length);
        System.arraycopy(value, 0, signed, name.length + 1, value.length);
        return signed;
    }

    private static void requireEd25519(Key key) throws GeneralSecurityException {
        if (!(key instanceof EdECKey edKey)
                || !edKey.getParams().getName().equalsIgnoreCase(ALGORITHM)) {
            throw new GeneralSecurityException("not an Ed25519 key");
        }
    }
}
