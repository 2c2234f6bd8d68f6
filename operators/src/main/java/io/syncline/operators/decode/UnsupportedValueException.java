package io.syncline.operators.decode;

/** A column value whose type Syncline cannot carry in a {@link io.syncline.schema.FieldValue}. */
public final class UnsupportedValueException extends Exception {

    private static final long serialVersionUID = 1L;

    public UnsupportedValueException(String message) {
        super(message);
    }
}
