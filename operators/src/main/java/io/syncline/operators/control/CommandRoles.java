package io.syncline.operators.control;

import io.syncline.schema.ControlCommandType;
import java.util.Collections;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.Map;
import java.util.Set;

/**
 * Which roles may send which control commands. Rules and conflict decisions change what the data
 * is, so they are the stewards'; replays and re-syncs move data through again, which operators do
 * in their work and stewards after fixing rules; erasures and key rotations are irreversible or
 * change protection, so only administrators send them. Administrators may send everything.
 */
public final class CommandRoles {

    private static final Map<ControlCommandType, Set<ControlRole>> ALLOWED = allowed();

    private CommandRoles() {}

    /** The roles that may send commands of {@code type}; none for {@code UNKNOWN}. */
    public static Set<ControlRole> allowed(ControlCommandType type) {
        return ALLOWED.getOrDefault(type, Set.of());
    }

    /** Whether a key of {@code role} may send commands of {@code type}. */
    public static boolean allows(ControlRole role, ControlCommandType type) {
        return allowed(type).contains(role);
    }

    private static Map<ControlCommandType, Set<ControlRole>> allowed() {
        Map<ControlCommandType, Set<ControlRole>> allowed = new EnumMap<>(ControlCommandType.class);
        allowed.put(ControlCommandType.RULE_SET, roles(ControlRole.STEWARD, ControlRole.ADMIN));
        allowed.put(
                ControlCommandType.CONFLICT_DECISION,
                roles(ControlRole.STEWARD, ControlRole.ADMIN));
        allowed.put(
                ControlCommandType.REPLAY,
                roles(ControlRole.OPERATOR, ControlRole.STEWARD, ControlRole.ADMIN));
        allowed.put(
                ControlCommandType.RESYNC,
                roles(ControlRole.OPERATOR, ControlRole.STEWARD, ControlRole.ADMIN));
        allowed.put(ControlCommandType.ERASE, roles(ControlRole.ADMIN));
        allowed.put(ControlCommandType.KEY_ROTATION, roles(ControlRole.ADMIN));
        return Collections.unmodifiableMap(allowed);
    }

    private static Set<ControlRole> roles(ControlRole first, ControlRole... rest) {
        return Collections.unmodifiableSet(EnumSet.of(first, rest));
    }
}
