package io.syncline.operators.alert.notify;

/**
 * A notification that was not delivered. Retryable when the failure may pass (a timeout, a 5xx, a
 * 429); not when trying again would fail the same way (a rejected payload, a wrong credential).
 */
public final class NotifierException extends Exception {

    private static final long serialVersionUID = 1L;

    private final boolean retryable;

    public NotifierException(String message, boolean retryable) {
        super(message);
        this.retryable = retryable;
    }

    public NotifierException(String message, boolean retryable, Throwable cause) {
        super(message, cause);
        this.retryable = retryable;
    }

    /** Whether sending the same notification again may succeed. */
    public boolean retryable() {
        return retryable;
    }
}
