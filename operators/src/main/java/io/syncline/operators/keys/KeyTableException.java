package io.syncline.operators.keys;

/**
 * The key table cannot be read or written, or holds what it should not: the message names the
 * table, the key and the fix, never key material.
 */
public final class KeyTableException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    public KeyTableException(String message) {
        super(message);
    }

    public KeyTableException(String message, Throwable cause) {
        super(message, cause);
    }
}
