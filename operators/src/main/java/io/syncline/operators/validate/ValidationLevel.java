package io.syncline.operators.validate;

/** How an entity type's schema violations are handled. */
public enum ValidationLevel {
    /** An invalid change goes to the error queue. */
    STRICT,
    /**
     * Invalid optional fields are nulled and unknown fields dropped, each recorded on the event; a
     * change that still breaks its schema (e.g. a required field is missing) is rejected.
     */
    LENIENT,
    /**
     * Common problems are corrected first (defaults, lossless conversions, trimming, standard
     * formats), each recorded on the event; what is still invalid is rejected.
     */
    TRANSFORMATIVE
}
