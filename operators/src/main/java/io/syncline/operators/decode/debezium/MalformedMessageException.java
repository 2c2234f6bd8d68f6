package io.syncline.operators.decode.debezium;

/** A Debezium message a reader cannot make sense of; the message says why. */
final class MalformedMessageException extends Exception {
    private static final long serialVersionUID = 1L;

    MalformedMessageException(String message) {
        super(message);
    }
}
