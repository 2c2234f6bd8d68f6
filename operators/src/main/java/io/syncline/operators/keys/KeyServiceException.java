package io.syncline.operators.keys;

/**
 * A key service cannot wrap or unwrap a key: it is missing, unreachable, refuses the credentials,
 * or the wrapped key is not its own. The message names the service, the key and the fix; it never
 * holds key material or secrets.
 */
public final class KeyServiceException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    public KeyServiceException(String message) {
        super(message);
    }

    public KeyServiceException(String message, Throwable cause) {
        super(message, cause);
    }
}
