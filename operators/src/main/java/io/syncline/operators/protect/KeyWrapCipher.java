package io.syncline.operators.protect;

import java.nio.ByteBuffer;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import javax.crypto.AEADBadTagException;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;

/**
 * Wraps a key under a tenant's data key with AES-256-GCM, locally: how per-subject keys are kept in
 * the key table, since a key service round trip per subject would be too slow. The associated data
 * names the wrapped key, so wrapped bytes moved to another key's row do not unwrap.
 */
public final class KeyWrapCipher {

    private static final String TRANSFORMATION = "AES/GCM/NoPadding";
    private static final int NONCE_BYTES = 12;
    private static final int TAG_BITS = 128;

    private KeyWrapCipher() {}

    /** {@code key} wrapped under {@code wrappingKey}: nonce ‖ ciphertext ‖ tag. */
    public static byte[] wrap(
            DataKey wrappingKey, byte[] key, byte[] associatedData, SecureRandom random) {
        byte[] nonce = new byte[NONCE_BYTES];
        random.nextBytes(nonce);
        try {
            Cipher cipher = Cipher.getInstance(TRANSFORMATION);
            cipher.init(
                    Cipher.ENCRYPT_MODE,
                    wrappingKey.secretKey(),
                    new GCMParameterSpec(TAG_BITS, nonce));
            cipher.updateAAD(associatedData);
            byte[] sealed = cipher.doFinal(key);
            return ByteBuffer.allocate(NONCE_BYTES + sealed.length).put(nonce).put(sealed).array();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-256-GCM is part of every JDK 17", e);
        }
    }

    /**
     * The key {@link #wrap} wrapped.
     *
     * @throws IllegalArgumentException if {@code wrapped} is truncated, or fails authentication:
     *     changed, wrapped under another key, or with other associated data
     */
    public static byte[] unwrap(DataKey wrappingKey, byte[] wrapped, byte[] associatedData) {
        if (wrapped.length < NONCE_BYTES + TAG_BITS / 8) {
            throw new IllegalArgumentException("the wrapped key is truncated");
        }
        try {
            Cipher cipher = Cipher.getInstance(TRANSFORMATION);
            cipher.init(
                    Cipher.DECRYPT_MODE,
                    wrappingKey.secretKey(),
                    new GCMParameterSpec(TAG_BITS, wrapped, 0, NONCE_BYTES));
            cipher.updateAAD(associatedData);
            return cipher.doFinal(wrapped, NONCE_BYTES, wrapped.length - NONCE_BYTES);
        } catch (AEADBadTagException e) {
            throw new IllegalArgumentException(
                    "the wrapped key fails authentication under " + wrappingKey, e);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-256-GCM is part of every JDK 17", e);
        }
    }
}
