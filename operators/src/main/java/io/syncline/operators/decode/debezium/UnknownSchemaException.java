package io.syncline.operators.decode.debezium;

/**
 * The registry has no usable Avro schema under an id (none at all, or one that is not Avro): every
 * message written with that id stays unreadable, so it is a permanent error of those messages.
 */
public final class UnknownSchemaException extends Exception {
    private static final long serialVersionUID = 1L;

    public UnknownSchemaException(String message) {
        super(message);
    }
}
