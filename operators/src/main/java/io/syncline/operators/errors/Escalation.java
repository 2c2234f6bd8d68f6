package io.syncline.operators.errors;

import io.syncline.schema.ErrorClass;
import io.syncline.schema.ErrorRecord;
import java.io.Serializable;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;

/**
 * Who has to act on an error, by the standards' escalation levels: 1 automated remediation (not an
 * error), 2 data-steward review, 3 business-owner decision, 4 administrator intervention. A
 * permanent error needs its data looked at (2), a transient one the systems (4), unless its code is
 * configured otherwise.
 */
public final class Escalation implements Serializable {

    private static final long serialVersionUID = 1L;

    /** Automated remediation: the change was corrected and delivered, so it is no error. */
    public static final int AUTOMATED = 1;

    /** A data steward reviews and corrects the data. */
    public static final int DATA_STEWARD = 2;

    /** A business owner decides, e.g. which of two conflicting values is right. */
    public static final int BUSINESS_OWNER = 3;

    /** An administrator intervenes in a system, e.g. a database that stays unreachable. */
    public static final int ADMINISTRATOR = 4;

    // A HashMap rather than Map.copyOf: the field's type must say it is Serializable.
    private final HashMap<String, Integer> levelByCode;

    /**
     * @param levelByCode levels of the codes that differ from the default, each 2, 3 or 4
     * @throws IllegalArgumentException naming a code whose level is not 2, 3 or 4
     */
    public Escalation(Map<String, Integer> levelByCode) {
        this.levelByCode = new HashMap<>();
        levelByCode.forEach(
                (code, level) -> {
                    Objects.requireNonNull(code, "code");
                    if (level == null || level < DATA_STEWARD || level > ADMINISTRATOR) {
                        throw new IllegalArgumentException(
                                "escalation level of "
                                        + code
                                        + " is "
                                        + level
                                        + "; use 2 (data steward), 3 (business owner) or 4"
                                        + " (administrator): level 1 is automated remediation,"
                                        + " which is not an error");
                    }
                    this.levelByCode.put(code, level);
                });
    }

    /** The default levels only: 2 for permanent errors, 4 for transient ones. */
    public static Escalation defaults() {
        return new Escalation(Map.of());
    }

    /** The level of {@code error}: its code's configured level, else its class's default. */
    public int levelOf(ErrorRecord error) {
        return levelOf(error.getCode(), error.getErrorClass());
    }

    /** The level of an error with {@code code} and {@code errorClass}. */
    public int levelOf(String code, ErrorClass errorClass) {
        Integer configured = levelByCode.get(code);
        if (configured != null) {
            return configured;
        }
        return errorClass == ErrorClass.TRANSIENT ? ADMINISTRATOR : DATA_STEWARD;
    }
}
