package io.syncline.operators.protect;

import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * How sensitive a field is, after the standards' classification. Confidential and restricted values
 * are never shown: logs, error records, alerts and the demo console mask them.
 */
public enum DataClass {
    PUBLIC,
    INTERNAL,
    CONFIDENTIAL,
    RESTRICTED;

    /** The name in the configuration, e.g. {@code confidential}. */
    public String configName() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }

    /** Whether values of this class are masked wherever they would be shown. */
    public boolean isMasked() {
        return this == CONFIDENTIAL || this == RESTRICTED;
    }

    /** The class named {@code name} in the configuration. */
    public static Optional<DataClass> named(String name) {
        return Arrays.stream(values()).filter(c -> c.configName().equals(name)).findFirst();
    }

    /** Every class's configuration name. */
    public static List<String> configNames() {
        return Arrays.stream(values()).map(DataClass::configName).toList();
    }
}
