package io.syncline.operators.keys;

import java.util.Locale;

/** Where a data key version is in its life. */
public enum KeyState {
    /** Encrypts new values (the newest version of a tenant's key; a subject's key). */
    ACTIVE,
    /** Replaced by a newer version: only decrypts values written before the rotation. */
    RETIRED,
    /** Gone for good (an erased subject's key): its bytes are deleted, it is never made again. */
    DESTROYED;

    /** The name in the key table, e.g. {@code active}. */
    public String tableName() {
        return name().toLowerCase(Locale.ROOT);
    }

    static KeyState ofTableName(String name) {
        return valueOf(name.toUpperCase(Locale.ROOT));
    }
}
