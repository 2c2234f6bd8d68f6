package io.syncline.operators.keys;

import java.nio.charset.StandardCharsets;
import java.util.Objects;

/**
 * The ids of data keys: a tenant's key is named by the tenant, with every character outside {@code
 * [A-Za-z0-9._~@+-]} percent-encoded (an encrypted value's text separates its parts with ':'); a
 * subject's key is {@code <tenant key id>/<subject hash>}. Tenant key ids never hold '/', so the
 * two kinds cannot collide.
 */
public final class KeyIds {

    private KeyIds() {}

    /** The id of {@code tenant}'s data key. */
    public static String tenantKeyId(String tenant) {
        Objects.requireNonNull(tenant, "tenant");
        if (tenant.isEmpty()) {
            throw new IllegalArgumentException("a tenant's name must not be empty");
        }
        StringBuilder id = new StringBuilder(tenant.length());
        for (byte b : tenant.getBytes(StandardCharsets.UTF_8)) {
            char c = (char) (b & 0xff);
            if (isPlain(c)) {
                id.append(c);
            } else {
                id.append('%').append(String.format("%02X", b & 0xff));
            }
        }
        return id.toString();
    }

    /** The id of the key of the subject named by {@code subjectHash} of {@code tenant}. */
    public static String subjectKeyId(String tenant, String subjectHash) {
        return tenantKeyId(tenant) + "/" + subjectHash;
    }

    /** Whether {@code keyId} names a subject's key rather than a tenant's. */
    public static boolean isSubjectKeyId(String keyId) {
        return keyId.indexOf('/') >= 0;
    }

    private static boolean isPlain(char c) {
        return (c >= 'A' && c <= 'Z')
                || (c >= 'a' && c <= 'z')
                || (c >= '0' && c <= '9')
                || ".~_@+-".indexOf(c) >= 0;
    }
}
