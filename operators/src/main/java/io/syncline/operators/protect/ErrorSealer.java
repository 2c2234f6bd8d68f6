package io.syncline.operators.protect;

import io.syncline.schema.ErrorRecord;
import java.io.Serializable;
import java.util.Objects;

/**
 * {@link ErrorProtection} as a serializable part of an operator or sink that writes errors: it
 * opens the data keys on first use, where it runs, and closes them with its owner.
 */
public final class ErrorSealer implements Serializable, AutoCloseable {

    private static final long serialVersionUID = 1L;

    private final Classification classification;
    private final DataKeysFactory keysFactory;
    private final boolean masksAny;

    private transient ErrorProtection protection;
    private transient DataKeys keys;

    /**
     * @param keysFactory the keys to seal with; {@code null} masks changes' values instead
     */
    public ErrorSealer(Classification classification, DataKeysFactory keysFactory) {
        this.classification = Objects.requireNonNull(classification, "classification");
        this.keysFactory = keysFactory;
        this.masksAny = !classification.maskedAnywhere().isEmpty();
    }

    /** Whether any field is masked; if not, {@link #seal} returns errors as they are. */
    public boolean masksAny() {
        return masksAny;
    }

    /** {@code error} without plaintext of masked fields. */
    public ErrorRecord seal(ErrorRecord error) {
        if (!masksAny()) {
            return error;
        }
        if (protection == null) {
            protection = new ErrorProtection(classification, new FieldCipher());
            keys = keysFactory == null ? null : keysFactory.open();
        }
        return protection.protect(error, keys);
    }

    @Override
    public void close() {
        if (keys != null) {
            keys.close();
            keys = null;
            protection = null;
        }
    }
}
