package io.syncline.operators.protect;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.InvalidKeyException;
import java.util.HexFormat;
import java.util.Objects;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The keyed hash that names a data subject without its id (in erasure requests, audit records and
 * subject key ids): HMAC-SHA256 of the id, hex, under a hash key of the tenant derived from version
 * 1 of the tenant's data key. Version 1 is never rotated away, so a subject's hash stays the same
 * after any number of rotations; without the tenant's key nobody can tell which id a hash names.
 */
public final class SubjectHashes {

    private static final String HMAC = "HmacSHA256";
    private static final byte[] HASH_KEY_LABEL =
            "syncline-subject-hash-key-v1".getBytes(StandardCharsets.UTF_8);

    private final SecretKeySpec hashKey;

    private SubjectHashes(byte[] hashKey) {
        this.hashKey = new SecretKeySpec(hashKey, HMAC);
    }

    /**
     * The subject hashes of the tenant whose data key version 1 is {@code firstVersion}.
     *
     * @throws IllegalArgumentException if {@code firstVersion} is not version 1
     */
    public static SubjectHashes of(DataKey firstVersion) {
        Objects.requireNonNull(firstVersion, "firstVersion");
        if (firstVersion.version() != 1) {
            throw new IllegalArgumentException(
                    "subject hashes derive from version 1 of a tenant's data key, not from "
                            + firstVersion);
        }
        try {
            // The data key itself is never used as an HMAC key: a label derives one of its own.
            Mac derive = Mac.getInstance(HMAC);
            derive.init(new SecretKeySpec(firstVersion.secretKey().getEncoded(), HMAC));
            return new SubjectHashes(derive.doFinal(HASH_KEY_LABEL));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HMAC-SHA256 is part of every JDK 17", e);
        }
    }

    /** The hash of {@code subjectId}: 64 lower-case hex digits. */
    public String hash(String subjectId) {
        Objects.requireNonNull(subjectId, "subjectId");
        try {
            Mac mac = Mac.getInstance(HMAC);
            mac.init(hashKey);
            return HexFormat.of()
                    .formatHex(mac.doFinal(subjectId.getBytes(StandardCharsets.UTF_8)));
        } catch (InvalidKeyException e) {
            throw new IllegalStateException("an HMAC-SHA256 key of 32 bytes is always valid", e);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HMAC-SHA256 is part of every JDK 17", e);
        }
    }

    /** Whether {@code text} has the form of a subject hash. */
    public static boolean isHash(String text) {
        return text != null && text.length() == 64 && text.chars().allMatch(SubjectHashes::isHex);
    }

    private static boolean isHex(int c) {
        return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f');
    }
}
