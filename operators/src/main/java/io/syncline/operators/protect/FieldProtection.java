package io.syncline.operators.protect;

import java.io.Serializable;
import java.util.Objects;

/**
 * How one field is protected: its class, and whether the protect stage encrypts it before it leaves
 * for the targets and topics.
 */
public record FieldProtection(DataClass dataClass, boolean encrypt) implements Serializable {

    /** A field nobody classified. */
    public static final FieldProtection DEFAULT = new FieldProtection(DataClass.INTERNAL, false);

    public FieldProtection {
        Objects.requireNonNull(dataClass, "dataClass");
    }

    /** Whether the value is masked wherever it would be shown. */
    public boolean isMasked() {
        return dataClass.isMasked() || encrypt;
    }
}
