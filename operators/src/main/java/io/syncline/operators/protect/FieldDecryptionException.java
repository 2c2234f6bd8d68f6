package io.syncline.operators.protect;

/**
 * An encrypted field value that cannot be decrypted: not Syncline's format, a key version that is
 * unknown or destroyed, or a value that fails authentication (tampered with, or copied from another
 * tenant, entity type or field). The message never holds the value.
 */
public final class FieldDecryptionException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    FieldDecryptionException(String message) {
        super(message);
    }

    FieldDecryptionException(String message, Throwable cause) {
        super(message, cause);
    }
}
