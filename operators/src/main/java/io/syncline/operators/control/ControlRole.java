package io.syncline.operators.control;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * The role a signing key holds, which decides the control commands it may send (see {@link
 * CommandRoles}): operators run the pipeline, data stewards own the data's rules and decisions,
 * administrators may do anything, including erasures and key rotations.
 */
public enum ControlRole {
    OPERATOR,
    STEWARD,
    ADMIN;

    /** The name in the configuration, e.g. {@code steward}. */
    public String configName() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** The role named {@code name} in the configuration, if it is one. */
    public static Optional<ControlRole> named(String name) {
        return Arrays.stream(values()).filter(r -> r.configName().equals(name)).findFirst();
    }

    /** Every role's configuration name, in order of growing power. */
    public static List<String> configNames() {
        return Arrays.stream(values()).map(ControlRole::configName).toList();
    }
}
