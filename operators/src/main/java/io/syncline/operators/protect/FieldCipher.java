package io.syncline.operators.protect;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.Optional;
import javax.crypto.AEADBadTagException;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;

/**
 * Field-level encryption with AES-256-GCM (JDK crypto). An encrypted value is text, so it fits the
 * column it replaces: {@code syncline:v1:<key id>:<key version>:<base64url(nonce ‖ ciphertext ‖
 * tag)>}. The key id and version say which data key decrypts it, so values of older key versions
 * stay readable after a rotation; the {@link FieldContext} is authenticated as associated data.
 * Every value gets a fresh random 96-bit nonce.
 */
public final class FieldCipher {

    /** The prefix of every encrypted value. */
    public static final String PREFIX = "syncline:v1:";

    private static final String TRANSFORMATION = "AES/GCM/NoPadding";
    private static final int NONCE_BYTES = 12;
    private static final int TAG_BITS = 128;

    /** Finds the data key of an id and version, e.g. from a key store or a key service. */
    @FunctionalInterface
    public interface KeyLookup {
        Optional<DataKey> find(String keyId, int version);
    }

    private final SecureRandom random;

    public FieldCipher() {
        this(new SecureRandom());
    }

    FieldCipher(SecureRandom random) {
        this.random = random;
    }

    /** {@code plaintext} of the field {@code context}, encrypted under {@code key}. */
    public String encrypt(String plaintext, FieldContext context, DataKey key) {
        byte[] nonce = new byte[NONCE_BYTES];
        random.nextBytes(nonce);
        try {
            Cipher cipher = Cipher.getInstance(TRANSFORMATION);
            cipher.init(
                    Cipher.ENCRYPT_MODE, key.secretKey(), new GCMParameterSpec(TAG_BITS, nonce));
            cipher.updateAAD(context.associatedData(key.keyId(), key.version()));
            byte[] sealed = cipher.doFinal(plaintext.getBytes(StandardCharsets.UTF_8));
            ByteBuffer payload = ByteBuffer.allocate(NONCE_BYTES + sealed.length);
            payload.put(nonce).put(sealed);
            return PREFIX
                    + key.keyId()
                    + ":"
                    + key.version()
                    + ":"
                    + Base64.getUrlEncoder().withoutPadding().encodeToString(payload.array());
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-256-GCM is part of every JDK 17", e);
        }
    }

    /**
     * The plaintext of {@code value}, an encrypted value of the field {@code context}.
     *
     * @throws FieldDecryptionException naming the field and key (never the value) when it is not an
     *     encrypted value, its key is unknown, or it fails authentication
     */
    public String decrypt(String value, FieldContext context, KeyLookup keys) {
        Token token = Token.parse(value, context);
        DataKey key =
                keys.find(token.keyId(), token.version())
                        .orElseThrow(
                                () ->
                                        new FieldDecryptionException(
                                                "no data key "
                                                        + token.keyId()
                                                        + " version "
                                                        + token.version()
                                                        + " for "
                                                        + context
                                                        + ": it is unknown, or was destroyed"
                                                        + " (erasure)"));
        if (token.payload().length < NONCE_BYTES + TAG_BITS / 8) {
            throw new FieldDecryptionException(
                    "the encrypted value of " + context + " is truncated");
        }
        try {
            Cipher cipher = Cipher.getInstance(TRANSFORMATION);
            cipher.init(
                    Cipher.DECRYPT_MODE,
                    key.secretKey(),
                    new GCMParameterSpec(TAG_BITS, token.payload(), 0, NONCE_BYTES));
            cipher.updateAAD(context.associatedData(token.keyId(), token.version()));
            byte[] plain =
                    cipher.doFinal(
                            token.payload(), NONCE_BYTES, token.payload().length - NONCE_BYTES);
            return new String(plain, StandardCharsets.UTF_8);
        } catch (AEADBadTagException e) {
            throw new FieldDecryptionException(
                    "the encrypted value of "
                            + context
                            + " (key "
                            + token.keyId()
                            + " version "
                            + token.version()
                            + ") fails authentication: it was changed, or belongs to another"
                            + " tenant, entity type or field",
                    e);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-256-GCM is part of every JDK 17", e);
        }
    }

    /** The data key an encrypted value names. */
    public record KeyRef(String keyId, int version) {}

    /** The key id and version {@code value} names; empty if it is not in the encrypted format. */
    public static Optional<KeyRef> keyRefOf(String value) {
        if (!isEncrypted(value)) {
            return Optional.empty();
        }
        String[] parts = value.substring(PREFIX.length()).split(":", -1);
        if (parts.length != 3) {
            return Optional.empty();
        }
        try {
            return Optional.of(new KeyRef(parts[0], Integer.parseInt(parts[1])));
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
    }

    /** Whether {@code value} is in the encrypted format (it may still fail to decrypt). */
    public static boolean isEncrypted(String value) {
        return value != null && value.startsWith(PREFIX);
    }

    /** The parts of an encrypted value. */
    private record Token(String keyId, int version, byte[] payload) {

        static Token parse(String value, FieldContext context) {
            if (!isEncrypted(value)) {
                throw new FieldDecryptionException(
                        "the value of " + context + " is not a Syncline encrypted value");
            }
            String[] parts = value.substring(PREFIX.length()).split(":", -1);
            if (parts.length != 3) {
                throw new FieldDecryptionException(
                        "the encrypted value of " + context + " is malformed");
            }
            try {
                return new Token(
                        parts[0],
                        Integer.parseInt(parts[1]),
                        Base64.getUrlDecoder().decode(parts[2]));
            } catch (IllegalArgumentException e) {
                throw new FieldDecryptionException(
                        "the encrypted value of " + context + " is malformed", e);
            }
        }
    }
}
