package io.syncline.operators.keys;

import java.time.Instant;
import java.util.Objects;

/**
 * One row of the key table: one version of a tenant's data key, or one subject's key, wrapped.
 *
 * @param subject whether it is a subject's key (wrapped locally by its tenant's data key) rather
 *     than a tenant's (wrapped by the key service's KEK)
 * @param wrapped the wrapped key; {@code null} once destroyed
 * @param wrappedBy what wrapped it: the KEK's id, or the tenant data key's id; {@code null} for a
 *     subject destroyed before it had a key
 * @param wrappedByVersion the version of what wrapped it
 * @param retiredAt when a newer version replaced it; {@code null} while active
 * @param destroyedAt when it was destroyed; {@code null} unless destroyed
 */
public record KeyRow(
        String keyId,
        int version,
        String tenant,
        boolean subject,
        KeyState state,
        byte[] wrapped,
        String wrappedBy,
        String wrappedByVersion,
        Instant createdAt,
        Instant retiredAt,
        Instant destroyedAt) {

    public KeyRow {
        Objects.requireNonNull(keyId, "keyId");
        Objects.requireNonNull(tenant, "tenant");
        Objects.requireNonNull(state, "state");
        Objects.requireNonNull(createdAt, "createdAt");
        if ((state == KeyState.DESTROYED) != (wrapped == null)) {
            throw new IllegalArgumentException(
                    "a destroyed key has no bytes, every other one has: " + keyId + " v" + version);
        }
    }

    /** A new active key. */
    static KeyRow active(
            String keyId,
            int version,
            String tenant,
            boolean subject,
            byte[] wrapped,
            String wrappedBy,
            String wrappedByVersion,
            Instant createdAt) {
        return new KeyRow(
                keyId,
                version,
                tenant,
                subject,
                KeyState.ACTIVE,
                wrapped,
                wrappedBy,
                wrappedByVersion,
                createdAt,
                null,
                null);
    }

    /** What wrapped it, as {@code syncline keys list} shows it. */
    public String wrappedByText() {
        return wrappedBy == null ? "-" : wrappedBy + " version " + wrappedByVersion;
    }

    @Override
    public String toString() {
        // Never the wrapped bytes.
        return "KeyRow[" + keyId + " v" + version + " " + state.tableName() + "]";
    }
}
