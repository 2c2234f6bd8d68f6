package io.syncline.jobs.reconcile;

/** A reconciliation could not be completed; the message names the problem and the fix. */
public final class ReconcileException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    public ReconcileException(String message) {
        super(message);
    }

    public ReconcileException(String message, Throwable cause) {
        super(message, cause);
    }
}
