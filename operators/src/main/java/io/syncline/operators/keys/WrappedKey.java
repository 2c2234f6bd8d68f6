package io.syncline.operators.keys;

import java.util.Arrays;
import java.util.Objects;

/**
 * A data key as a {@link KeyManagementService} wrapped it, with the key-encryption key that did:
 * what the key table keeps instead of the data key.
 *
 * @param kekId the key-encryption key, e.g. {@code pkcs12/syncline-kek} or a Key Vault key's URL
 *     without its version
 * @param kekVersion the version of the key-encryption key that wrapped it
 * @param bytes the wrapped key
 */
public record WrappedKey(String kekId, String kekVersion, byte[] bytes) {

    public WrappedKey {
        Objects.requireNonNull(kekId, "kekId");
        Objects.requireNonNull(kekVersion, "kekVersion");
        bytes = Objects.requireNonNull(bytes, "bytes").clone();
    }

    @Override
    public byte[] bytes() {
        return bytes.clone();
    }

    /** The key-encryption key as messages and {@code syncline keys list} name it. */
    public String kek() {
        return kekId + " version " + kekVersion;
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof WrappedKey that
                && kekId.equals(that.kekId)
                && kekVersion.equals(that.kekVersion)
                && Arrays.equals(bytes, that.bytes);
    }

    @Override
    public int hashCode() {
        return Objects.hash(kekId, kekVersion, Arrays.hashCode(bytes));
    }

    @Override
    public String toString() {
        return "WrappedKey[" + kek() + ", " + bytes.length + " bytes]";
    }
}
