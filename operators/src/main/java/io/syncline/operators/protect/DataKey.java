package io.syncline.operators.protect;

import java.util.Arrays;
import java.util.Objects;
import javax.crypto.SecretKey;
import javax.crypto.spec.SecretKeySpec;

/**
 * One version of a tenant's AES-256 data key, as field encryption uses it: its id (the tenant's key
 * name), its version, and the 32 key bytes, unwrapped. The bytes never appear in {@link
 * #toString()}.
 */
public final class DataKey {

    /** AES-256. */
    public static final int KEY_BYTES = 32;

    private final String keyId;
    private final int version;
    private final byte[] key;

    /**
     * @throws IllegalArgumentException if the id is blank or holds ':', the version is below 1, or
     *     the key is not 32 bytes
     */
    public DataKey(String keyId, int version, byte[] key) {
        Objects.requireNonNull(keyId, "keyId");
        if (keyId.isBlank() || keyId.indexOf(':') >= 0) {
            throw new IllegalArgumentException(
                    "key id '" + keyId + "' must be non-blank and hold no ':'");
        }
        if (version < 1) {
            throw new IllegalArgumentException("key version must be at least 1, not " + version);
        }
        if (key == null || key.length != KEY_BYTES) {
            throw new IllegalArgumentException(
                    "an AES-256 data key has "
                            + KEY_BYTES
                            + " bytes, not "
                            + (key == null ? 0 : key.length));
        }
        this.keyId = keyId;
        this.version = version;
        this.key = key.clone();
    }

    public String keyId() {
        return keyId;
    }

    public int version() {
        return version;
    }

    SecretKey secretKey() {
        return new SecretKeySpec(key, "AES");
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof DataKey that
                && keyId.equals(that.keyId)
                && version == that.version
                && Arrays.equals(key, that.key);
    }

    @Override
    public int hashCode() {
        return Objects.hash(keyId, version);
    }

    @Override
    public String toString() {
        return "DataKey[" + keyId + " v" + version + "]";
    }
}
