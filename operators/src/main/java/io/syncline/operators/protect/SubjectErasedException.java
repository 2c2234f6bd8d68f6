package io.syncline.operators.protect;

/** A subject's key was asked for after the subject was erased; its key is destroyed for good. */
public final class SubjectErasedException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    public SubjectErasedException(String message) {
        super(message);
    }
}
